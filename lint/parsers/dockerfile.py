"""Dockerfile front-end: a Dockerfile's text becomes an :class:`Image` and one :class:`Workload`.

The grammar below instructions (lines, directives, continuations, heredocs, words, quotes and
variables) is :mod:`isolint.parsers.dockerfile_syntax`, which follows BuildKit's own parser; this
module makes instructions of its logical lines, then stages, then the workload of the target stage.
Why not ``dockerfile-parse``: ``docs/dockerfile-parser.md``.

Nothing in the file is ever executed: ``ARG``/``ENV`` substitution is done by a small expander
that understands ``$VAR``, ``${VAR}`` and the ``-``, ``+`` and ``?`` modifiers (with or without
``:``); anything else makes the result uncertain instead of guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
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
from ..sources import excerpt
from .dockerfile_syntax import (
    Env,
    LogicalLine,
    expand,
    logical_lines,
    read_directives,
    source_lines,
    split_keyword,
    split_words,
    unquote,
)

KNOWN_INSTRUCTIONS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})
# Instructions BuildKit refuses without any argument.
NEEDS_ARGUMENTS = KNOWN_INSTRUCTIONS - {"CMD", "ENTRYPOINT"}
# What ONBUILD may not trigger (BuildKit: "ONBUILD ONBUILD", FROM and MAINTAINER are refused).
NOT_TRIGGERS = frozenset({"ONBUILD", "FROM", "MAINTAINER"})
ARGUMENT_HINTS = {
    "FROM": "FROM [--platform=<platform>] <image> [AS <name>]",
    "USER": "USER <user>[:<group>]",
    "ARG": "ARG <name>[=<default>]",
    "ENV": "ENV <name>=<value>",
    "COPY": "COPY <source> <destination>",
    "ADD": "ADD <source> <destination>",
    "EXPOSE": "EXPOSE <port>[/<protocol>]",
    "HEALTHCHECK": "HEALTHCHECK CMD <command> or HEALTHCHECK NONE",
    "ONBUILD": "ONBUILD <instruction>",
}
JSON_FORM_INSTRUCTIONS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"})

_STAGE_NAME_RE = r"(?i)[a-z][a-z0-9_.-]*$"
_PORT_RE = r"(\d+)(?:-(\d+))?(?:/([A-Za-z]+))?$"
_WINDOWS_IMAGE_RE = (r"(?i)(^mcr\.microsoft\.com/windows([/:]|$))|(^mcr\.microsoft\.com/dotnet/framework/)"
                     r"|(/nanoserver)|(/servercore)|(nanoserver|windowsservercore|servercore-ltsc)")


# ------------------------------------------------------------------------------------------
# Public entry points
# ------------------------------------------------------------------------------------------
def parse_dockerfile(path: str, text: str, build_args: Mapping[str, str] | None = None) -> FileModel:
    """Parse a Dockerfile; never raises. Problems are reported in ``FileModel.errors``."""
    lines = source_lines(text)
    errors: list[ParseError] = []
    directives, escape = read_directives(path, lines, errors)
    logical = list(logical_lines(path, lines, escape, errors))
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
    lines = source_lines(text)
    _, escape = read_directives("", lines, [])
    for raw in logical_lines("", lines, escape, []):
        keyword = raw.keyword
        if keyword == "ARG":
            continue
        return keyword == "FROM"
    return False


# ------------------------------------------------------------------------------------------
# Instructions
# ------------------------------------------------------------------------------------------
def _make_instruction(path: str, raw: LogicalLine, escape: str, errors: list[ParseError]) -> Instruction | None:
    word, value = split_keyword(raw.text)
    trigger = None
    if word.upper() == "ONBUILD" and value:
        trigger_word, trigger_value = split_keyword(value)
        if trigger_word.upper() in NOT_TRIGGERS:
            errors.append(ParseError(path, f"ONBUILD {trigger_word.upper()} is not allowed: BuildKit refuses it",
                                     raw.line, raw.column))
        else:
            trigger = _instruction(path, raw, trigger_word, trigger_value, escape, errors, trigger=None)
    return _instruction(path, raw, word, value, escape, errors, trigger=trigger)


MAX_UNKNOWN_SHOWN = 3  # unknown instructions reported one by one in a file; then one error for the rest
_UNKNOWN = "unknown instruction"


def _instruction(path: str, raw: LogicalLine, word: str, value: str, escape: str, errors: list[ParseError], *,
                 trigger: Instruction | None) -> Instruction | None:
    """The instruction ``word value`` read from ``raw`` (or the trigger of its ``ONBUILD``)."""
    keyword = word.upper()
    loc = Location(path, raw.line, raw.column)
    if keyword not in KNOWN_INSTRUCTIONS:
        # a few are named; a file of them is no Dockerfile, and its lines are not echoed (docs/security.md)
        unknown = sum(e.message.startswith(_UNKNOWN) for e in errors[-MAX_UNKNOWN_SHOWN - 1:])
        if unknown < MAX_UNKNOWN_SHOWN:
            errors.append(ParseError(
                path, f"{_UNKNOWN} {excerpt(word)}: BuildKit rejects it; "
                "check the spelling or a missing line continuation on the line before", loc.line, loc.column))
        elif unknown == MAX_UNKNOWN_SHOWN:
            errors.append(ParseError(path, f"{_UNKNOWN}s follow, not listed: is this file a Dockerfile?",
                                     loc.line, loc.column))
        return None
    if not value and keyword in NEEDS_ARGUMENTS:
        hint = ARGUMENT_HINTS.get(keyword)
        usage = f": write {hint}" if hint else ""
        errors.append(ParseError(path, f"{keyword} requires at least one argument{usage}", loc.line, loc.column))
    flags, remainder = _split_flags(value, loc, escape)
    arguments, json_form = _arguments(keyword, remainder)
    if json_form is None:
        json_form = False
        errors.append(ParseError(path, f"{keyword}: a JSON array must hold strings only (BuildKit refuses "
                                 f"{excerpt(remainder)})", loc.line, loc.column))
    return Instruction(
        loc=loc, keyword=keyword, value=value, flags=flags, arguments=arguments, json_form=json_form,
        heredocs=() if keyword == "ONBUILD" else tuple(raw.heredocs), end_line=raw.end_line, trigger=trigger,
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
            Value(name, loc), Value(unquote(flag_value) if has_value else "true", loc, text=word)))
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


def _arguments(keyword: str, remainder: str) -> tuple[tuple[str, ...], bool | None]:
    """The exec-form words (JSON form) or the shell-form text; JSON form None for a JSON array
    that holds something else than strings, which BuildKit refuses."""
    if keyword in JSON_FORM_INSTRUCTIONS and remainder.startswith("["):
        try:
            parsed = json.loads(remainder)
        except ValueError:  # not JSON, or JSON followed by text: shell form (BuildKit >= 0.15)
            parsed = None
        if isinstance(parsed, list):
            if all(isinstance(item, str) for item in parsed):
                return tuple(parsed), True
            return (remainder,), None
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
    triggered_user: Value[str] | None = None  # set by an ONBUILD USER of the stage it is built FROM
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
        words = split_words(instruction.arguments[0], self.escape) if instruction.arguments else []
        if instruction.arguments and not (len(words) == 1 or (len(words) == 3 and words[1].lower() == "as")):
            self.error(instruction, "FROM takes an image and an optional stage name: "
                       "FROM [--platform=<platform>] <image> [AS <name>]")
        base_text = words[0] if words else ""
        base_value, base_certain = expand(base_text, self.global_env, self.escape)
        # An ARG without a value is meant to be passed at build time: unknown, not an error.
        if instruction.arguments and not base_value and base_certain:
            self.error(instruction, f"the base image {excerpt(base_text)} is empty after substituting ARGs: "
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
        if base_stage is not None:  # the parent's ONBUILD triggers run first in a stage built FROM it
            for onbuild in self.stages[base_stage].instructions:
                trigger = onbuild.trigger
                if trigger is not None and trigger.keyword == "USER":
                    state.triggered_user = self.user(trigger, state.env) or state.triggered_user
                elif trigger is not None and trigger.keyword in ("ARG", "ENV"):
                    self.apply(state, trigger)

    def stage_name(self, instruction: Instruction, name: str) -> Value[str]:
        if not re.match(_STAGE_NAME_RE, name):
            self.error(instruction, f"invalid stage name {excerpt(name)}: it must start with a letter and contain only "
                       "letters, digits, '-', '_' and '.'")
        for state in self.stages:
            if state.stage.name is not None and state.stage.name.value.lower() == name.lower():
                self.error(instruction, f"duplicate stage name {excerpt(name)} (first used at line "
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
        value, certain = expand(flag.value, self.global_env, self.escape)
        return Value(value, instruction.loc, certain, text=flag.value if value != flag.value else None)

    # -- inside a stage ----------------------------------------------------------------------
    def add_to_stage(self, state: _StageState, instruction: Instruction) -> None:
        state.instructions.append(instruction)
        self.apply(state, instruction)

    def apply(self, state: _StageState, instruction: Instruction) -> None:
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
        for word in split_words(instruction.value, self.escape):
            value, certain = expand(word, state.env, self.escape)
            match = re.match(_PORT_RE, value)
            if match is None:
                if certain:
                    self.error(instruction, f"EXPOSE: invalid port {excerpt(word)}: write <port>[/<protocol>] "
                               "or <first>-<last>[/<protocol>]")
                continue
            loc = instruction.loc
            port = Value(int(match.group(1)), loc, certain, text=word if word != match.group(1) else None)
            protocol = Value(match.group(3).lower(), loc, certain) if match.group(3) else None
            state.ports.append(Port(loc=loc, container_port=port, protocol=protocol))

    def declare_args(self, instruction: Instruction, env: Env, *, global_scope: bool,
                     env_names: set[str] | None = None) -> None:
        # Every word is an ARG: ``ARG NAME VALUE`` declares NAME and VALUE, neither with a value
        # (BuildKit's parseArg); only a blank name is refused.
        for word in split_words(instruction.value, self.escape):
            name, has_default, default = word.partition("=")
            if not name:
                self.error(instruction, f"invalid ARG {excerpt(word)}: the name before '=' is blank")
                continue
            if env_names is not None and name in env_names:
                continue  # an ENV of the same name takes precedence over the ARG
            if name in self.build_args:
                env[name] = self.build_args[name]
            elif has_default:
                value, certain = expand(default, env, self.escape)
                env[name] = value if certain else None
            elif not global_scope:
                env[name] = self.global_env.get(name)
            else:
                env[name] = None

    def set_env(self, instruction: Instruction, state: _StageState) -> None:
        words = split_words(instruction.value, self.escape)
        if words and "=" not in words[0]:  # legacy form: ENV NAME value with spaces
            pairs = [(words[0], instruction.value[len(words[0]):].strip())]
        else:
            pairs = [(name, value) for name, _, value in (word.partition("=") for word in words)]
        resolved: list[tuple[str, str | None]] = []
        for name, raw in pairs:
            value, certain = expand(raw, state.env, self.escape)
            resolved.append((name, value if certain else None))
        for name, value in resolved:  # all values of one ENV see the variables from before it
            state.env[name] = value
            state.env_names.add(name)

    def user(self, instruction: Instruction, env: Env) -> Value[str] | None:
        if not instruction.value:
            return None  # already reported: USER requires an argument
        words = split_words(instruction.value, self.escape)
        if len(words) != 1:
            self.error(instruction, f"USER takes exactly one argument, got {len(words)}: "
                       "write USER <user>[:<group>]")
        value, certain = expand(instruction.value if len(words) != 1 else words[0], env, self.escape)
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
            effective_user=state.user or state.triggered_user or inherited,
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
