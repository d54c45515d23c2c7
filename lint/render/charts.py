"""Helm charts: render a chart once per process, lint each template's output at the template's lines.

A folder holding ``Chart.yaml`` is a chart; the files under its ``templates/`` (and its subcharts')
are never linted raw. Each template file is linted as the YAML its chart renders from it, every
position mapped back into the template (:mod:`isolint.render.mapping`), so code frames, inline
suppressions and baselines work on the template. The chart's ``Chart.yaml`` carries what belongs to
the chart as a whole: the error when it cannot be rendered (Helm's message) or when no renderer is
installed, and the output of templates that have no file of their own (``.tgz`` subcharts), which
is located at the archive's path.

The chart is read by isolint, never by the renderer: every file under the chart folder (``.helmignore``
honoured) must resolve inside the run's root (:func:`isolint.sources.contained`); a link out of it
refuses the chart, naming the link. The files go to the renderer as one in-memory ``.tgz``.

Configuration (``[helm]``; paths relative to the configuration file): ``binary`` (a ``helm`` to run
instead of the one on ``PATH``), and ``charts``, a table from a chart-folder glob to ``values``
(values files, after the chart's own ``values.yaml``), ``set`` (``--set`` expressions), ``release``,
``namespace`` and ``kube-version`` (the binary only).
"""

from __future__ import annotations

import fnmatch
import io
import os
import re
import tarfile
from dataclasses import dataclass, field
from typing import Any

from ..model import FileModel, Format, Location, ParseError
from ..parsers.fields import Reader
from ..sources import DEFAULT_MAX_BYTES, Outside, ReadError, contained, read_bytes, read_text, run_root
from ..yamlsource import Pos, load_all
from . import CHART_FILE, chart_of, setting
from .helm import RenderError, render
from .mapping import ValuesIndex, locator

DEFAULT_RELEASE, DEFAULT_NAMESPACE = "release-name", "default"
MAX_CHART_BYTES = 50 * 1024 * 1024


@dataclass(slots=True)
class Rendered:
    error: str | None = None
    missing: list[str] = field(default_factory=list)  # dependencies not in charts/ (never fetched)
    outputs: dict[str, str] = field(default_factory=dict)  # real path of a template file -> its output
    orphans: dict[str, str] = field(default_factory=dict)  # output of a template with no file (a .tgz)
    values: list[ValuesIndex] = field(default_factory=list)  # configured values files, last first


_RENDERED: dict[str, Rendered] = {}  # per process: a chart is rendered once however many templates it has


class MappedReader(Reader):
    """A reader whose locations are mapped from the rendered text into the template."""

    def __init__(self, path: str, locate: Any) -> None:
        super().__init__(path, "rendered template")
        self.locate = locate

    def loc(self, pos: Pos) -> Location:
        return self.locate(pos)


def load_chart_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> FileModel:
    """The model of a chart's ``Chart.yaml`` or of one of its templates (see the module's docstring)."""
    info = chart_of(path)
    try:
        text = read_text(path, max_bytes)
    except ReadError as exc:
        return FileModel(path, None, errors=[ParseError(path, exc.message, exc.line)])
    if info is None:
        return FileModel(path, None)
    outer, nearest = (_spelled_like(path, chart) for chart in info)
    lines = tuple(text.splitlines())
    if os.path.basename(path) == CHART_FILE:
        if nearest != outer:
            return FileModel(path, None)  # a subchart: rendered with its parent
        rendered = _render(outer, max_bytes)
        model = FileModel(path, Format.KUBERNETES, lines=lines)
        name = os.path.basename(os.path.normpath(outer))  # the error is at its Chart.yaml: no runner path in reports
        if rendered.error is not None:
            model.errors.append(ParseError(path, f"chart {name} cannot be rendered: {rendered.error}", 1))
        for dependency in rendered.missing:
            model.errors.append(ParseError(path, f"chart {name}: dependency {dependency} is not in charts/ and is "
                                           "never fetched: its templates are not linted (vendor it with `helm "
                                           "dependency build`, or exclude the chart)", 1))
        for virtual, output in sorted(rendered.orphans.items()):
            _parse_rendered(model, Reader(virtual, "rendered template"), output)
        return model
    rendered = _render(outer, max_bytes)
    model = FileModel(path, Format.KUBERNETES, lines=lines)
    output = rendered.outputs.get(os.path.realpath(path))
    if output is None:
        return model  # renders to nothing (a condition off), or the chart failed (said on its Chart.yaml)
    values = [*rendered.values, *_own_values(nearest, max_bytes)]
    reader = MappedReader(path, locator(output, path, text, _first_with(values)))
    _parse_rendered(model, reader, output)
    return model


def _spelled_like(path: str, chart: str) -> str:
    """``chart`` (absolute) relative to the working folder when ``path`` is: reports name files as given."""
    return chart if os.path.isabs(path) else os.path.relpath(chart)


def _parse_rendered(model: FileModel, reader: Reader, output: str) -> None:
    from ..parsers.kubernetes import parse_documents

    docs = []
    for index, (doc, error) in enumerate(load_all(output)):
        if error is not None:
            reader.errors.append(ParseError(reader.path, f"the rendered template is not valid YAML: {error.message} "
                                            f"(line {error.line} of its output)", None))
            break
        docs.append((index, doc))
    parse_documents(reader, model, docs)
    model.errors.extend(reader.errors)


class _FirstWith(ValuesIndex):
    """Several values files as one index: the first that holds a key path gives its line."""

    def __init__(self, indexes: list[ValuesIndex]) -> None:  # built from indexes: nothing to parse
        self.indexes = indexes
        self.path = indexes[0].path if indexes else ""
        self.keys = {}

    def location(self, key_path: tuple[str, ...]) -> Location | None:
        return next((loc for index in self.indexes if (loc := index.location(key_path)) is not None), None)


def _first_with(indexes: list[ValuesIndex]) -> ValuesIndex | None:
    return _FirstWith(indexes) if indexes else None


def _own_values(chart: str, max_bytes: int) -> list[ValuesIndex]:
    path = os.path.join(chart, "values.yaml")
    try:
        return [ValuesIndex(path, read_text(contained(path, run_root(chart)), max_bytes))]
    except (ReadError, OSError):
        return []


def _render(chart: str, max_bytes: int) -> Rendered:
    key = os.path.realpath(chart)
    found = _RENDERED.get(key)
    if found is None:
        found = _RENDERED[key] = _render_chart(chart, max_bytes)
    return found


def _options(chart: str) -> dict[str, Any]:
    """The ``[helm] charts`` entries whose glob matches the chart folder, merged in order."""
    root = setting("config-root") or "."
    rel = os.path.relpath(os.path.abspath(chart), os.path.abspath(root)).replace(os.sep, "/")
    out: dict[str, Any] = {}
    for pattern, options in (setting("charts") or {}).items():
        if fnmatch.fnmatchcase(rel, pattern.rstrip("/")):
            out.update(options)
    return out


def _render_chart(chart: str, max_bytes: int) -> Rendered:
    result = Rendered()
    root = run_root(chart)
    try:
        archive, files = _archive(chart, root, max_bytes)
        options = _options(chart)
        values, result.values = _values(options, root, max_bytes)
        outputs = render(archive, values, options.get("release", DEFAULT_RELEASE),
                         options.get("namespace", DEFAULT_NAMESPACE), options.get("kube-version"),
                         setting("binary"), chart)
    except (RenderError, ReadError) as exc:
        result.error = exc.message
        return result
    result.missing = _missing_dependencies(files)
    for name, output in outputs.items():
        rel = name.split("/", 1)[1] if "/" in name else name
        real = files.get(rel)
        if real is not None:
            result.outputs[real] = output
        else:
            result.orphans[os.path.join(chart, rel)] = output
    return result


def _missing_dependencies(files: dict[str, str]) -> list[str]:
    """Dependencies ``Chart.yaml`` declares that ``charts/`` does not hold (as a folder or a ``.tgz``)."""
    chart_file = files.get(CHART_FILE)
    text = read_text(chart_file) if chart_file else ""
    doc = next((d for d, error in load_all(text) if error is None), None)
    dependencies = doc.get("dependencies") if isinstance(doc, dict) else None
    present = {rel.split("/")[1] for rel in files if rel.startswith("charts/") and rel.count("/") >= 2}
    archives = [rel[len("charts/"):] for rel in files if rel.startswith("charts/") and rel.endswith(".tgz")]
    out = []
    for dependency in dependencies if isinstance(dependencies, list) else ():
        name = dependency.get("name") if isinstance(dependency, dict) else None
        if not isinstance(name, str) or name in present or any(a.startswith(f"{name}-") for a in archives):
            continue
        repository = dependency.get("repository")
        out.append(f"{name} ({repository})" if isinstance(repository, str) and repository else name)
    return out


def _values(options: dict[str, Any], root: str, max_bytes: int) -> tuple[dict[str, Any], list[ValuesIndex]]:
    """The configured values (files then ``set``), and an index per file for related locations."""
    merged: dict[str, Any] = {}
    indexes: list[ValuesIndex] = []
    base = setting("config-root") or "."
    for name in options.get("values", ()):
        path = os.path.join(base, name)
        try:
            text = read_text(contained(path, root), max_bytes)
        except Outside:
            raise ReadError(f"values file {name}: points outside the repository: not read") from None
        except ReadError as exc:
            raise ReadError(f"values file {name}: {exc.message}") from None
        for doc, error in load_all(text):
            if error is not None:
                raise ReadError(f"values file {name}: invalid YAML: {error.message} (line {error.line})")
            if isinstance(doc, dict):
                _merge(merged, doc)  # a YMap is a dict: JSON as it is
            break
        indexes.insert(0, ValuesIndex(path, text))
    for expression in options.get("set", ()):
        _merge(merged, _parse_set(expression))
    return merged, indexes


def _merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _parse_set(expression: str) -> dict[str, Any]:
    """A ``--set`` expression, by Helm's own parser when the SDK is installed, else ``a.b=c`` pairs."""
    try:
        import helm_python

        return helm_python.parse_set_string(expression)
    except ImportError:
        pass
    out: dict[str, Any] = {}
    for pair in expression.split(","):
        key, _, raw = pair.partition("=")
        value: Any = {"true": True, "false": False}.get(raw, int(raw) if raw.isdigit() else raw)
        node = out
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


def _archive(chart: str, root: str, max_bytes: int) -> tuple[bytes, dict[str, str]]:
    """The chart as a ``.tgz`` of the files isolint read itself, and each file's real path by its
    path in the chart. Raises ReadError for a file outside the root or a chart too large."""
    import pathspec

    ignore = None
    ignore_file = os.path.join(chart, ".helmignore")
    if os.path.isfile(ignore_file):
        ignore = pathspec.GitIgnoreSpec.from_lines(read_text(contained(ignore_file, root), max_bytes).splitlines())
    buffer = io.BytesIO()
    files: dict[str, str] = {}
    total = 0
    seen: set[str] = set()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        for directory, dirs, names in os.walk(chart, followlinks=True):
            rel_dir = os.path.relpath(directory, chart)
            real_dir = _inside_or_refuse(directory, root, chart)
            if real_dir in seen:
                dirs[:] = []
                continue
            seen.add(real_dir)
            dirs.sort()
            if ignore is not None:
                dirs[:] = [d for d in dirs if not ignore.match_file(_join(rel_dir, d) + "/")]
            for name in sorted(names):
                rel = _join(rel_dir, name)
                if ignore is not None and ignore.match_file(rel):
                    continue
                path = os.path.join(directory, name)
                real = _inside_or_refuse(path, root, chart)
                data = _read_bytes(real, max_bytes, rel)
                total += len(data)
                if total > MAX_CHART_BYTES:
                    raise ReadError(f"the chart holds more than {MAX_CHART_BYTES >> 20} MiB; not rendered")
                info = tarfile.TarInfo(f"chart/{rel}")
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
                files[rel] = real
    return buffer.getvalue(), files


def _join(directory: str, name: str) -> str:
    return name if directory == "." else f"{directory}/{name}".replace(os.sep, "/")


def _inside_or_refuse(path: str, root: str, chart: str) -> str:
    try:
        return contained(path, root)
    except Outside:
        raise ReadError(f"{os.path.relpath(path, chart)} points outside the repository: not read") from None


def _read_bytes(real: str, max_bytes: int, shown: str) -> bytes:
    try:
        return read_bytes(real, max_bytes)
    except ReadError as exc:
        raise ReadError(f"{shown}: {exc.message}; the chart is not rendered") from None


class _ShiftedReader(Reader):
    """A reader of one document of a stream, parsed alone: positions shifted to the stream's lines."""

    def __init__(self, path: str, first_line: int) -> None:
        super().__init__(path, "manifest")
        self.shift = first_line - 1

    def loc(self, pos: Pos) -> Location:
        return Location(self.path, pos[0] + self.shift, pos[1])


def load_rendered_stream(name: str, text: str, max_bytes: int = DEFAULT_MAX_BYTES) -> FileModel:
    """``helm template`` output on stdin: each document whose ``# Source:`` names a template file
    below the working folder is mapped into that template (and its chart's values file); the
    others keep their place in the stream."""
    from .helm import documents

    model = FileModel(name, Format.KUBERNETES, lines=tuple(text.splitlines()))
    root = run_root(".")
    for source, first, chunk in documents(text):
        template = _template_file(source, root) if source else None
        if template is None:
            _parse_rendered(model, _ShiftedReader(name, first), chunk)
            continue
        path, template_text = template
        chart = chart_of(path)
        values = _own_values(_spelled_like(path, chart[1]), max_bytes) if chart else []
        _parse_rendered(model, MappedReader(path, locator(chunk, path, template_text, _first_with(values))), chunk)
    return model


def _template_file(source: str, root: str) -> tuple[str, str] | None:
    """The template a ``# Source:`` names (``<chart name>/templates/x.yaml``), as a path from the
    working folder: the path itself, without its first part when the working folder is the chart,
    or in a folder below (three levels at most) whose ``Chart.yaml`` has that name."""
    name, _, rest = source.partition("/")
    for path in (source, rest, *(os.path.join(folder, rest) for folder in _chart_folders(name))):
        if path and os.path.isfile(path):
            try:
                return path, read_text(contained(path, root))
            except ReadError:
                return None
    return None


_FOLDERS: dict[str, dict[str, list[str]]] = {}  # working folder -> chart name -> folders


def _chart_folders(name: str, depth: int = 3) -> list[str]:
    """Folders below the working folder (``depth`` levels at most) holding a chart named ``name``."""
    found_here = _FOLDERS.get(os.getcwd())
    if found_here is None:
        found_here = _FOLDERS[os.getcwd()] = {}
        for directory, dirs, files in os.walk("."):
            level = directory.count(os.sep)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and level < depth)
            if CHART_FILE in files:
                try:
                    text = read_text(contained(os.path.join(directory, CHART_FILE), run_root(".")), 1 << 20)
                except ReadError:
                    continue
                found = re.search(r"^name:[ \t]*['\"]?([^'\"\s#]+)", text, re.M)
                if found:
                    found_here.setdefault(found.group(1), []).append(os.path.normpath(directory))
    return found_here.get(name, [])
