"""The Dockerfile grammar below instructions, as BuildKit's parser reads it (``frontend/dockerfile/
parser`` and ``shell/lex.go``): physical lines, parser directives, logical lines (continuations
joined, comments and blank lines inside them skipped), heredoc bodies, words, quotes and variable
expansion. :mod:`isolint.parsers.dockerfile` builds instructions, stages and the workload on top.

Every physical line is visited once and continued lines are joined with ``str.join``, so reading
is linear in the size of the file. ``tests/test_dockerfile_oracle.py`` compares the result with
BuildKit's own parser (the ``dockerfile`` package) on every Dockerfile of the repository and on
generated edge cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..model import KeyValue, Location, ParseError, Value
from ..sources import excerpt

HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
DIRECTIVE_NAMES = frozenset({"syntax", "escape", "check"})

_DIRECTIVE_RE = r"#[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$"
# A heredoc word: file descriptor, chomp flag, then the name. BuildKit >= 0.22 (dockerfile 1.16)
# also reads ``<< EOF``: its lexer keeps whitespace right after ``<<`` in the word.
_HEREDOC_RE = r"(\d*)<<(-?)\s*([^<]*)$"
# The keyword ends at ASCII whitespace only (BuildKit: ``[\t\v\f\r ]+``): ``RUN\u00a0echo`` is
# one unknown word, as it is for the build.
_KEYWORD_SPLIT = re.compile(r"[\t\v\f\r ]+")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACED_RE = r"(?s)([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])(.*))?$"
_MAX_EXPANSION_DEPTH = 32

# Variables a build can see: a name maps to its value, or to None when it is declared without a
# value the linter knows (``ARG NAME`` with no default and no build arg).
Env = dict[str, str | None]


# ------------------------------------------------------------------------------------------
# Lines, directives, logical lines
# ------------------------------------------------------------------------------------------
def source_lines(text: str) -> list[str]:
    """Physical lines as BuildKit sees them: split on LF only, CRs before the LF and a BOM dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def read_directives(path: str, lines: list[str], errors: list[ParseError]) -> tuple[tuple[KeyValue, ...], str]:
    """Parser directives at the very top of the file, and the escape character they select."""
    found: dict[str, KeyValue] = {}
    escape = "\\"
    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip(" \t")
        match = re.match(_DIRECTIVE_RE, stripped)
        if match is None or match.group(1).lower() not in DIRECTIVE_NAMES:
            break
        key = match.group(1).lower()
        loc = Location(path, number, len(line) - len(stripped) + 1)
        if key in found:
            errors.append(ParseError(
                path, f"only one {key} parser directive can be used: remove this one "
                f"(the first is at line {found[key].key.loc.line})", number, loc.column))
            continue
        value = match.group(2)
        if key == "escape":
            if value in ("\\", "`"):
                escape = value
            else:
                errors.append(ParseError(
                    path, f"invalid escape directive {excerpt(value)}: it must be a backslash (\\) or a backtick (`)",
                    number, loc.column))
        key_text = match.group(1) if match.group(1) != key else None
        found[key] = KeyValue(Value(key, loc, text=key_text), Value(value, loc))
    return tuple(found.values()), escape


@dataclass
class LogicalLine:
    """One instruction as read from the source: continuations joined, heredoc bodies collected."""

    line: int
    column: int
    end_line: int
    text: str  # keyword and arguments, continuation characters removed
    heredocs: list[str] = field(default_factory=list)

    @property
    def keyword(self) -> str:
        return split_keyword(self.text)[0].upper()

    @property
    def rest(self) -> str:
        return split_keyword(self.text)[1]


def split_keyword(text: str) -> tuple[str, str]:
    """An instruction's first word (as written) and the rest, split where BuildKit splits them."""
    parts = _KEYWORD_SPLIT.split(text.strip(), maxsplit=1)
    return parts[0], (parts[1].strip() if len(parts) > 1 else "")


def _is_comment_or_blank(stripped: str) -> bool:
    return not stripped or stripped.startswith("#")


def _trim_continuation(line: str, escape: str) -> tuple[str, bool]:
    """The line without a trailing escape character, and whether the instruction continues.

    An escaped escape (``C:\\\\``) ends the line, as in BuildKit since v0.8: the continuation
    pattern is ``([^\\\\])\\\\[ \\t]*$`` or a lone escape."""
    trimmed = line.rstrip(" \t")
    if trimmed.endswith(escape) and (len(trimmed) == 1 or trimmed[-2] != escape):
        return trimmed[:-1], True
    return line, False


def logical_lines(path: str, lines: list[str], escape: str, errors: list[ParseError]) -> Iterator[LogicalLine]:
    index, count = 0, len(lines)
    while index < count:
        line = lines[index]
        stripped = line.lstrip()  # BuildKit trims any Unicode space before the keyword
        index += 1
        if _is_comment_or_blank(stripped):
            continue
        start = index  # 1-based number of the line just read
        piece, continues = _trim_continuation(stripped, escape)
        parts, end = [piece], start
        # BuildKit skips comment lines and blank lines inside a continued instruction.
        while continues and index < count:
            line = lines[index]
            index += 1
            if _is_comment_or_blank(line.lstrip()):
                continue
            piece, continues = _trim_continuation(line, escape)
            parts.append(piece)
            end = index
        if continues:
            end = index  # continued to the end of the file: BuildKit's instruction ends on its last line
        text = "".join(parts)
        if not text.strip():
            continue  # a lone continuation character: nothing to build
        raw = LogicalLine(start, len(lines[start - 1]) - len(stripped) + 1, end, text)
        if "<<" in raw.text:
            index = _read_heredocs(path, lines, index, raw, errors)
        yield raw


def _heredoc_arguments(raw: LogicalLine) -> str | None:
    """The arguments in which ``raw`` may open heredocs: those of ``RUN``/``COPY``/``ADD``, also
    as an ``ONBUILD`` trigger (BuildKit's ``heredocCompoundDirectives``); not the JSON form."""
    keyword, rest = split_keyword(raw.text)
    if keyword.upper() == "ONBUILD":
        keyword, rest = split_keyword(rest)
    if keyword.upper() not in HEREDOC_INSTRUCTIONS or rest.startswith("["):
        return None
    return rest


def _read_heredocs(path: str, lines: list[str], index: int, raw: LogicalLine, errors: list[ParseError]) -> int:
    """Consume the bodies of the heredocs ``raw`` opens; return the index of the next line."""
    arguments = _heredoc_arguments(raw)
    for name, chomp in heredoc_names(arguments) if arguments is not None else ():
        body: list[str] = []
        terminated = False
        while index < len(lines):
            line = lines[index]
            index += 1
            candidate = line.lstrip("\t") if chomp else line
            if candidate == name:
                terminated = True
                break
            body.append(candidate)
        raw.end_line = index
        raw.heredocs.append("".join(f"{line}\n" for line in body))
        if not terminated:
            errors.append(ParseError(
                path, f"unterminated heredoc: <<{name} is never closed; add a line containing only {name} "
                "(everything to the end of the file was read as its body)", raw.line, raw.column))
            break
    return index


def heredoc_names(arguments: str) -> Iterator[tuple[str, bool]]:
    """Names and chomp flags of the ``<<NAME`` words of an instruction's arguments.

    The words are split by BuildKit's lexer with the backslash escape whatever ``# escape`` says;
    the name is the word with its quotes removed (``<<E"OF"`` ends at ``EOF``)."""
    for word in split_words(arguments, "\\", heredocs=True):
        match = re.match(_HEREDOC_RE, word)
        if match is None:
            continue
        name = shell_unquote(match.group(3))
        if name:
            yield name, match.group(2) == "-"


# ------------------------------------------------------------------------------------------
# Words, quoting and variable expansion
# ------------------------------------------------------------------------------------------
def split_words(text: str, escape: str, *, heredocs: bool = False) -> list[str]:
    """Split on unquoted, unescaped whitespace; quotes and escapes stay in the words. With
    ``heredocs``, whitespace right after an unquoted ``<<`` stays in the word (``<< EOF``)."""
    words: list[str] = []
    current: list[str] = []
    quote: str | None = None
    index, count = 0, len(text)
    while index < count:
        char = text[index]
        if char == escape and quote != "'" and index + 1 < count:
            current.append(text[index:index + 2])
            index += 2
            continue
        if heredocs and quote is None and text.startswith("<<", index):
            end = index + 2
            while end < count and text[end] in " \t":
                end += 1
            current.append(text[index:end])
            index = end
            continue
        if quote is None and char in " \t\r\n\v\f":
            if current:
                words.append("".join(current))
                current = []
        else:
            if char in "'\"" and quote in (None, char):
                quote = None if quote == char else char
            current.append(char)
        index += 1
    if current:
        words.append("".join(current))
    return words


def unquote(word: str) -> str:
    """``word`` without one pair of surrounding quotes."""
    if len(word) >= 2 and word[0] == word[-1] and word[0] in "'\"":
        return word[1:-1]
    return word


def shell_unquote(word: str) -> str:
    """``word`` with its quotes and backslash escapes removed, as a shell reads it
    (``E"OF"`` -> ``EOF``); variables are left as written."""
    return expand(word, None, "\\")[0]


def expand(word: str, env: Env | None, escape: str, depth: int = 0) -> tuple[str, bool]:
    """Expand variables and remove quotes like BuildKit does; False when the result is uncertain.
    With no ``env``, variables stay as written (BuildKit's ``SkipUnsetEnv``)."""
    out: list[str] = []
    certain = True
    quote: str | None = None
    index, count = 0, len(word)
    while index < count:
        char = word[index]
        if quote == "'":
            if char == "'":
                quote = None
            else:
                out.append(char)
            index += 1
        elif char == escape and index + 1 < count:
            following = word[index + 1]
            if quote == '"' and following not in ('"', "$", escape):
                out.append(char)
            out.append(following)
            index += 2
        elif char in "'\"" and quote in (None, char):
            quote = None if quote == char else char
            index += 1
        elif char == "$" and env is not None:
            text, known, index = _expand_variable(word, index, env, escape, depth)
            out.append(text)
            certain = certain and known
        else:
            out.append(char)
            index += 1
    return "".join(out), certain


def _expand_variable(word: str, index: int, env: Env, escape: str, depth: int) -> tuple[str, bool, int]:
    """Expand the ``$`` reference at ``index``: (text, certain, index after the reference)."""
    start = index + 1
    if start < len(word) and word[start] == "{":
        close = _closing_brace(word, start, escape)
        if close < 0 or depth >= _MAX_EXPANSION_DEPTH:
            return word[index:], False, len(word)
        return (*_expand_braced(word[start + 1:close], env, escape, depth), close + 1)
    match = _NAME_RE.match(word, start)
    if match is None:
        return "$", True, start
    value = env.get(match.group())
    return (value or ""), value is not None, match.end()


def _closing_brace(word: str, opening: int, escape: str) -> int:
    depth, index = 0, opening
    while index < len(word):
        char = word[index]
        if char == escape:
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def _expand_braced(inner: str, env: Env, escape: str, depth: int) -> tuple[str, bool]:
    match = re.match(_BRACED_RE, inner)
    if match is None:  # ${VAR#pattern}, ${VAR/a/b}, ...: not evaluated
        return "${" + inner + "}", False
    name, operator, argument = match.groups()
    value = env.get(name)
    known = value is not None
    if operator is None:
        return (value or ""), known
    is_set = known and (operator[0] != ":" or value != "")
    symbol = operator[-1]
    if symbol == "-":
        if is_set:
            return value or "", True
        default, default_known = expand(argument, env, escape, depth + 1)
        return default, known and default_known
    if symbol == "+":
        if not is_set:
            return "", known
        alternative, alternative_known = expand(argument, env, escape, depth + 1)
        return alternative, alternative_known
    return (value or "", True) if is_set else ("", False)  # "?": the build would fail
