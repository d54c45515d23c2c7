"""Dockerfile front-end: a Dockerfile's text becomes an :class:`Image` and one :class:`Workload`.

The tokenizer follows BuildKit's Dockerfile parser rather than using ``dockerfile-parse``, which
ends a continued instruction at a blank line, stops honouring ``# escape=`` after a ``# check=``
directive, reads heredoc bodies as instructions and joins continuation lines by repeated string
concatenation (quadratic on long continuations). Here every physical line is visited once and
continued lines are joined with ``str.join``, so parsing is linear in the size of the file.

Nothing in the file is ever executed: ``ARG``/``ENV`` substitution is done by a small expander
that understands ``$VAR``, ``${VAR}`` and the ``-``, ``+`` and ``?`` modifiers (with or without
``:``); anything else makes the result uncertain instead of guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from ..model import (
    Container,
    FileModel,
    Format,
    Image,
    Instruction,
    KeyValue,
    Location,
    ParseError,
    Port,
    Resource,
    Role,
    SecurityContext,
    Stage,
    Value,
    Workload,
)

KNOWN_INSTRUCTIONS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})
# Instructions BuildKit refuses without any argument.
NEEDS_ARGUMENTS = KNOWN_INSTRUCTIONS - {"CMD", "ENTRYPOINT"}
ARGUMENT_HINTS = {
    "FROM": "FROM [--platform=<platform>] <image> [AS <name>]",
    "USER": "USER <user>[:<group>]",
    "ARG": "ARG <name>[=<default>]",
    "ENV": "ENV <name>=<value>",
    "COPY": "COPY <source> <destination>",
    "ADD": "ADD <source> <destination>",
    "EXPOSE": "EXPOSE <port>[/<protocol>]",
    "HEALTHCHECK": "HEALTHCHECK CMD <command> or HEALTHCHECK NONE",
}
JSON_FORM_INSTRUCTIONS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"})
HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
DIRECTIVE_NAMES = frozenset({"syntax", "escape", "check"})

_DIRECTIVE_RE = r"#[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$"
_HEREDOC_RE = r"(\d*)<<(-?)([^<]+)$"
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACED_RE = r"(?s)([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])(.*))?$"
_STAGE_NAME_RE = r"(?i)[a-z][a-z0-9_.-]*$"
_PORT_RE = r"(\d+)(?:-(\d+))?(?:/([A-Za-z]+))?$"
_WINDOWS_IMAGE_RE = (r"(?i)(^mcr\.microsoft\.com/windows([/:]|$))|(^mcr\.microsoft\.com/dotnet/framework/)"
                     r"|(/nanoserver)|(/servercore)|(nanoserver|windowsservercore|servercore-ltsc)")
_MAX_EXPANSION_DEPTH = 32

# Variables a build can see: a name maps to its value, or to None when it is declared without a
# value the linter knows (``ARG NAME`` with no default and no build arg).
Env = dict[str, str | None]


# ------------------------------------------------------------------------------------------
# Public entry points
# ------------------------------------------------------------------------------------------
def parse_dockerfile(path: str, text: str, build_args: Mapping[str, str] | None = None) -> FileModel:
    """Parse a Dockerfile; never raises. Problems are reported in ``FileModel.errors``."""
    lines = _source_lines(text)
    errors: list[ParseError] = []
    directives, escape = _read_directives(path, lines, errors)
    logical = list(_logical_lines(path, lines, escape, errors))
    instructions = [i for i in (_make_instruction(path, raw, escape, errors) for raw in logical) if i is not None]
    image, ports = _build_image(path, instructions, directives, escape, dict(build_args or {}), errors)
    model = FileModel(path, Format.DOCKERFILE, images=[image], errors=errors, lines=tuple(lines))
    if not logical:
        errors.append(ParseError(path, "the Dockerfile has no instructions: add at least a FROM instruction"))
    elif not image.stages:
        first = logical[0]
        errors.append(ParseError(
            path, "no FROM instruction: a Dockerfile must start its build stage with FROM <image>",
            first.line, first.column))
    else:
        model.workloads.append(_build_workload(image, directives, ports, logical[-1].end_line))
    return model


def looks_like_dockerfile(text: str) -> bool:
    """True when the first instruction, after comments, parser directives and ARGs, is FROM."""
    lines = _source_lines(text)
    _, escape = _read_directives("", lines, [])
    for raw in _logical_lines("", lines, escape, []):
        keyword = raw.keyword
        if keyword == "ARG":
            continue
        return keyword == "FROM"
    return False


# ------------------------------------------------------------------------------------------
# Lines, directives, logical lines
# ------------------------------------------------------------------------------------------
def _source_lines(text: str) -> list[str]:
    """Physical lines as BuildKit sees them: split on LF only, CR of CRLF and a BOM dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _read_directives(path: str, lines: list[str], errors: list[ParseError]) -> tuple[tuple[KeyValue, ...], str]:
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
                    path, f"invalid escape directive {value!r}: it must be a backslash (\\) or a backtick (`)",
                    number, loc.column))
        key_text = match.group(1) if match.group(1) != key else None
        found[key] = KeyValue(Value(key, loc, text=key_text), Value(value, loc))
    return tuple(found.values()), escape


@dataclass
class _LogicalLine:
    """One instruction as read from the source: continuations joined, heredoc bodies collected."""

    line: int
    column: int
    end_line: int
    text: str  # keyword and arguments, continuation characters removed
    heredocs: list[str] = field(default_factory=list)

    @property
    def keyword(self) -> str:
        return self.text.split(None, 1)[0].upper()  # text is never blank

    @property
    def rest(self) -> str:
        parts = self.text.split(None, 1)
        return parts[1].strip() if len(parts) > 1 else ""


def _is_comment_or_blank(stripped: str) -> bool:
    return not stripped or stripped.startswith("#")


def _trim_continuation(line: str, escape: str) -> tuple[str, bool]:
    """The line without a trailing escape character, and whether the instruction continues."""
    trimmed = line.rstrip(" \t")
    if trimmed.endswith(escape):
        return trimmed[:-1], True
    return line, False


def _logical_lines(path: str, lines: list[str], escape: str, errors: list[ParseError]) -> Iterator[_LogicalLine]:
    index, count = 0, len(lines)
    while index < count:
        line = lines[index]
        stripped = line.lstrip(" \t")
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
            if _is_comment_or_blank(line.lstrip(" \t")):
                continue
            piece, continues = _trim_continuation(line, escape)
            parts.append(piece)
            end = index
        text = "".join(parts)
        if not text.strip():
            continue  # a lone continuation character: nothing to build
        raw = _LogicalLine(start, len(lines[start - 1]) - len(stripped) + 1, end, text)
        if raw.keyword in HEREDOC_INSTRUCTIONS and "<<" in raw.text:
            index = _read_heredocs(path, lines, index, raw, escape, errors)
        yield raw


def _read_heredocs(
    path: str, lines: list[str], index: int, raw: _LogicalLine, escape: str, errors: list[ParseError]
) -> int:
    """Consume the bodies of the heredocs ``raw`` opens; return the index of the next line."""
    for name, chomp in _heredoc_names(raw.rest, escape):
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


def _heredoc_names(arguments: str, escape: str) -> Iterator[tuple[str, bool]]:
    """Names (quotes removed) and chomp flags of the ``<<NAME`` words of an instruction."""
    if arguments.startswith("["):
        return
    for word in _split_words(arguments, escape):
        match = re.match(_HEREDOC_RE, word)
        if match is None:
            continue
        name = _unquote(match.group(3))
        if name:
            yield name, match.group(2) == "-"


# ------------------------------------------------------------------------------------------
# Words, quoting and variable expansion
# ------------------------------------------------------------------------------------------
def _split_words(text: str, escape: str) -> list[str]:
    """Split on unquoted, unescaped whitespace; quotes and escapes stay in the words."""
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


def _unquote(word: str) -> str:
    if len(word) >= 2 and word[0] == word[-1] and word[0] in "'\"":
        return word[1:-1]
    return word


def _expand(word: str, env: Env, escape: str, depth: int = 0) -> tuple[str, bool]:
    """Expand variables and remove quotes like BuildKit does; False when the result is uncertain."""
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
        elif char == "$":
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
        default, default_known = _expand(argument, env, escape, depth + 1)
        return default, known and default_known
    if symbol == "+":
        if not is_set:
            return "", known
        alternative, alternative_known = _expand(argument, env, escape, depth + 1)
        return alternative, alternative_known
    return (value or "", True) if is_set else ("", False)  # "?": the build would fail


# ------------------------------------------------------------------------------------------
# Instructions
# ------------------------------------------------------------------------------------------
def _make_instruction(path: str, raw: _LogicalLine, escape: str, errors: list[ParseError]) -> Instruction | None:
    keyword = raw.keyword
    if keyword not in KNOWN_INSTRUCTIONS:
        errors.append(ParseError(
            path, f"unknown instruction {raw.text.split(None, 1)[0]!r}: BuildKit rejects it; "
            "check the spelling or a missing line continuation on the line before", raw.line, raw.column))
        return None
    loc = Location(path, raw.line, raw.column)
    value = raw.rest
    if not value and keyword in NEEDS_ARGUMENTS:
        hint = ARGUMENT_HINTS.get(keyword)
        usage = f": write {hint}" if hint else ""
        errors.append(ParseError(path, f"{keyword} requires at least one argument{usage}", raw.line, raw.column))
    flags, remainder = _split_flags(value, loc, escape)
    arguments, json_form = _arguments(keyword, remainder)
    return Instruction(
        loc=loc, keyword=keyword, value=value, flags=flags, arguments=arguments, json_form=json_form,
        heredocs=tuple(raw.heredocs), end_line=raw.end_line,
    )


def _split_flags(value: str, loc: Location, escape: str) -> tuple[tuple[KeyValue, ...], str]:
    """Leading ``--name[=value]`` flags (key without dashes; a bare flag is ``"true"``) and the rest."""
    flags: list[KeyValue] = []
    rest = value
    while rest.startswith("--"):
        word = rest[:_first_word_end(rest, escape)]
        rest = rest[len(word):].lstrip()
        if word == "--":
            break
        name, has_value, flag_value = word[2:].partition("=")
        flags.append(KeyValue(
            Value(name, loc), Value(_unquote(flag_value) if has_value else "true", loc, text=word)))
    return tuple(flags), rest


def _first_word_end(text: str, escape: str) -> int:
    """Index just after the first word of ``text`` (quotes respected)."""
    quote: str | None = None
    index = 0
    while index < len(text):
        char = text[index]
        if char == escape and quote != "'":
            index += 2
            continue
        if quote is None and char in " \t":
            return index
        if char in "'\"" and quote in (None, char):
            quote = None if quote == char else char
        index += 1
    return len(text)


def _arguments(keyword: str, remainder: str) -> tuple[tuple[str, ...], bool]:
    if keyword in JSON_FORM_INSTRUCTIONS and remainder.startswith("["):
        try:
            parsed = json.loads(remainder)
        except ValueError:
            parsed = None
        if isinstance(parsed, list) and all(isinstance(item, str) for item in parsed):
            return tuple(parsed), True
    return ((remainder,) if remainder else ()), False


# ------------------------------------------------------------------------------------------
# Stages and the image
# ------------------------------------------------------------------------------------------
@dataclass
class _StageState:
    """A stage while it is being read."""

    stage: Stage
    env: Env
    env_names: set[str] = field(default_factory=set)  # set by ENV: inherited by FROM <this stage>
    instructions: list[Instruction] = field(default_factory=list)
    user: Value[str] | None = None
    ports: list[Port] = field(default_factory=list)


@dataclass
class _ImageBuilder:
    path: str
    escape: str
    build_args: dict[str, str]
    errors: list[ParseError]
    global_env: Env = field(default_factory=dict)
    global_args: list[Instruction] = field(default_factory=list)
    stages: list[_StageState] = field(default_factory=list)
    finished: list[Stage] = field(default_factory=list)
    ports: list[tuple[Port, ...]] = field(default_factory=list)  # EXPOSE ports by stage index
    has_from: bool = True  # without any FROM, one "no FROM" error replaces the per-instruction ones

    def error(self, instruction: Instruction, message: str) -> None:
        self.errors.append(ParseError(self.path, message, instruction.loc.line, instruction.loc.column))

    def add(self, instruction: Instruction) -> None:
        if instruction.keyword == "FROM":
            self.start_stage(instruction)
        elif not self.stages:
            if instruction.keyword == "ARG":
                self.global_args.append(instruction)
                self.declare_args(instruction, self.global_env, global_scope=True)
            elif self.has_from:
                self.error(instruction, f"{instruction.keyword} before the first FROM: only ARG instructions "
                           "and comments may come before FROM")
        else:
            self.add_to_stage(self.stages[-1], instruction)

    # -- FROM ------------------------------------------------------------------------------
    def start_stage(self, instruction: Instruction) -> None:
        if self.stages:
            self.finish_stage()
        loc = instruction.loc
        words = _split_words(instruction.arguments[0], self.escape) if instruction.arguments else []
        if instruction.arguments and not (len(words) == 1 or (len(words) == 3 and words[1].lower() == "as")):
            self.error(instruction, "FROM takes an image and an optional stage name: "
                       "FROM [--platform=<platform>] <image> [AS <name>]")
        base_text = words[0] if words else ""
        base_value, base_certain = _expand(base_text, self.global_env, self.escape)
        # An ARG without a value is meant to be passed at build time: unknown, not an error.
        if instruction.arguments and not base_value and base_certain:
            self.error(instruction, f"the base image {base_text!r} is empty after substituting ARGs: "
                       "give the ARG a non-empty default value")
        base = Value(base_value, loc, base_certain, text=base_text if base_text != base_value else None)
        name = self.stage_name(instruction, words[2]) if len(words) == 3 else None
        base_stage = self.find_stage(base_value)
        parent_env: Env = {}
        if base_stage is not None:
            parent = self.stages[base_stage]
            parent_env = {key: parent.env[key] for key in parent.env_names}
        stage = Stage(loc=loc, index=len(self.stages), base=base, name=name, base_stage=base_stage,
                      platform=self.platform(instruction))
        state = _StageState(stage, env=parent_env)
        state.env_names.update(parent_env)
        state.instructions.append(instruction)
        self.stages.append(state)

    def stage_name(self, instruction: Instruction, name: str) -> Value[str]:
        if not re.match(_STAGE_NAME_RE, name):
            self.error(instruction, f"invalid stage name {name!r}: it must start with a letter and contain only "
                       "letters, digits, '-', '_' and '.'")
        for state in self.stages:
            if state.stage.name is not None and state.stage.name.value.lower() == name.lower():
                self.error(instruction, f"duplicate stage name {name!r} (first used at line "
                           f"{state.stage.loc.line}): stage names must be unique")
        return Value(name, instruction.loc)

    def find_stage(self, reference: str) -> int | None:
        wanted = reference.lower()
        for state in self.stages:
            if state.stage.name is not None and state.stage.name.value.lower() == wanted:
                return state.stage.index
        return None

    def platform(self, instruction: Instruction) -> Value[str] | None:
        flag = instruction.flag("platform")
        if flag is None:
            return None
        value, certain = _expand(flag.value, self.global_env, self.escape)
        return Value(value, instruction.loc, certain, text=flag.value if value != flag.value else None)

    # -- inside a stage ----------------------------------------------------------------------
    def add_to_stage(self, state: _StageState, instruction: Instruction) -> None:
        state.instructions.append(instruction)
        if instruction.keyword == "ARG":
            self.declare_args(instruction, state.env, global_scope=False, env_names=state.env_names)
        elif instruction.keyword == "ENV":
            self.set_env(instruction, state)
        elif instruction.keyword == "USER":
            state.user = self.user(instruction, state.env) or state.user
        elif instruction.keyword == "HEALTHCHECK":
            self.check_healthcheck(instruction)
        elif instruction.keyword == "EXPOSE":
            self.check_expose(instruction, state)

    def check_healthcheck(self, instruction: Instruction) -> None:
        mode = instruction.arguments[0].split(None, 1)[0].upper() if instruction.arguments else ""
        if mode not in ("CMD", "NONE"):
            self.error(instruction, "HEALTHCHECK must be followed by CMD <command> or NONE")
        elif mode == "CMD" and len(instruction.arguments[0].split(None, 1)) < 2:
            self.error(instruction, "HEALTHCHECK CMD needs a command to run")

    def check_expose(self, instruction: Instruction, state: _StageState) -> None:
        for word in _split_words(instruction.value, self.escape):
            value, certain = _expand(word, state.env, self.escape)
            match = re.match(_PORT_RE, value)
            if match is None:
                if certain:
                    self.error(instruction, f"EXPOSE: invalid port {word!r}: write <port>[/<protocol>] "
                               "or <first>-<last>[/<protocol>]")
                continue
            loc = instruction.loc
            port = Value(int(match.group(1)), loc, certain, text=word if word != match.group(1) else None)
            protocol = Value(match.group(3).lower(), loc, certain) if match.group(3) else None
            state.ports.append(Port(loc=loc, container_port=port, protocol=protocol))

    def declare_args(self, instruction: Instruction, env: Env, *, global_scope: bool,
                     env_names: set[str] | None = None) -> None:
        for word in _split_words(instruction.value, self.escape):
            name, has_default, default = word.partition("=")
            if not _NAME_RE.fullmatch(name):
                self.error(instruction, f"invalid ARG name {name!r}: use letters, digits and underscores")
                continue
            if env_names is not None and name in env_names:
                continue  # an ENV of the same name takes precedence over the ARG
            if name in self.build_args:
                env[name] = self.build_args[name]
            elif has_default:
                value, certain = _expand(default, env, self.escape)
                env[name] = value if certain else None
            elif not global_scope:
                env[name] = self.global_env.get(name)
            else:
                env[name] = None

    def set_env(self, instruction: Instruction, state: _StageState) -> None:
        words = _split_words(instruction.value, self.escape)
        if words and "=" not in words[0]:  # legacy form: ENV NAME value with spaces
            pairs = [(words[0], instruction.value[len(words[0]):].strip())]
        else:
            pairs = [(name, value) for name, _, value in (word.partition("=") for word in words)]
        resolved: list[tuple[str, str | None]] = []
        for name, raw in pairs:
            value, certain = _expand(raw, state.env, self.escape)
            resolved.append((name, value if certain else None))
        for name, value in resolved:  # all values of one ENV see the variables from before it
            state.env[name] = value
            state.env_names.add(name)

    def user(self, instruction: Instruction, env: Env) -> Value[str] | None:
        if not instruction.value:
            return None  # already reported: USER requires an argument
        words = _split_words(instruction.value, self.escape)
        if len(words) != 1:
            self.error(instruction, f"USER takes exactly one argument, got {len(words)}: "
                       "write USER <user>[:<group>]")
        value, certain = _expand(instruction.value if len(words) != 1 else words[0], env, self.escape)
        certain = certain and len(words) == 1 and bool(value)
        return Value(value, instruction.loc, certain, text=instruction.value if value != instruction.value else None)

    def finish_stage(self) -> None:
        state = self.stages[-1]
        inherited = None
        if state.stage.base_stage is not None:
            inherited = self.finished[state.stage.base_stage].effective_user
        self.finished.append(Stage(
            loc=state.stage.loc, index=state.stage.index, base=state.stage.base, name=state.stage.name,
            base_stage=state.stage.base_stage, platform=state.stage.platform,
            instructions=tuple(state.instructions), user=state.user,
            effective_user=state.user if state.user is not None else inherited,
        ))
        self.ports.append(tuple(state.ports))


def _build_image(path: str, instructions: list[Instruction], directives: tuple[KeyValue, ...], escape: str,
                 build_args: dict[str, str], errors: list[ParseError]) -> tuple[Image, list[tuple[Port, ...]]]:
    builder = _ImageBuilder(path, escape, build_args, errors)
    builder.has_from = any(instruction.keyword == "FROM" for instruction in instructions)
    for instruction in instructions:
        builder.add(instruction)
    if builder.stages:
        builder.finish_stage()
    image = Image(path=path, loc=Location(path, 1, 1), stages=tuple(builder.finished), directives=directives,
                  global_args=tuple(builder.global_args))
    return image, builder.ports


# ------------------------------------------------------------------------------------------
# The workload
# ------------------------------------------------------------------------------------------
def _stage_chain(image: Image, stage: Stage) -> list[Stage]:
    """``stage`` and the stages it is built FROM, the first external base's stage first."""
    chain = [stage]
    while chain[-1].base_stage is not None:
        chain.append(image.stages[chain[-1].base_stage])
    return chain[::-1]


def _build_workload(image: Image, directives: tuple[KeyValue, ...], ports: list[tuple[Port, ...]],
                    last_line: int) -> Workload:
    final = image.stages[-1]
    chain = _stage_chain(image, final)
    healthcheck, disabled = _healthcheck(chain)
    container = Container(
        loc=final.loc,
        role=Role.CONTAINER,
        image=chain[0].base,
        security=_security_context(final.effective_user),
        ports=tuple(port for stage in chain for port in ports[stage.index]),
    )
    name = final.name.value if final.name is not None else f"stage {final.index}"
    return Workload(
        format=Format.DOCKERFILE, resource=Resource("DockerfileStage", name), loc=final.loc,
        containers=(container,), healthcheck=healthcheck, healthcheck_disabled=disabled,
        os=_windows_signal(chain, directives), image=image, target_stage=final,
        source_lines=(1, last_line),
    )


def _user_part(text: str, value: Value[str]) -> Value[int | str]:
    typed: int | str = int(text) if text.isdigit() else text
    return Value(typed, value.loc, value.certain, text=value.value if str(typed) != value.value else None)


def _security_context(user: Value[str] | None) -> SecurityContext:
    if user is None:
        return SecurityContext()
    name, has_group, group = user.value.partition(":")
    return SecurityContext(
        loc=user.loc,
        run_as_user=_user_part(name, user),
        run_as_group=_user_part(group, user) if has_group else None,
    )


def _healthcheck(chain: list[Stage]) -> tuple[Value[str] | None, Value[bool] | None]:
    """The last HEALTHCHECK of the stage chain: (CMD text, None) or (None, disabled)."""
    last: Instruction | None = None
    for stage in chain:
        for instruction in stage.instructions:
            if instruction.keyword == "HEALTHCHECK":
                last = instruction
    if last is None or not last.arguments:
        return None, None
    mode, _, command = last.arguments[0].partition(" ")
    if mode.upper() == "NONE":
        return None, Value(True, last.loc, text=mode)
    if mode.upper() == "CMD":
        return Value(command.strip(), last.loc), Value(False, last.loc)
    return None, None


def _windows_signal(chain: list[Stage], directives: tuple[KeyValue, ...]) -> Value[str] | None:
    for stage in chain:
        if stage.platform is not None and stage.platform.value.lower().startswith("windows"):
            return Value("windows", stage.platform.loc, text=stage.platform.value)
    base = chain[0].base
    if re.search(_WINDOWS_IMAGE_RE, base.value):
        return Value("windows", base.loc, text=base.value)
    for directive in directives:
        if directive.key.value == "escape" and directive.value.value == "`":
            return Value("windows", directive.value.loc, certain=False, text="# escape=`")
    return None
