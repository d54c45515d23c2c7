"""Skip the YAML documents that cannot hold a workload without building Python objects for them.

Real repositories are dominated by CRDs and large ConfigMaps: composing them into positioned
Python objects costs more than everything else the linter does. :func:`load_documents` yields
exactly what :func:`isolint.yamlsource.load_all` yields, in the same order, except that a
document proven harmless is replaced by a *stub*: a :class:`YMap` holding only its string
``apiVersion`` and ``kind`` (an empty one when the document is not a Kubernetes object). Every
question the loader and the Kubernetes parser ask of a document -- Kubernetes? a kept kind? a pod
template? Compose? -- gets the same answer from the stub as from the document.

A document is proven harmless only when the whole text is valid YAML (libyaml's C parser runs
over it without building objects) and the document is a block mapping whose structure can be
read from its lines alone: the top-level keys at column 0 and, under ``spec``, the keys of
``spec``. Anything that could make such a line lie -- a quoted or flow scalar left open at the
end of a line, anchors, aliases, tags, merge keys, directives, unusual line breaks, deep
nesting -- means "parse it". So is a kept kind, a ``spec.template``, a top-level ``services`` or
``include`` (Compose). Parsed documents are composed alone, padded to their line, so positions
and errors are those of the whole stream; after any error the whole stream is replayed.
"""

from __future__ import annotations

import bisect
import collections
import functools
import itertools
import re
from collections.abc import Iterator
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
# A scalar that resolves to a str, on one line, optionally followed by a comment
_STR_VALUE = re.compile(r"""(?:([A-Za-z][\w.\-/]*)|"([\w.\-/]*)"|'([\w.\-/]*)')[ \t]*(?:#[^\n]*)?""")
_NOT_STR = frozenset(["yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
                     "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL"])
_SEQUENCE_ITEM = re.compile(r"-(?:[ \t]|$)", re.M)
_NO_VALUE = re.compile(r"[ \t]*(?:#[^\n]*)?")
# After a one-line scalar: blank or comment lines, then column 0 (else the scalar goes on)
_VALUE_ENDS = re.compile(r"\n(?:[ \t]*(?:#[^\n]*)?\n)*(?:[^ \t\n]|\Z)")
_CLOSED = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*')"""
# A quoted scalar not closed on its line could span lines: after "key: " or at a line's start
# (after the indentation and "- "/"? "); a closed quoted key may be followed by its value.
_OPEN_QUOTES = (
    re.compile(rf":[ \t]+(?=[\"'])(?!{_CLOSED}[ \t]*(?:#[^\n]*)?(?:\n|\Z))[\"']"),
    re.compile(rf"\n *+(?:[-?][ \t]++)*+(?=[\"'])(?!{_CLOSED}[ \t]*(?:#[^\n]*|:[^\n]*)?(?:\n|\Z))[\"']"),
)
# ... and those closed on their line (text inside them is not structure)
_CLOSED_QUOTES = (
    re.compile(rf":[ \t]+(?=[\"'])({_CLOSED})[ \t]*(?:#[^\n]*)?(?=\n|\Z)"),
    re.compile(rf"\n *+(?:[-?][ \t]++)*+(?=[\"'])({_CLOSED})[ \t]*(?:#[^\n]*|:[^\n]*)?(?=\n|\Z)"),
)
_CLOSED_MULTILINE = {'"': re.compile(r'"(?:[^"\\]|\\.)*"', re.S), "'": re.compile(r"'(?:[^']|'')*'")}
# An anchor, an alias, a tag
_NODE_MARKS = tuple(re.compile(rf"{mark}(?<=[\s\[{{,]{mark})[^\s\[\]{{}},]") for mark in ("&", r"\*", "!"))
_FLOW_OPENERS = (re.compile(r"\[(?<=\s\[)"), re.compile(r"\{(?<=\s\{)"))
_ALWAYS_DOUBT = (
    re.compile(r"<<[ \t]*:"),  # a merge key
    re.compile(r"\n {150}"),  # deep indentation (nesting)
    re.compile(r"-[ \t]+(?:[-?][ \t]+){6}[-?]\s"),  # a run of compact nested sequences
)
# A literal or folded block scalar header (explicit indentation indicators are left in doubt)
_BLOCK_HEADERS = tuple(re.compile(rf"{style}(?=[-+]?[ \t]*(?:#[^\n]*)?(?:\n|\Z))") for style in (r"\|", ">"))
_NODE_PREFIX = re.compile(r" *(?:[-?][ \t]+)*")
_COMMENT = re.compile(r"[ \t]#.*")
_QUOTED = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^']|'')*'""")
MAX_FLOW_NESTING = 100
COMPOSE_KEYS = frozenset({"services", "include"})


class _Doubt:
    """Marker: the document must be parsed."""


DOUBT: Any = _Doubt()


def load_documents(text: str, kept_kinds: frozenset[str], exhaustive: bool = False) -> Iterator[Document]:
    """The documents of ``text`` as :func:`load_all` yields them, harmless ones as stubs."""
    if exhaustive or not fast_path_applies(text):
        yield from load_all(text)
        return
    yielded = 0
    for start_line, segment in segments(text):
        stub = _remembered_stub(segment, kept_kinds)
        if stub is not DOUBT:
            yielded += 1
            yield stub, None
            continue
        for document in load_all("\n" * start_line + segment):
            if document[1] is not None:  # replay exactly what the full stream reports from here
                yield from _after(load_all(text), yielded)
                return
            yielded += 1
            yield document


def _after(documents: Iterator[Document], count: int) -> Iterator[Document]:
    for index, document in enumerate(documents):
        if index >= count:
            yield document


def fast_path_applies(text: str) -> bool:
    """Valid YAML, without directives, ``...`` markers or line breaks other than ``\\n``."""
    if _RawParser is None or any(ch in text for ch in _ODD_CHARACTERS):
        return False
    if text.lstrip()[:1] in ("{", "["):
        return False  # JSON: read value by value by the loader
    if text.startswith(("%", "...")) or _DIRECTIVE_OR_END.search(text):
        return False
    try:
        _check_nesting(text)
        parser = _RawParser(text)
        try:
            parser.raw_parse()
        finally:
            parser.dispose()
    except (YamlError, yaml.YAMLError):
        return False
    return True


def segments(text: str) -> Iterator[tuple[int, str]]:
    """``(line offset, text)`` of each document of a valid stream. The text before the first
    ``---`` is a document only when it holds content; each ``---`` starts one."""
    starts = [0] if text.startswith("---") and _DOC_START.match("\n" + text) else []
    starts += [m.start() + 1 for m in _DOC_START.finditer(text)]
    if not starts or starts[0] != 0:
        head = text[: starts[0]] if starts else text
        if _first_content("\n" + head) is not None:
            yield 0, head
    bounds = [*starts, len(text)]
    line, counted = 0, 0
    for begin, end in itertools.pairwise(bounds):
        line += text.count("\n", counted, begin)
        counted = begin
        yield line, text[begin:end]


def _first_content(body: str) -> re.Match[str] | None:
    """The first line that is neither blank nor a comment."""
    line = _CONTENT_LINE.search(body)
    while line is not None and line.group(2).startswith("#"):
        line = _CONTENT_LINE.search(body, line.end())
    return line


# Repositories vendor the same large documents (CRDs) in several files: the verdict on a large
# segment is remembered by a digest of its text (never by the text: memory stays bounded).
REMEMBER_FROM = 4096  # bytes; smaller segments are cheaper to read again than to digest
_VERDICTS: collections.OrderedDict[tuple[bytes, frozenset[str]], tuple[str, ...] | _Doubt | None] = \
    collections.OrderedDict()
_VERDICTS_KEPT = 2048


def _remembered_stub(segment: str, kept_kinds: frozenset[str]) -> Any:
    if len(segment) < REMEMBER_FROM:
        return stub_for(segment, kept_kinds)
    import hashlib  # here: its import costs a one-file run more than it saves there

    key = (hashlib.blake2b(segment.encode("utf-8", "surrogatepass"), digest_size=20).digest(), kept_kinds)
    if key in _VERDICTS:
        _VERDICTS.move_to_end(key)
        verdict = _VERDICTS[key]
    else:
        verdict = _verdict(stub_for(segment, kept_kinds))
        _VERDICTS[key] = verdict
        if len(_VERDICTS) > _VERDICTS_KEPT:
            _VERDICTS.popitem(last=False)
    return _stub(verdict)


def _verdict(stub: Any) -> tuple[str, ...] | _Doubt | None:
    if stub is None or stub is DOUBT:
        return stub
    return (stub["apiVersion"], stub["kind"]) if stub else ()  # (): not a Kubernetes object


def _stub(verdict: tuple[str, ...] | _Doubt | None) -> Any:
    """A fresh stub for a remembered verdict (stubs go on into the parsers: never share one)."""
    if verdict is None or verdict is DOUBT:
        return verdict
    stub = YMap()
    if verdict:
        stub["apiVersion"], stub["kind"] = verdict
    return stub


def stub_for(segment: str, kept_kinds: frozenset[str]) -> Any:
    """The stub standing for a harmless document, ``None`` for an empty one, else ``DOUBT``."""
    if segment.startswith("---"):
        head = _DOC_START_LINE.match(segment)
        if head is None:
            return DOUBT  # content on the --- line
        body = segment[head.end():]
    else:
        body = "\n" + segment
    first = _first_content(body)
    if first is None:
        return None  # an empty document is null
    if first.group(1) or _doubtful(body):
        return DOUBT
    keys = _top_level_keys(body)
    if keys is None or keys.keys() & COMPOSE_KEYS:
        return DOUBT
    api_version, kind = keys.get("apiVersion"), keys.get("kind")
    if api_version is None or kind is None:
        return YMap()  # not a Kubernetes object (and not Compose: checked above)
    api_value, kind_value = _string_value(body, api_version), _string_value(body, kind)
    if api_value is None or kind_value is None or kind_value in kept_kinds:
        return DOUBT
    if "spec" in keys and _has_template(body, keys["spec"]) is not False:
        return DOUBT
    stub = YMap()
    stub["apiVersion"], stub["kind"] = api_value, kind_value
    return stub


def _doubtful(body: str) -> bool:
    if any(pattern.search(body) for pattern in _ALWAYS_DOUBT):
        return True
    quoted: list[tuple[int, int]] = []  # quoted scalars (the multi-line ones safe)
    for pattern in _OPEN_QUOTES:
        for match in pattern.finditer(body):
            span = _quoted_span(body, match.end() - 1)
            if span is None:
                return True
            quoted.append(span)
    quoted += [match.span(1) for pattern in _CLOSED_QUOTES for match in pattern.finditer(body)]
    text = _Spans([*quoted, *_block_scalars(body, _Spans(quoted))])
    for pattern in _NODE_MARKS:
        for match in pattern.finditer(body):
            if not text.holds(match.start()) and _at_node_start(body, match.start()):
                return True
    for pattern in _FLOW_OPENERS:
        for match in pattern.finditer(body):
            pos = match.start()
            if not text.holds(pos) and _at_node_start(body, pos) and not _flow_closed_on_its_line(body, pos):
                return True
    return False


class _Spans:
    """Sorted, possibly nested ``[start, end)`` spans of scalar text."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [start for start, _ in self.spans]
        self.reach: list[int] = []  # the furthest end among spans starting at or before each
        for _, end in self.spans:
            self.reach.append(max(end, self.reach[-1]) if self.reach else end)

    def holds(self, pos: int) -> bool:
        index = bisect.bisect_right(self.starts, pos) - 1
        return index >= 0 and self.reach[index] > pos


def _quoted_span(body: str, quote: int) -> tuple[int, int] | None:
    """The span of the quoted scalar opened at ``quote`` when its continuation lines are all
    indented deeper than the line it starts on (it cannot then fake a line this module reads:
    those are less indented); ``None`` when it might."""
    start, _ = _line_bounds(body, quote)
    line = body[start:quote]
    if line.lstrip(" ").startswith("#"):
        return (quote, quote)  # in a comment line
    closed = _CLOSED_MULTILINE[body[quote]].match(body, quote)
    if closed is None:
        return None
    indent = len(line) - len(line.lstrip(" "))
    if _shallow_lines(indent).search(body, quote, closed.end()) is not None:
        return None
    return (quote, closed.end())


def _block_scalars(body: str, quoted: _Spans) -> Iterator[tuple[int, int]]:
    """The content of the literal/folded block scalars (``key: |``) without an explicit
    indentation: the lines after the header indented at least as much as the first of them."""
    for pattern in _BLOCK_HEADERS:
        for header in pattern.finditer(body):
            pos = header.start()
            if quoted.holds(pos) or not _at_node_start(body, pos):
                continue
            _, end = _line_bounds(body, pos)
            first = _CONTENT_LINE.search(body, end)
            if first is None:
                continue
            below = _shallow_lines(len(first.group(1)) - 1).search(body, end) if first.group(1) else first
            yield (end, below.start() if below is not None else len(body))


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
    """Whether ``spec`` (a block mapping below the key) has a ``template`` key; ``None``: unsure."""
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
        if key.group(1).strip("\"'") == "template":
            return True
    return False


@functools.cache
def _shallow_lines(indent: int) -> re.Pattern[str]:
    """Lines indented at most ``indent`` spaces (blank lines excluded)."""
    return re.compile(rf"\n( {{0,{indent}}}+)([^ \n][^\n]*)")
