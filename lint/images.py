"""Judgements about images and the Dockerfiles that build them, shared by the supply-chain rules.

Which stages of a Dockerfile to judge, the shell text a ``RUN`` runs, ``ARG``/``ENV`` pairs and
image references. Re-exported by :mod:`isolint.helpers`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, TypeVar

from .model import Container, Format, Image, Instruction, Stage, Value, Workload
from .parsers.dockerfile_syntax import shell_unquote, split_keyword
from .shell import SHELLS, ModeChange, commands, mode_changes, program

__all__ = [
    "ImageReference",
    "add_source_kind",
    "add_sources",
    "build_stages",
    "dockerfile_of",
    "env_assignments",
    "image_mode_changes",
    "image_references",
    "image_stages",
    "instruction_node",
    "instructions",
    "parse_image_reference",
    "run_data",
    "run_scripts",
    "stage_label",
]

N = TypeVar("N")
_SHEBANG = re.compile(r"#!\s*(\S+)(?:\s+(\S+))?")
# BuildKit's gitutil.ParseGitRef: scp-like ``user@host:path``, ``git://``, ``ssh://``,
# ``github.com/...``, or an http(s) URL whose path (before ``#ref`` / ``?query``) ends in ``.git``.
_GIT_SOURCE = r"(?i)^([\w.-]+@[\w.-]+:|git://|ssh://|github\.com/|https?://[^#?]*\.git([#?]|$))"
_URL_SOURCE = r"(?i)^[a-z][a-z0-9+.-]*://"


def dockerfile_of(workload: Workload) -> Image | None:
    """The Dockerfile a workload's build-time rules judge.

    A Dockerfile workload's own image, or the ``dockerfile_inline`` of a Compose service. A Compose
    service that builds a Dockerfile file is not judged again: that file is linted on its own.
    """
    if workload.format is Format.DOCKERFILE:
        return workload.image
    if workload.build is not None and workload.build.dockerfile_inline is not None:
        return workload.image
    return None


def instruction_node(workload: Workload, node: N) -> N | Value[str]:
    """What a finding about a Dockerfile ``node`` (an instruction, a stage's base) points at: the
    node, or the Compose ``dockerfile_inline`` key that holds it (inline positions do not count
    from the Compose file's first line)."""
    if workload.format is not Format.DOCKERFILE and workload.build is not None \
            and workload.build.dockerfile_inline is not None:
        return workload.build.dockerfile_inline
    return node


def image_references(workload: Workload) -> Iterator[tuple[Value[str], Container | None]]:
    """The external images a workload pulls, as written, with the container that runs them: each
    Dockerfile stage's base (not ``scratch``, not an earlier stage, not an unresolved ``ARG``), a
    Compose service's ``image`` unless it names what ``build`` produces, every Kubernetes
    container's ``image``."""
    main = workload.main_container
    for stage in build_stages(workload):
        base = stage.base
        if stage.base_stage is None and base.certain and base.value and base.value.lower() != "scratch":
            node = instruction_node(workload, base)
            yield (base if node is base else Value(base.value, node.loc, base.certain, base.text)), main
    if workload.format is Format.DOCKERFILE or (workload.format is Format.COMPOSE and workload.build is not None):
        return
    for container in workload.containers:
        if container.image is not None and container.image.value:
            yield container.image, container


def build_stages(workload: Workload) -> tuple[Stage, ...]:
    """Every stage of the workload's Dockerfile: build-time risks matter wherever they run."""
    image = dockerfile_of(workload)
    return image.stages if image is not None else ()


def image_stages(workload: Workload) -> tuple[Stage, ...]:
    """The stages whose files end up in the image: the target stage and the stages it is built
    ``FROM``, base first. Builder stages that are only copied from are not judged (what they
    leave behind depends on what is copied, which the linter does not follow)."""
    image = dockerfile_of(workload)
    stage = workload.target_stage
    if image is None or stage is None:
        return ()
    chain = [stage]
    while chain[-1].base_stage is not None:
        chain.append(image.stages[chain[-1].base_stage])
    return tuple(reversed(chain))


def instructions(stages: tuple[Stage, ...], *keywords: str) -> Iterator[Instruction]:
    """The instructions of ``stages`` in order; only those with one of ``keywords`` when given.
    An ``ONBUILD`` trigger comes after its ``ONBUILD`` (both at its line): it runs in every image
    built ``FROM`` this one, so its risks are this Dockerfile's to fix."""
    for stage in stages:
        for instruction in stage.instructions:
            if not keywords or instruction.keyword in keywords:
                yield instruction
            trigger = instruction.trigger
            if trigger is not None and (not keywords or trigger.keyword in keywords):
                yield trigger


def image_mode_changes(workload: Workload) -> Iterator[tuple[Instruction | Value[str], ModeChange]]:
    """Permission changes made in the stages that end up in the image: ``chmod``/``install -m``
    in ``RUN`` scripts and ``COPY``/``ADD --chmod``, with the node to report them at."""
    for instruction in instructions(image_stages(workload)):
        node = instruction_node(workload, instruction)
        if instruction.keyword in ("COPY", "ADD"):
            chmod = instruction.flag("chmod")
            if chmod is not None:
                destination = _split(instruction.arguments[0])[-1:] if instruction.arguments else []
                yield node, ModeChange(chmod.value, tuple(destination))
        for script in run_scripts(instruction):
            for command in commands(script):
                for change in mode_changes(command):
                    yield node, change


def add_sources(instruction: Instruction) -> list[str]:
    """The sources of a ``COPY``/``ADD`` (every argument but the destination), heredocs left out."""
    if not instruction.arguments:
        return []
    words = list(instruction.arguments) if instruction.json_form else _split(instruction.arguments[0])
    return [word for word in words[:-1] if not word.startswith("<<")]


def add_source_kind(source: str) -> Literal["local", "url", "git"]:
    """What an ``ADD`` source fetches, as BuildKit decides it: ``"git"`` for a Git remote,
    ``"url"`` for another URL, ``"local"`` for a path of the build context (``vendor/lib.git``
    and ``./x.git`` are local directories)."""
    if source.startswith(("./", "../")):
        return "local"
    if re.match(_GIT_SOURCE, source):
        return "git"
    return "url" if re.match(_URL_SOURCE, source) else "local"


def stage_label(stage: Stage) -> str:
    """How messages name a Dockerfile stage: ``stage 'build'`` or ``stage 0``."""
    return f"stage {stage.name.value!r}" if stage.name is not None else f"stage {stage.index}"


def run_scripts(instruction: Instruction) -> list[str]:
    """The shell scripts a ``RUN`` executes: its shell-form text, the ``sh -c`` script or words of
    its exec form, and heredoc bodies that are run as scripts (``RUN <<EOF``, ``RUN bash <<EOF``,
    without a non-shell shebang). A heredoc fed to another program (``RUN cat <<EOF >file``) is data."""
    if instruction.keyword != "RUN" or not instruction.arguments:
        return []
    if instruction.json_form:
        return [" ".join(shlex.quote(word) for word in instruction.arguments)]
    text = instruction.arguments[0]
    scripts = [text]
    if instruction.heredocs and _heredoc_is_script(text):
        scripts.extend(body for body in instruction.heredocs if _body_is_shell(body))
    return scripts


def run_data(instruction: Instruction) -> list[str]:
    """Heredoc bodies of a ``RUN``, ``COPY`` or ``ADD`` that are file contents, not scripts."""
    if instruction.keyword == "RUN" and instruction.arguments and _heredoc_is_script(instruction.arguments[0]):
        return [body for body in instruction.heredocs if not _body_is_shell(body)]
    return list(instruction.heredocs)


def _heredoc_is_script(text: str) -> bool:
    """``<<EOF`` alone, or after a shell and its options: the heredoc is what the shell runs."""
    words = [word for word in text.split() if not word.startswith("<<")]
    return not words or (program(words[0]) in SHELLS and all(w.startswith("-") for w in words[1:]))


def _body_is_shell(body: str) -> bool:
    match = _SHEBANG.match(body)
    if match is None:
        return True
    interpreter = program(match.group(1))
    if interpreter == "env" and match.group(2):
        interpreter = program(match.group(2))
    return interpreter in SHELLS


def env_assignments(instruction: Instruction) -> list[tuple[str, str | None]]:
    """``(name, value)`` pairs of an ``ARG``, ``ENV`` or ``LABEL`` (value None for ``ARG NAME``
    without one), quotes removed, variables left unexpanded."""
    text = instruction.value
    words = _split(text)
    if not words:
        return []
    if instruction.keyword != "ARG" and "=" not in words[0]:
        # legacy form ENV NAME value: the value is the rest of the line, its spacing kept
        name, rest = split_keyword(text)
        return [(shell_unquote(name), shell_unquote(rest))]
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        name, has_value, value = word.partition("=")
        pairs.append((name, value if has_value else None))
    return pairs


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError:
        return text.split()


@dataclass(frozen=True, slots=True)
class ImageReference:
    """``registry/name:tag@digest`` split; ``tag`` and ``digest`` None when absent."""

    name: str
    tag: str | None
    digest: str | None


def parse_image_reference(reference: str) -> ImageReference:
    rest, _, digest = reference.strip().partition("@")
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    tag = None
    if colon > slash:  # a colon before the last slash is a registry port
        rest, tag = rest[:colon], rest[colon + 1:]
    return ImageReference(rest, tag or None, digest or None)
