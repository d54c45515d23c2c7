"""Skip the YAML documents that cannot hold a workload without building Python objects for them.

Real repositories are dominated by CRDs and large ConfigMaps: composing them into positioned
Python objects costs more than everything else the linter does. :func:`load_documents` yields
exactly what :func:`isolint.yamlsource.load_all` yields, in the same order, except that a
document proven harmless is replaced by a *stub*: a :class:`YMap` holding only its string
``apiVersion`` and ``kind`` (an empty one when the document is not a Kubernetes object). Every
question the loader and the Kubernetes parser ask of a document -- Kubernetes? a kept kind? a pod
template? Compose? -- gets the same answer from the stub as from the document.

A document is proven harmless only when it is a block mapping whose structure can be read from
its lines alone: the top-level keys at column 0 and, under ``spec``, the keys of ``spec``.
Anything that could make such a line lie -- a quoted scalar left open at the end of a line and
continued on lines no deeper, merge keys, directives, unusual line breaks, deep nesting -- means
"parse it". So is a kept kind, a ``spec.template``, a top-level ``services`` or ``include``
(Compose). Whether a character that could start an anchor, alias, tag (the composer may fail on
them) or a flow collection not closed on its line is only text, libyaml decides: its C parser,
which builds no objects, reads the document alone with each such character replaced by ``@``
(which can start no token); the document must stay valid.

Each document is checked on its own, a plain stream (no directives, ``...`` or odd line breaks)
being valid when each of its documents is: one to skip by libyaml, one to parse by composing it
alone, padded to its line so that positions are the stream's. If any fails, the whole stream is
read as :func:`load_all` reads it, errors and all.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from typing import Any

import yaml

from .yamlsource import YamlError, YMap, _check_nesting, load_all

try:
    from yaml._yaml import CParser as _RawParser
except ImportError:  # pragma: no cover - PyYAML without libyaml: no fast path
    _RawParser = None

Document = tuple[Any, YamlError | None]

# Patterns start with a literal where possible: Python's re then scans at C speed.
_ODD_CHARACTERS = ("\r", "\x85", "\u2028", "\u2029", "\ufeff")  # other line breaks, a BOM
_DIRECTIVE_OR_END = re.compile(r"\n(?:%|\.\.\.(?=[ \t\n]|\Z))")
_DOC_START = re.compile(r"\n---(?=[ \t\n]|\Z)")
_DOC_START_LINE = re.compile(r"---[ \t]*(?:#[^\n]*)?(?=\n|\Z)")
_TOP_LINE = re.compile(r"\n[^ \n#][^\n]*")
_CONTENT_LINE = re.compile(r"\n( *)([^ \n][^\n]*)")
_KEY_LINE = re.compile(r"""([A-Za-z_][\w.\-/]*|"[\w.\-/]*"|'[\w.\-/]*')[ \t]*:(?:[ \t]+([^\n]*))?""")
# A scalar that resolves to a str, on one line, optionally followed by a comment (` #`: `a#b` is text)
_STR_VALUE = re.compile(r"""(?:([A-Za-z][\w.\-/]*)|"([\w.\-/]*)"|'([\w.\-/]*)')(?:[ \t]+#[^\n]*|[ \t]*)""")
_NOT_STR = frozenset(["yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
                     "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL"])
_SEQUENCE_ITEM = re.compile(r"-(?:[ \t]|$)", re.M)
_NO_VALUE = re.compile(r"[ \t]*(?:#[^\n]*)?")
# After a one-line scalar: blank or comment lines, then column 0 (else the scalar goes on)
_VALUE_ENDS = re.compile(r"\n(?:[ \t]*(?:#[^\n]*)?\n)*(?:[^ \t\n]|\Z)")
# A quote after whitespace, not closed on its line: a quoted scalar there could span lines if the
# quote is where one may start (see _opens_scalar). (What follows a closed one is checked for itself.)
_OPEN_QUOTES = (re.compile(r'"(?<=\s")(?!(?:[^"\\\n]|\\.)*")'), re.compile(r"'(?<=\s')(?!(?:[^'\n]|'')*')"))
_CLOSED_MULTILINE = {'"': re.compile(r'"(?:[^"\\]|\\.)*"', re.S), "'": re.compile(r"'(?:[^']|'')*'")}
# An anchor, an alias, a tag
_NODE_MARKS = tuple(re.compile(rf"{mark}(?<=[\s\[{{,]{mark})[^\s\[\]{{}},]") for mark in ("&", r"\*", "!"))
# A flow collection opened after whitespace, unless one without quotes, comments or nesting visibly
# closes on its line (`{}`, `[a, b]`: see _flow_closed_on_its_line); group 1: it ends the line (left open)
_FLOW_OPENERS = tuple(
    re.compile(rf"""{opener}(?<=\s{opener})(?:([ \t]*(?=\n|\Z))|(?![^\n\[\]{{}}#'"]*[\]}}][ \t]*(?:\n|\Z)))""")
    for opener in (r"\[", r"\{"))
_ALWAYS_DOUBT = (
    re.compile(r"<<(?=[ \t]*(?:[:#,}\]\n]|\Z))"),  # a merge key (`<<:`, `? <<`, `{<<}`), or text like one
    re.compile(r"-[ \t]+(?:[-?][ \t]+){6}[-?]\s"),  # a run of compact nested sequences
)
DEEP = 150  # spaces of indentation from which nesting is in doubt
_DEEP_LINE = re.compile(rf"\n {{{DEEP}}}")
_NODE_PREFIX = re.compile(r" *(?:[-?][ \t]+)*")
_COMMENT = re.compile(r"[ \t]#.*")
_QUOTED = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^']|'')*'""")
MAX_FLOW_NESTING = 100
DENSE_SUSPECTS = 1000  # bytes of text per possible anchor, alias, tag or flow under which all go to libyaml
COMPOSE_KEYS = frozenset({"services", "include"})


class _Doubt:
    """Marker: the document must be parsed."""


DOUBT: Any = _Doubt()


def load_documents(text: str, kept_kinds: frozenset[str], exhaustive: bool = False) -> Iterator[Document]:
    """The documents of ``text`` as :func:`load_all` yields them, harmless ones as stubs."""
    verdicts = None if exhaustive or not _plain_stream(text) else _verdicts(text, kept_kinds)
    documents = None if verdicts is None else _documents(verdicts)
    yield from load_all(text) if documents is None else documents


def _documents(verdicts: list[tuple[int, str, Verdict]]) -> list[Document] | None:
    """Each document: a stub, or composed alone (padded to its line: positions are the stream's);
    None if one fails (the stream is then read whole, to report what it reports)."""
    documents: list[Document] = []
    for start_line, segment, verdict in verdicts:
        if verdict is not DOUBT:
            documents.append((_stub(verdict), None))
            continue
        for document in load_all("\n" * start_line + segment):
            if document[1] is not None:
                return None
            documents.append(document)
    return documents


def _verdicts(text: str, kept_kinds: frozenset[str]) -> list[tuple[int, str, Verdict]] | None:
    """``(line offset, text, verdict)`` of each document of a plain stream, or None if the stream is
    not valid YAML. Each document is checked on its own (a plain stream is valid when each of its
    documents and the comments before the first are): by libyaml for one to skip, by composing it
    for one to parse (:func:`_documents`)."""
    parts = list(segments(text))
    judged = [(line, segment, *judge(segment, kept_kinds)) for line, _, segment in parts]
    if all(verdict is DOUBT or verdict is None for _, _, verdict, _ in judged):
        return None  # nothing to skip (a Deployment ...): the stream is read whole
    before = parts[0][1] if parts else len(text)
    if before and not _valid(text[:before]):
        return None
    verdicts = []
    for line, segment, verdict, suspects in judged:
        if verdict is not DOUBT:  # libyaml reads one to skip now (one to parse is composed)
            verdict = _checked(segment, verdict, suspects)
        if verdict is INVALID:
            return None
        verdicts.append((line, segment, verdict))
    return verdicts


def _plain_stream(text: str) -> bool:
    """Without directives, ``...`` markers, line breaks other than ``\\n``, JSON or deep nesting
    (then :func:`segments` are the documents of the stream, if it is valid)."""
    if _RawParser is None or any(ch in text for ch in _ODD_CHARACTERS):
        return False
    if text.lstrip()[:1] in ("{", "["):
        return False  # JSON: read value by value by the loader
    if text.startswith(("%", "...")) or _DIRECTIVE_OR_END.search(text):
        return False
    try:
        _check_nesting(text)
    except YamlError:
        return False
    return True


def _valid(text: str) -> bool:
    """Whether libyaml's C parser reads ``text`` without an error (no Python objects are built)."""
    parser = _RawParser(text)
    try:
        parser.raw_parse()
    except yaml.YAMLError:
        return False
    finally:
        parser.dispose()
    return True


def segments(text: str) -> Iterator[tuple[int, int, str]]:
    """``(line offset, character offset, text)`` of each document of a valid stream. The text
    before the first ``---`` is a document only when it holds content; each ``---`` starts one."""
    starts = [0] if text.startswith("---") and _DOC_START.match("\n" + text) else []
    starts += [m.start() + 1 for m in _DOC_START.finditer(text)]
    if not starts or starts[0] != 0:
        head = text[: starts[0]] if starts else text
        if _first_content("\n" + head) is not None:
            yield 0, 0, head
    bounds = [*starts, len(text)]
    line, counted = 0, 0
    for begin, end in itertools.pairwise(bounds):
        line += text.count("\n", counted, begin)
        counted = begin
        yield line, begin, text[begin:end]


def _first_content(body: str) -> re.Match[str] | None:
    """The first line that is neither blank nor a comment."""
    line = _CONTENT_LINE.search(body)
    while line is not None and line.group(2).startswith("#"):
        line = _CONTENT_LINE.search(body, line.end())
    return line


Verdict = tuple[str, ...] | _Doubt | None  # (apiVersion, kind), () (not Kubernetes), DOUBT or None (empty)
INVALID: Any = _Doubt()  # not valid YAML


def _checked(segment: str, verdict: Verdict, suspects: tuple[int, ...]) -> Verdict:
    """The verdict of :func:`judge` once libyaml has read the document alone, each character that
    must be text replaced by ``@`` (see :func:`_replaced`): INVALID if the document is not valid YAML,
    DOUBT if one of those characters starts a token."""
    if _valid(_replaced(segment, suspects)):
        return verdict
    return DOUBT if suspects and _valid(segment) else INVALID


def _stub(verdict: Verdict) -> Any:
    """A fresh stub for a verdict (stubs go on into the parsers: never share one)."""
    if verdict is None or verdict is DOUBT:
        return verdict
    stub = YMap()
    if verdict:
        stub["apiVersion"], stub["kind"] = verdict
    return stub


def stub_for(segment: str, kept_kinds: frozenset[str]) -> Any:
    """The stub standing for a harmless document, ``None`` for an empty one, else ``DOUBT``
    (``segment``: one document of a valid stream, see :func:`segments`)."""
    verdict, suspects = judge(segment, kept_kinds)
    return _stub(DOUBT if suspects and not _all_text(segment, suspects) else verdict)


def judge(segment: str, kept_kinds: frozenset[str]) -> tuple[Verdict, tuple[int, ...]]:
    """The verdict on a document read from its lines alone, and where in ``segment`` characters
    must be text (not the start of an anchor, alias, tag or flow collection) for it to hold."""
    if segment.startswith("---"):
        head = _DOC_START_LINE.match(segment)
        if head is None:
            return DOUBT, ()  # content on the --- line
        body, shift = segment[head.end():], head.end()
    else:
        body, shift = "\n" + segment, -1
    first = _first_content(body)
    if first is None:
        return None, ()  # an empty document is null
    if first.group(1):
        return DOUBT, ()
    # The lines are read first, as if nothing could make them lie: a document they show must be
    # parsed (a kept kind ...) is parsed without the costlier proof that they tell the truth.
    keys = _top_level_keys(body)
    if keys is None or keys.keys() & COMPOSE_KEYS:
        return DOUBT, ()
    verdict: tuple[str, ...] = ()  # not a Kubernetes object (and not Compose: checked above)
    api_version, kind = keys.get("apiVersion"), keys.get("kind")
    if api_version is not None and kind is not None:
        api_value, kind_value = _string_value(body, api_version), _string_value(body, kind)
        if api_value is None or kind_value is None or kind_value in kept_kinds:
            return DOUBT, ()
        if "spec" in keys and _has_template(body, keys["spec"]) is not False:
            return DOUBT, ()
        verdict = (api_value, kind_value)
    if _doubtful(body):
        return DOUBT, ()
    return verdict, tuple(pos + shift for pos in _suspects(body))


def _doubtful(body: str) -> bool:
    """Whether something could make the lines :func:`judge` reads lie, or composing the document
    fail: a merge key, deep nesting, a quoted scalar spanning lines it could fake."""
    if any(pattern.search(body) for pattern in _ALWAYS_DOUBT):
        return True
    if " " * DEEP in body and _DEEP_LINE.search(body):  # the substring test first: it is much faster
        return True
    for pattern in _OPEN_QUOTES:
        for match in pattern.finditer(body):
            if _opens_scalar(body, match.start()) and not _stays_deeper(body, match.start()):
                return True
    return False


def _opens_scalar(body: str, quote: int) -> bool:
    """Whether a quoted scalar may start at ``quote``: after ``key: `` or at its line's start (after
    the indentation and ``- ``/``? ``). Elsewhere a quote is text (a property or a flow collection
    before it is a suspect)."""
    prefix = body[body.rfind("\n", 0, quote) + 1:quote]
    return _NODE_PREFIX.fullmatch(prefix) is not None or prefix.rstrip(" \t").endswith(":")


def _suspects(body: str) -> list[int]:
    """Where an anchor, alias or tag (the composer may fail on them), or a flow collection not
    closed on its line (it could fake lines), may start: those must be text."""
    suspects = list(_marks_and_open_flows(body))
    if len(suspects) * DENSE_SUSPECTS < len(body):
        return [pos for pos in suspects if _at_node_start(body, pos)]
    return suspects  # many (JSON in a ConfigMap ...): libyaml reads them all sooner than this module


def _marks_and_open_flows(body: str) -> Iterator[int]:
    """Where an anchor, alias or tag, or a flow collection not closed on its line, may start."""
    for pattern in _NODE_MARKS:
        for match in pattern.finditer(body):
            yield match.start()
    for pattern in _FLOW_OPENERS:
        for match in pattern.finditer(body):
            if match.group(1) is not None or not _flow_closed_on_its_line(body, match.start()):
                yield match.start()


def _all_text(text: str, positions: Iterable[int]) -> bool:
    """Whether the character at each of ``positions`` of a valid ``text`` is scalar or comment text,
    not the start of a token; libyaml decides (see :func:`_replaced`)."""
    return _valid(_replaced(text, positions))


def _replaced(text: str, positions: Iterable[int]) -> str:
    """``text`` with the character at each of ``positions`` replaced by ``@``, which cannot start
    any YAML token but may stand in any text: the result is valid only if ``text`` is and none of
    those characters started a token."""
    parts, last = [], 0
    for pos in sorted(set(positions)):
        parts += (text[last:pos], "@")
        last = pos + 1
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def _stays_deeper(body: str, quote: int) -> bool:
    """Whether the quoted scalar that may open at ``quote`` (it may also be text) closes, and its
    continuation lines are all indented deeper than the line it starts on: it cannot then fake a
    line this module reads (those are less indented)."""
    start = body.rfind("\n", 0, quote) + 1
    line = body[start:quote]
    if line.lstrip(" ").startswith("#"):
        return True  # in a comment line: text
    closed = _CLOSED_MULTILINE[body[quote]].match(body, quote)
    if closed is None:
        return False
    indent = len(line) - len(line.lstrip(" "))
    return _shallow_lines(indent).search(body, quote, closed.end()) is None


def _line_bounds(body: str, pos: int) -> tuple[int, int]:
    end = body.find("\n", pos)
    return body.rfind("\n", 0, pos) + 1, len(body) if end < 0 else end


def _at_node_start(body: str, pos: int) -> bool:
    """Whether ``pos`` can start a YAML node: after the indentation and ``- ``/``? `` markers,
    after ``: `` or inside a flow collection. (Elsewhere it is text of a plain scalar.)"""
    start, _ = _line_bounds(body, pos)
    prefix = body[start:pos]
    if prefix.lstrip(" ").startswith("#"):
        return False  # a comment line
    if _NODE_PREFIX.fullmatch(prefix):
        return True
    return prefix.rstrip(" \t").endswith((":", ",", "[", "{"))


def _flow_closed_on_its_line(body: str, pos: int) -> bool:
    """The flow collection opened at ``pos`` closes on the same line, not deeply nested."""
    _, end = _line_bounds(body, pos)
    rest = _COMMENT.sub("", _QUOTED.sub("", body[pos:end])).rstrip()
    opened = rest.count("[") + rest.count("{")
    return not any(ch in rest for ch in "#'\"") and rest.endswith(("]", "}")) and opened <= MAX_FLOW_NESTING \
        and opened == rest.count("]") + rest.count("}")


def _top_level_keys(body: str) -> dict[str, re.Match[str]] | None:
    """Column-0 lines are the keys of the top-level block mapping; ``None`` when one is not a
    plain key or a key is repeated."""
    keys: dict[str, re.Match[str]] = {}
    for line in _TOP_LINE.finditer(body):
        match = _KEY_LINE.fullmatch(body, line.start() + 1, line.end())
        if match is None and keys and _SEQUENCE_ITEM.match(body, line.start() + 1):
            continue  # an item of the previous key's sequence, written at the key's indentation
        if match is None:
            return None
        key = match.group(1).strip("\"'")
        if key in keys:
            return None
        keys[key] = match
    return keys


def _string_value(body: str, key_line: re.Match[str]) -> str | None:
    raw = key_line.group(2)
    value = _STR_VALUE.fullmatch(raw) if raw is not None else None
    if value is None or value.group(1) in _NOT_STR:
        return None
    if key_line.end() != len(body) and not _VALUE_ENDS.match(body, key_line.end()):
        return None  # a plain scalar continued on the next lines
    return next(group for group in value.groups() if group is not None)


def _has_template(body: str, spec_line: re.Match[str]) -> bool | None:
    """Whether ``spec`` (a block mapping below the key) has a ``template`` or ``jobTemplate`` key; ``None``:
    unsure."""
    if spec_line.group(2) is not None and not _NO_VALUE.fullmatch(spec_line.group(2)):
        return None  # spec: {...}, spec: value, spec: |
    end = _TOP_LINE.search(body, spec_line.end())
    block = body[spec_line.end(): end.start() if end else len(body)]
    first = _first_content(block)
    if first is None:
        return False  # spec is null
    indent = len(first.group(1))
    for line in _shallow_lines(indent).finditer(block):
        width, content = len(line.group(1)), line.group(2)
        if content.startswith("#"):
            continue
        if width < indent:
            return None
        key = _KEY_LINE.fullmatch(content)
        if key is None and _SEQUENCE_ITEM.match(content):
            continue
        if key is None:
            return None
        if key.group(1).strip("\"'") in ("template", "jobTemplate"):
            return True
    return False


@functools.cache
def _shallow_lines(indent: int) -> re.Pattern[str]:
    """Lines indented at most ``indent`` spaces (blank lines excluded)."""
    return re.compile(rf"\n( {{0,{indent}}}+)([^ \n][^\n]*)")
