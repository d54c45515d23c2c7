"""Decide a file's kind by name and content, and parse it.

Its bytes are read by :mod:`isolint.sources` (the one boundary: non-blocking, size-limited,
decoded by BOM else as UTF-8); no includes fetched, nothing executed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from . import prescan
from .discovery import Kind, read_small_file
from .model import FileModel, Format, ParseError
from .sources import DEFAULT_MAX_BYTES, ReadError, read_text
from .yamlsource import YamlError, YMap, collections, load_all

# ``{{ ... }}`` not preceded by ``$`` (GitHub Actions' ``${{ }}`` is plain YAML text)
_TEMPLATE = re.compile(r"(?<!\$)\{\{-?\s*[-.$\w(\"'/]|\{%-?\s")
# a string that is only a template expression: `"{{ .Values.image }}"`, `'{% raw %}'`
_WHOLE_TEMPLATE = re.compile(r"\s*(?:\{\{.*\}\}|\{%.*%\})\s*", re.S)
_COMMENT_BEFORE = re.compile(r"(?:^|[ \t])#")
_HELM_HINT = ("looks like an unrendered Helm/Go or Jinja template; render it first, "
              "e.g. `helm template <chart> | isolint check -`")


def looks_templated(text: str) -> bool:
    # the substring tests first: the pattern starts with a look-behind, which re cannot scan for fast
    return ("{{" in text or "{%" in text) and _TEMPLATE.search(text) is not None


def overrides_with_base(paths: Iterable[str]) -> set[str]:
    """The Compose override files among ``paths`` (``compose.override.yaml`` ...) whose base file is
    among them too. The Compose parser merges an override into its base, so such an override is
    linted there, as Compose runs it; an override without its base in the run is linted as itself."""
    from .parsers.compose.files import base_file_for

    paths = list(paths)
    bases = [(p, base) for p in paths if (base := base_file_for(p)) is not None]
    if not bases:
        return set()  # resolving every path is costly: only when there is an override
    present = {os.path.realpath(p) for p in paths}
    return {p for p, base in bases if os.path.realpath(base) in present}


def load_file(path: str, kind: Kind, text: str | None = None, environ: Mapping[str, str] | None = None,
              explicit: bool = False, max_bytes: int = DEFAULT_MAX_BYTES, merged_into_base: bool = False,
              exhaustive: bool = False, root: str | None = None) -> FileModel:
    """Parse one file into its model; errors land in ``FileModel.errors``, never raised.

    ``root``: the resolved root of the run (:func:`isolint.sources.run_root` of the target) that
    the files this one names must lie in; by default the file's own (its git top-level or folder).

    ``explicit``: a stream the user piped in (stdin): broken YAML there is an error even when
    nothing shows it is a manifest. A file, walked or named (pre-commit names them), is judged
    the same either way: broken or oversize YAML that is not evidently a manifest is not ours.

    ``merged_into_base``: a Compose override file linted as part of its base (see
    :func:`overrides_with_base`); only its lines are kept, for code frames and inline suppressions.
    ``exhaustive``: build every YAML document instead of skipping those that cannot matter
    (:mod:`isolint.prescan`); the results are the same, only slower.
    """
    if kind is Kind.HELM and text is None:
        from .render.charts import load_chart_file

        return load_chart_file(path, max_bytes)
    if kind is Kind.KUSTOMIZE and text is None:
        from .render.kustomize import load_root

        return load_root(path, max_bytes, root)
    if text is None:
        try:
            text = read_text(path, max_bytes)
        except ReadError as exc:
            if kind is Kind.YAML and not _unreadable_manifest(path):
                return FileModel(path, None)  # a 14 MB package-lock.json, a binary .json: not ours
            fmt = Format.DOCKERFILE if kind is Kind.DOCKERFILE else None
            return FileModel(path, fmt, errors=[ParseError(path, exc.message, exc.line)])
    if merged_into_base:
        return FileModel(path, Format.COMPOSE, lines=tuple(text.splitlines()))
    if kind is Kind.DOCKERFILE:
        from .parsers.dockerfile import parse_dockerfile

        return parse_dockerfile(path, text)
    if kind is Kind.COMPOSE:
        # Compose has no templating: a whole-string `{{ }}` there is data (`docker inspect --format`)
        if looks_templated(text) and _template_line(text, _loaded_or_none(text), strings=False) is not None:
            return _template_error(path, text, Format.COMPOSE)
        from .parsers.compose import parse_compose

        return parse_compose(path, text, environ, root)
    return _load_yaml(path, text, kind, environ, explicit, exhaustive, root)


def _template_error(path: str, text: str, fmt: Format | None) -> FileModel:
    return FileModel(path, fmt, errors=[ParseError(path, _HELM_HINT, _template_line(text, None))])


def _template_line(text: str, judged: list[Any] | None, strings: bool = True) -> int | None:
    """The line showing that ``text`` is an unrendered template, or None.

    A template marker that breaks YAML (``judged`` is None) is one, unless it is in a comment.
    In valid YAML, ``{{ }}`` is usually data (Argo CD ApplicationSets, alerting rules, ``--format``
    flags): only a mapping used as a key (``name: {{ .Release.Name }}`` reads as one) or a string
    that is nothing but a template expression, in a ``judged`` document, is one.
    """
    if judged is None:
        return next(_marker_lines(text), None)
    return next((line for doc in judged for line in _templated_nodes(doc, strings)), None)


def _marker_lines(text: str) -> Iterator[int]:
    for match in _TEMPLATE.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        if not _COMMENT_BEFORE.search(text[start:match.start()]):
            yield text.count("\n", 0, start) + 1


def _templated_nodes(document: Any, strings: bool) -> Iterator[int]:
    for node in collections(document):
        if isinstance(node, YMap):
            yield from (pos[0] for pos in node.complex_keys)
        if strings:
            entries = node.items() if isinstance(node, YMap) else enumerate(node)
            yield from (node.pos_of(key)[0] for key, value in entries
                        if isinstance(value, str) and _WHOLE_TEMPLATE.fullmatch(value))


def _loaded_or_none(text: str) -> list[Any] | None:
    docs = []
    for doc, error in load_all(text):
        if error is not None:
            return None
        docs.append(doc)
    return docs


def _load_yaml(path: str, text: str, kind: Kind, environ: Mapping[str, str] | None, explicit: bool,
               exhaustive: bool = False, root: str | None = None) -> FileModel:
    """A YAML/JSON file: Kubernetes if any document has apiVersion and kind, Compose if its top
    level is a Compose project, else not ours (ignored silently)."""
    from .parsers import kubernetes

    if kind is Kind.KUBERNETES or kind is Kind.YAML:
        docs = []
        for index, (doc, error) in enumerate(_documents(text, kubernetes.KEPT_KINDS, exhaustive)):
            if error is not None:
                if not explicit and not evidently_manifest(text) and \
                        not any(kubernetes.looks_like_kubernetes(doc) for _, doc in docs):
                    return FileModel(path, None)  # some other broken YAML (a values file, a CI workflow): not ours
                if looks_templated(text) and _template_line(text, None) is not None:
                    return _template_error(path, text, Format.KUBERNETES)
                model = FileModel(path, Format.KUBERNETES, lines=tuple(text.splitlines()))
                model.errors.append(ParseError(path, error.message, error.line, error.column))
                _parse_kubernetes_docs(path, model, docs)
                return model
            docs.append((index, doc))
        if any(kubernetes.looks_like_kubernetes(doc) for _, doc in docs):
            model = FileModel(path, Format.KUBERNETES, lines=tuple(text.splitlines()))
            _parse_kubernetes_docs(path, model, docs)
            # what it could read is judged (most files hold no such object: the text is not searched)
            judged = [doc for doc in kubernetes.judged_documents(doc for _, doc in docs) if not _own_templates(doc)]
            if judged and looks_templated(text) and (line := _template_line(text, judged)) is not None:
                model.errors.append(ParseError(path, _HELM_HINT, line))
            return model
        from .parsers.compose import looks_like_compose

        if len(docs) != 1 or not looks_like_compose(docs[0][1]):
            return FileModel(path, None)
    from .parsers.compose import parse_compose

    return parse_compose(path, text, environ, root)


def _documents(text: str, kept_kinds: frozenset[str], exhaustive: bool) -> Iterator[tuple[Any, YamlError | None]]:
    """The YAML documents of ``text``, those that cannot matter stubbed (:mod:`isolint.prescan`)."""
    return load_all(text) if exhaustive else prescan.load_documents(text, kept_kinds)


def _own_templates(doc: Any) -> bool:
    """Whether ``{{ }}`` is the object's own language, substituted by its controller at run time,
    not a sign of an unrendered chart: Argo (``argoproj.io``: ``'{{inputs.parameters.message}}'``,
    ``{{workflow.name}}``, ``{{item}}``)."""
    api_version = doc.get("apiVersion") if isinstance(doc, YMap) else None
    return isinstance(api_version, str) and api_version.startswith("argoproj.io/")


def _parse_kubernetes_docs(path: str, model: FileModel, docs: list) -> None:
    from .parsers.fields import Reader
    from .parsers.kubernetes import parse_documents

    reader = Reader(path, "manifest")
    parse_documents(reader, model, docs)
    model.errors.extend(reader.errors)


def evidently_manifest(text: str) -> bool:
    """Whether YAML or JSON that cannot be parsed is still evidently a Kubernetes manifest, so that
    it is an error: ``apiVersion:`` and ``kind:`` as top-level keys (at the start of a line), or
    JSON's ``"apiVersion": "..."`` and ``"kind": "..."``. A Helm values file, a CI workflow or an
    OpenAPI schema that names these keys indented, in a script or as schema properties is not."""
    return _API_VERSION_KEY.search(text) is not None and _KIND_KEY.search(text) is not None


_API_VERSION_KEY = re.compile(r'^apiVersion[ \t]*:|"apiVersion"\s*:\s*"', re.M)
_KIND_KEY = re.compile(r'^kind[ \t]*:|"kind"\s*:\s*"', re.M)
MANIFEST_HEAD = 64 * 1024  # what is read of a YAML file too large or undecodable to lint, to tell if it is one


def _unreadable_manifest(path: str) -> bool:
    """Whether a YAML/JSON file whose name says nothing, and which could not be read whole (too
    large, not UTF-8, binary), is evidently a manifest by its first :data:`MANIFEST_HEAD` bytes, so
    that it stays an error; one that cannot be opened at all might be one, so it stays one too."""
    head = read_small_file(path, MANIFEST_HEAD)
    return head is None or evidently_manifest(head)
