"""isolint's Dockerfile front-end against BuildKit's own parser (the ``dockerfile`` package: BuildKit
v0.12.5's Go parser, from the ``test`` extra).

What is compared is what the rules judge: every instruction (keyword, ``ONBUILD`` trigger keyword,
first and last line, flags, JSON form, arguments in BuildKit's shape, heredoc bodies), every
stage (base image as written, stage name, last ``USER``). A file BuildKit refuses must carry an
isolint error; an instruction BuildKit's parser keeps but no build accepts (an unknown keyword)
must be an isolint error at that line.

Three places where BuildKit changed after v0.12.5 are known gaps, not failures (``KNOWN_GAPS``):
a ``# check=`` directive before ``# escape=`` (v0.14 knows ``check``), a JSON array followed by
text (v0.15 reads it as shell form), whitespace after ``<<`` (a heredoc since v0.22).

Run on any folder (the numbers for the closing note of issue 15)::

    python tests/dockerfile_oracle.py DIR [DIR ...]
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field

from isolint.images import env_assignments
from isolint.model import Instruction
from isolint.parsers.dockerfile import KNOWN_INSTRUCTIONS, parse_dockerfile
from isolint.parsers.dockerfile_syntax import shell_unquote, split_keyword, split_words

# BuildKit's word-list instructions: the arguments are split into words, quotes kept.
WORD_LISTS = frozenset({"FROM", "COPY", "ADD", "VOLUME", "EXPOSE", "ARG"})
FIELDS = ("presence", "keyword", "end", "flags", "json", "arguments", "heredocs", "stage", "user")


@dataclass
class Comparison:
    """One file's verdict: fields agreed and the differences (field, line, isolint, BuildKit)."""

    path: str
    agreed: Counter[str] = field(default_factory=Counter)
    differences: list[tuple[str, int, object, object]] = field(default_factory=list)
    refused: bool = False  # BuildKit's parser refuses the file
    gap: str | None = None  # a known difference of BuildKit v0.12.5 with current BuildKit

    def check(self, name: str, line: int, ours: object, theirs: object) -> None:
        if ours == theirs:
            self.agreed[name] += 1
        else:
            self.differences.append((name, line, ours, theirs))

    @property
    def agrees(self) -> bool:
        return not self.differences


def known_gap(text: str) -> str | None:
    """Which of the reference's three known gaps ``text`` runs into, if any."""
    directives = re.findall(r"(?m)^[ \t]*#[ \t]*([A-Za-z]+)[ \t]*=", text.split("\n\n", 1)[0])
    names = [name.lower() for name in directives]
    if "check" in names and "escape" in names[names.index("check"):]:
        return "check directive before escape (BuildKit >= 0.14)"
    for line in text.splitlines():
        match = re.match(r"\s*(?:ONBUILD\s+)?[A-Za-z]+\s+(?:--\S+\s+)*(\[.*)$", line)
        if match is not None and _json_then_text(match.group(1)):
            return "JSON array followed by text (BuildKit >= 0.15: shell form)"
    if re.search(r"(?im)^\s*(ONBUILD\s+)?(RUN|COPY|ADD)\b[^\n]*(^|[^<])<<[ \t]+[^\s<]", text):
        return "whitespace after << (a heredoc in BuildKit >= 0.22)"
    return None


def _json_then_text(text: str) -> bool:
    try:
        _, end = json.JSONDecoder().raw_decode(text)
    except ValueError:
        return False
    return bool(text[end:].strip())


def _their_arguments(keyword: str, value: tuple[str, ...], json_form: bool) -> object:
    if keyword in ("ENV", "LABEL"):
        return [(value[i], shell_unquote(value[i + 1])) for i in range(0, len(value) - 1, 2)]
    if keyword == "HEALTHCHECK":
        return list(value) if json_form else list(value[:2])
    if json_form or keyword in WORD_LISTS:
        return list(value)
    return list(value[:1])


def _our_arguments(instruction: Instruction, escape: str) -> object:
    keyword = instruction.keyword
    text = instruction.arguments[0] if instruction.arguments else ""
    if keyword in ("ENV", "LABEL"):
        return env_assignments(instruction)
    if keyword == "HEALTHCHECK":
        mode, rest = split_keyword(text) if text else ("", "")
        exec_form = _exec_form(rest)
        return [mode.upper(), *exec_form] if exec_form is not None else [mode.upper(), rest] if rest else [mode.upper()]
    if instruction.json_form:
        return list(instruction.arguments)
    if keyword in WORD_LISTS:
        return split_words(instruction.value if keyword == "ARG" else text, escape)
    return [text] if text else []


def _exec_form(text: str) -> list[str] | None:
    try:
        words = json.loads(text) if text.startswith("[") else None
    except ValueError:
        return None
    return words if isinstance(words, list) and all(isinstance(w, str) for w in words) else None


def _heredocs(bodies: object) -> list[str]:
    """Bodies compared without CR and leading tabs (isolint keeps what the build sees after
    ``<<-`` chomping; BuildKit's parser chomps later)."""
    return [re.sub(r"(?m)^\t+", "", body).replace("\r", "") for body in bodies]  # type: ignore[attr-defined]


def compare(path: str, text: str) -> Comparison:
    """Compare isolint's reading of the Dockerfile ``text`` with BuildKit's."""
    import dockerfile  # the reference: only needed here

    result = Comparison(path, gap=known_gap(text))
    model = parse_dockerfile(path, text)
    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError:
        result.refused = True
        result.check("presence", 0, bool(model.errors), True)
        return result
    image = model.images[0]
    escape = "`" if any(d.key.value == "escape" and d.value.value == "`" for d in image.directives) else "\\"
    ours = {i.loc.line: i for i in (*image.global_args, *(i for s in image.stages for i in s.instructions))}
    error_lines = {error.line for error in model.errors}
    users: dict[int, str | None] = {}
    stage_index = -1
    for command in commands:
        line = command.start_line
        keyword = command.cmd.upper()
        if keyword not in KNOWN_INSTRUCTIONS:  # kept by the parser, refused by every build
            result.check("presence", line, line in error_lines and line not in ours, True)
            continue
        instruction = ours.pop(line, None)
        result.check("presence", line, instruction is not None, True)
        if instruction is None:
            continue
        result.check("keyword", line, instruction.keyword, keyword)
        result.check("end", line, instruction.end_line, command.end_line)
        target, their_keyword = instruction, keyword
        if keyword == "ONBUILD":
            target, their_keyword = instruction.trigger, (command.sub_cmd or "").upper()
            result.check("keyword", line, target.keyword if target is not None else None, their_keyword)
            if target is None:
                continue
        else:
            result.check("flags", line, [flag.value.text for flag in instruction.flags], list(command.flags))
            result.check("heredocs", line, _heredocs(instruction.heredocs),
                         _heredocs(h.content for h in command.heredocs))
        json_form = target.json_form or (target.keyword == "HEALTHCHECK" and _exec_form(
            split_keyword(target.arguments[0])[1] if target.arguments else "") is not None)
        result.check("json", line, json_form, command.json)
        result.check("arguments", line, _our_arguments(target, escape),
                      _their_arguments(their_keyword, command.value, command.json))
        if keyword == "FROM":
            stage_index += 1
            users[stage_index] = None
            stage = image.stages[stage_index] if stage_index < len(image.stages) else None
            base = (stage.base.text or stage.base.value) if stage is not None else None
            name = stage.name.value if stage is not None and stage.name is not None else None
            their_name = command.value[2] if len(command.value) == 3 else None
            result.check("stage", line, (base, name), (command.value[0] if command.value else "", their_name))
        elif keyword == "USER" and stage_index >= 0 and command.value:
            users[stage_index] = command.value[0]
    for index, stage in enumerate(image.stages):
        user = stage.user.text or stage.user.value if stage.user is not None else None
        result.check("user", stage.loc.line, user, users.get(index))
    for line in ours:
        result.check("presence", line, True, False)
    return result


def dockerfiles(root: str) -> list[str]:
    """The Dockerfiles under ``root`` as isolint picks them (by name)."""
    from isolint.discovery import Kind, kind_from_name

    found = []
    for folder, _, names in os.walk(root):
        found.extend(os.path.join(folder, name) for name in names
                     if kind_from_name(name) is Kind.DOCKERFILE)
    return sorted(found)


def summarise(results: list[Comparison]) -> str:
    agree = sum(r.agrees for r in results)
    gaps = [r for r in results if not r.agrees and r.gap]
    differ = [r for r in results if not r.agrees and not r.gap]
    fields: Counter[str] = Counter()
    for r in results:
        fields.update(r.agreed)
    lines = [f"{len(results)} Dockerfiles: {agree} agree on every field, {len(gaps)} differ only by a known "
             f"gap of BuildKit v0.12.5, {len(differ)} differ; BuildKit refuses {sum(r.refused for r in results)}",
             "fields agreed: " + ", ".join(f"{name} {fields[name]}" for name in FIELDS)]
    for r in differ:
        lines.append(f"  {r.path}: {r.differences[:3]}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    results = []
    for root in argv:
        for path in dockerfiles(root) if os.path.isdir(root) else [root]:
            with open(path, encoding="utf-8", errors="replace") as handle:
                results.append(compare(path, handle.read()))
    print(summarise(results))
    return 0 if all(r.agrees or r.gap for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
