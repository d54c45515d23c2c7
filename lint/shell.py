"""Reading shell command text (a Dockerfile ``RUN``, a container command) without running it.

A small tokenizer, not a shell. A script becomes pipelines of simple commands, each a tuple of
words with quotes removed. It understands ``&&``, ``||``, ``;``, ``&``, ``|``, newlines, comments,
subshell parentheses and redirections (their targets are dropped), and keeps ``$(...)``,
backquotes and ``<(...)`` inside the word they appear in. ``sh -c SCRIPT`` is read recursively,
so the commands of the inner script are listed too.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

Command = tuple[str, ...]
Pipeline = tuple[Command, ...]

SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})
# Longest first: the first operator that matches at a position wins.
_OPERATORS = ("&&", "||", "|&", ">>", "<<", "&>", ">&", ";", "&", "|", "\n", "(", ")", ">", "<")
_OPERATOR_STARTS = frozenset(op[0] for op in _OPERATORS)
_REDIRECTIONS = frozenset({">>", "<<", "&>", ">&", ">", "<"})
_PIPES = frozenset({"|", "|&"})
_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "time"})
_ASSIGNMENT = r"[A-Za-z_][A-Za-z0-9_]*="
# Wrappers that run the rest of their arguments as a command, with their options taking a value.
_WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T"}),
    "doas": frozenset({"-u", "-C"}),
    "env": frozenset({"-u", "-C", "-S"}),
    "exec": frozenset({"-a"}),
    "nohup": frozenset(),
    "command": frozenset(),
    "builtin": frozenset(),
    "nice": frozenset({"-n"}),
    "xargs": frozenset({"-I", "-n", "-P", "-d", "-L", "-s", "-a", "-E", "-i"}),
    "gosu": frozenset(),
    "su-exec": frozenset(),
    "tini": frozenset(),
}
_MAX_DEPTH = 4


# ------------------------------------------------------------------------------------------
# Tokens
# ------------------------------------------------------------------------------------------
def _closing_paren(text: str, opening: int) -> int:
    """Index of the ``)`` matching the ``(`` at ``opening`` (end of text when unbalanced)."""
    depth, quote = 0, None
    for index in range(opening, len(text)):
        char = text[index]
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
    return len(text) - 1


def _lex(script: str) -> Iterator[tuple[str, bool]]:
    """(text, is_operator) tokens of ``script``."""
    word: list[str] = []
    started = False  # a quoted empty string is still a word
    quote: str | None = None
    index, count = 0, len(script)
    while index < count:
        char = script[index]
        if quote == "'":
            if char == "'":
                quote = None
            else:
                word.append(char)
            index += 1
            continue
        if char == "\\":
            following = script[index + 1:index + 2]
            if following and following != "\n":
                if quote == '"' and following not in '"\\$`':
                    word.append(char)
                word.append(following)
                started = True
            index += 2
            continue
        if char == "`" or (char in "$<>" and script.startswith("(", index + 1)):
            end = script.find("`", index + 1) if char == "`" else _closing_paren(script, index + 1)
            end = count - 1 if end < 0 else end
            word.append(script[index:end + 1])
            started = True
            index = end + 1
            continue
        if quote == '"':
            if char == '"':
                quote = None
            else:
                word.append(char)
            index += 1
            continue
        if char in "'\"":
            quote, started = char, True
            index += 1
            continue
        if char == "#" and not started:
            newline = script.find("\n", index)
            index = count if newline < 0 else newline
            continue
        if char in " \t\r":
            if started:
                yield "".join(word), False
                word, started = [], False
            index += 1
            continue
        operator = next((op for op in _OPERATORS if script.startswith(op, index)), None) \
            if char in _OPERATOR_STARTS else None
        if operator is not None:
            if started:
                yield "".join(word), False
                word, started = [], False
            yield operator, True
            index += len(operator)
            continue
        word.append(char)
        started = True
        index += 1
    if started:
        yield "".join(word), False


def pipelines(script: str, _depth: int = 0) -> list[Pipeline]:
    """The pipelines of ``script``; the commands of ``sh -c SCRIPT`` arguments are added after them."""
    return list(_pipelines(script, _depth))


# Several rules read the same RUN text of a file one after the other: lex it once.
@functools.lru_cache(maxsize=256)
def _pipelines(script: str, _depth: int) -> tuple[Pipeline, ...]:
    found: list[Pipeline] = []
    commands: list[Command] = []
    words: list[str] = []
    skip_target = False

    def end_command() -> None:
        nonlocal words
        if words:
            commands.append(tuple(words))
        words = []

    def end_pipeline() -> None:
        nonlocal commands
        end_command()
        if commands:
            found.append(tuple(commands))
        commands = []

    for text, is_operator in _lex(script):
        if not is_operator:
            if skip_target:
                skip_target = False
            else:
                words.append(text)
        elif text in _REDIRECTIONS:
            skip_target = True
        elif text in _PIPES:
            end_command()
        else:
            end_pipeline()
    end_pipeline()
    if _depth < _MAX_DEPTH:
        for pipeline in list(found):
            for command in pipeline:
                inner = shell_script_argument(command)
                if inner is not None:
                    found.extend(_pipelines(inner, _depth + 1))
    return tuple(found)


def commands(script: str) -> list[Command]:
    """Every simple command of ``script``, in order, pipelines flattened."""
    return list(_commands(script))


@functools.lru_cache(maxsize=256)
def _commands(script: str) -> tuple[Command, ...]:
    return tuple(command for pipeline in _pipelines(script, 0) for command in pipeline)


# ------------------------------------------------------------------------------------------
# What a command runs
# ------------------------------------------------------------------------------------------
def without_keywords(command: Command) -> Command:
    """``command`` without leading shell keywords (``then``, ``do``, ``!``) and ``NAME=value`` assignments."""
    index = 0
    while index < len(command) and (command[index] in _KEYWORDS or re.match(_ASSIGNMENT, command[index])):
        index += 1
    return command[index:]


def program(word: str) -> str:
    """The base name of a command word: ``/usr/bin/sudo`` -> ``sudo``."""
    return posixpath.basename(word)


def simple_command(command: Command) -> Command:
    """The command that actually runs: keywords, assignments and wrappers (``sudo``, ``env``, ``exec``,
    ``xargs`` ...) with their options removed, the program as its base name."""
    rest = without_keywords(command)
    while rest and program(rest[0]) in _WRAPPERS:
        valued = _WRAPPERS[program(rest[0])]
        index = 1
        while index < len(rest) and (rest[index].startswith("-") or re.match(_ASSIGNMENT, rest[index])):
            index += 2 if rest[index] in valued else 1
        if program(rest[0]) in ("gosu", "su-exec") and index < len(rest):
            index += 1  # the user to run as
        rest = rest[index:]
    if not rest:
        return ()
    return (program(rest[0]), *rest[1:])


def shell_script_argument(command: Command) -> str | None:
    """The script of ``sh -c SCRIPT`` (any shell, options before ``-c`` allowed), else None."""
    words = simple_command(command)
    if not words or words[0] not in SHELLS:
        return None
    for index, word in enumerate(words[1:], start=1):
        if not word.startswith("-"):
            return None
        if "c" in word[1:] and not word.startswith("--") and index + 1 < len(words):
            return words[index + 1]
    return None


# ------------------------------------------------------------------------------------------
# Package managers
# ------------------------------------------------------------------------------------------
INSTALL_VERBS: dict[str, frozenset[str]] = {
    "apt-get": frozenset({"install"}),
    "apt": frozenset({"install"}),
    "aptitude": frozenset({"install"}),
    "apk": frozenset({"add"}),
    "yum": frozenset({"install"}),
    "dnf": frozenset({"install"}),
    "microdnf": frozenset({"install"}),
    "tdnf": frozenset({"install"}),
    "zypper": frozenset({"install", "in"}),
    "pacman": frozenset({"-S", "-Sy", "-Syu", "--sync"}),
}
_VERSION_SUFFIX = r"(=|~|>|<|@).*$"


def package_verb(command: Command) -> tuple[str, str] | None:
    """(manager, verb) of a package-manager command (``apt-get install`` -> ``("apt-get", "install")``)."""
    words = simple_command(command)
    if not words or words[0] not in INSTALL_VERBS:
        return None
    for word in words[1:]:
        if words[0] == "pacman" and word.startswith("-S"):
            return words[0], word
        if not word.startswith("-"):
            return words[0], word
    return None


def installed_packages(command: Command) -> list[str]:
    """Package names a package-manager install command names, versions stripped."""
    verb = package_verb(command)
    if verb is None or verb[1] not in INSTALL_VERBS[verb[0]]:
        return []
    words = simple_command(command)
    after = words[words.index(verb[1]) + 1:]
    return [re.sub(_VERSION_SUFFIX, "", word) for word in after if not word.startswith("-")]


# ------------------------------------------------------------------------------------------
# File modes
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ModeChange:
    """A permission change a command makes: ``chmod -R 777 /app`` -> ``("777", ("/app",), True)``.
    ``directory``: the paths are known to be directories (``install -d``, ``mkdir -m``)."""

    mode: str
    paths: tuple[str, ...]
    recursive: bool = False
    directory: bool = False


_SYMBOLIC_MODE = r"[ugoa]*([-+=][rwxXstugo]*)+(,[ugoa]*([-+=][rwxXstugo]*)+)*"
_OCTAL_MODE = r"[0-7]{1,5}"


def is_mode(text: str) -> bool:
    return bool(re.fullmatch(_OCTAL_MODE, text) or re.fullmatch(_SYMBOLIC_MODE, text))


def mode_changes(command: Command) -> list[ModeChange]:
    """The permission changes of ``chmod``, ``install -m``, ``mkdir -m`` and ``find ... -exec chmod``."""
    words = simple_command(command)
    if not words:
        return []
    if words[0] == "find":
        return _find_exec_changes(words)
    if words[0] == "chmod":
        return _chmod_change(words)
    if words[0] in ("install", "mkdir"):
        return _install_change(words)
    return []


def _chmod_change(words: Command) -> list[ModeChange]:
    mode: str | None = None
    paths: list[str] = []
    recursive = False
    for word in words[1:]:
        if word in ("-R", "--recursive"):
            recursive = True
        elif mode is None and is_mode(word):
            mode = word  # before the option check: "-w" is a mode
        elif word.startswith("-") and mode is None:
            recursive = recursive or ("R" in word and not word.startswith("--"))
        else:
            paths.append(word)
    return [ModeChange(mode, tuple(paths), recursive)] if mode is not None else []


def _install_change(words: Command) -> list[ModeChange]:
    """``install -m MODE`` and ``mkdir -m MODE`` (``install -d`` and ``mkdir`` make directories)."""
    mode: str | None = None
    paths: list[str] = []
    directory = words[0] == "mkdir"
    index = 1
    while index < len(words):
        word = words[index]
        if word in ("-m", "--mode") and index + 1 < len(words):
            mode = words[index + 1]
            index += 2
            continue
        if word.startswith("--mode="):
            mode = word.split("=", 1)[1]
        elif word.startswith("-m") and len(word) > 2:
            mode = word[2:]
        elif word in ("-o", "-g", "-t", "--owner", "--group", "--target-directory"):
            index += 1
        elif word == "--directory" or (word.startswith("-") and not word.startswith("--") and "d" in word):
            directory = True
        elif not word.startswith("-"):
            paths.append(word)
        index += 1
    return [ModeChange(mode, tuple(paths), directory=directory)] if mode is not None and is_mode(mode) else []


def _find_exec_changes(words: Command) -> list[ModeChange]:
    changes: list[ModeChange] = []
    roots = tuple(word for word in words[1:] if not word.startswith(("-", "(", "!")))[:1]
    for index, word in enumerate(words):
        if word in ("-exec", "-execdir"):
            end = next((i for i in range(index + 1, len(words)) if words[i] in (";", "+", "\\;")), len(words))
            directories = any(a == "-type" and b == "d" for a, b in pairwise(words))
            for change in mode_changes(words[index + 1:end]):
                changes.append(ModeChange(change.mode, roots, True, directories))
    return changes


def octal_mode(mode: str) -> int | None:
    return int(mode, 8) if re.fullmatch(_OCTAL_MODE, mode) else None


def symbolic_clauses(mode: str) -> Iterator[tuple[str, str, str]]:
    """(who, operator, permissions) of each clause of a symbolic mode: ``u+s,go-w`` -> ``u + s``, ``go - w``."""
    for clause in mode.split(","):
        match = re.match(r"[ugoa]*", clause)
        who = match.group() if match else ""
        for operator, permissions in re.findall(r"([-+=])([rwxXstugo]*)", clause[len(who):]):
            yield who, operator, permissions
