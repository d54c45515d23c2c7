"""Helm charts: render a chart once per process, lint each template's output at the template's lines.

A folder holding ``Chart.yaml`` is a chart; the files under its ``templates/`` (and its subcharts')
are never linted raw. Each template file is linted as the YAML its chart renders from it, every
position mapped back into the template (:mod:`isolint.render.mapping`), so code frames, inline
suppressions and baselines work on the template. The chart's ``Chart.yaml`` carries what belongs to
the chart as a whole: the error when it cannot be rendered (Helm's message) or when no renderer is
installed, and the output of templates that have no file of their own (``.tgz`` subcharts): each
finding there at the parent's values line that set its value, else at the archive, with the
template's line inside it as a related location (:func:`_packaged_locator`).

The chart is read by isolint, never by the renderer: every file under the chart folder (``.helmignore``
honoured) must resolve inside the run's root (:func:`isolint.sources.contained`); a link out of it
refuses the chart, naming the link. The files go to the renderer as one in-memory ``.tgz``.

Configuration (``[helm]``; paths relative to the configuration file): ``binary`` (a ``helm`` to run
instead of the one on ``PATH``), and ``charts``, a table from a chart-folder glob to ``values``
(values files, after the chart's own ``values.yaml``), ``set`` (``--set`` expressions), ``release``,
``namespace``, ``kube-version`` and ``api-versions`` (``.Capabilities``), with either renderer.
"""

from __future__ import annotations

import fnmatch
import io
import json
import os
import re
import shutil
import tarfile
from dataclasses import dataclass, field
from typing import Any

from ..model import FileModel, Format, Location, ParseError
from ..parsers.fields import Reader
from ..sources import (
    DEFAULT_MAX_BYTES,
    Outside,
    ReadError,
    contained,
    excerpt,
    inside,
    is_inside,
    read_bytes,
    read_text,
    run_root,
)
from ..yamlsource import Pos, load_all
from . import CHART_FILE, chart_of, setting
from .helm import RenderError, Request, merge, render
from .mapping import FROM_VALUES, NOT_FOUND, KeyPath, MappedLocation, MappedReader, ValuesIndex, locator

TEMPLATE = "rendered template"  # what a reader's errors call the text

DEFAULT_RELEASE, DEFAULT_NAMESPACE = "release-name", "default"
MAX_CHART_BYTES = 50 * 1024 * 1024


@dataclass(slots=True)
class Packaged:
    """The output of a template with no file in the repository: one inside a subchart packaged as a
    ``.tgz`` in ``charts/`` (``archive``, ``member`` its path there, ``text`` the template)."""

    output: str
    archive: str | None = None  # the .tgz's path in the chart; None: no archive holds it
    member: str = ""
    text: str = ""
    keys: tuple[str, ...] = ()  # the subchart's key in its parents' values, outermost first
    folders: tuple[str, ...] = ()  # the chart folders from the rendered chart to the one holding the .tgz


@dataclass(slots=True)
class Rendered:
    error: str | None = None
    missing: list[str] = field(default_factory=list)  # dependencies not in charts/ (never fetched)
    outputs: dict[str, str] = field(default_factory=dict)  # real path of a template file -> its output
    orphans: dict[str, Packaged] = field(default_factory=dict)  # rendered name -> output of a template with no file
    values: list[ValuesIndex] = field(default_factory=list)  # configured values files, last first
    shadowed: list[KeyPath] = field(default_factory=list)  # key paths `set` gives: no values file line is theirs


_RENDERED: dict[str, Rendered] = {}  # per process: a chart is rendered once however many templates it has


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
        for name, packaged in sorted(rendered.orphans.items()):
            locate = _packaged_locator(name, packaged, model, outer, rendered, max_bytes)
            _parse_rendered(model, MappedReader(path, TEMPLATE, locate), packaged.output)
        return model
    rendered = _render(outer, max_bytes)
    model = FileModel(path, Format.KUBERNETES, lines=lines)
    output = rendered.outputs.get(os.path.realpath(path))
    if output is None:
        return model  # renders to nothing (a condition off), or the chart failed (said on its Chart.yaml)
    folders, keys = _folder_chain(outer, nearest)
    locate = locator(output, path, text, _values_chain(folders, keys, rendered, max_bytes))
    reader = MappedReader(path, TEMPLATE, locate)
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
    """The values files a template's values come from, as one index, in Helm's precedence: configured
    files (last first), then each chart's ``values.yaml`` from the rendered chart down to the template's
    own; a parent's file holds a subchart's values under the subchart's key (``prefix``). The first
    that holds a key path gives its line; a key path ``set`` gives has none (no file wrote it)."""

    def __init__(self, sources: list[tuple[ValuesIndex, KeyPath]], keys: KeyPath,
                 shadowed: list[KeyPath]) -> None:  # built from indexes: nothing to parse
        self.sources, self.full, self.shadowed = sources, keys, shadowed
        self.path = sources[0][0].path
        self.keys = {}

    def location(self, key_path: KeyPath) -> Location | None:
        shared = key_path[:1] == ("global",)  # Helm gives every subchart its parents' `global:` as its own
        full = key_path if shared else self.full + key_path
        if any(full[:len(s)] == s for s in self.shadowed):
            return None
        return next((loc for index, prefix in self.sources
                     if (loc := index.location(key_path if shared else prefix + key_path)) is not None), None)


def _values_chain(folders: tuple[str, ...], keys: tuple[str, ...], rendered: Rendered | None,
                  max_bytes: int) -> ValuesIndex | None:
    """The values index of a template of the chart ``folders[-1]`` (``keys``: its key in each parent's
    values, outermost first; one more than ``folders`` below the rendered chart for a ``.tgz``)."""
    sources = [(index, keys) for index in rendered.values] if rendered else []
    for depth, folder in enumerate(folders):
        sources += [(index, keys[depth:]) for index in _own_values(folder, max_bytes)]
    return _FirstWith(sources, keys, rendered.shadowed if rendered else []) if sources else None


def _folder_chain(outer: str, nearest: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The chart folders from ``outer`` to its subchart ``nearest`` (``<outer>/charts/a/charts/b``) and
    each subchart's key in its parent's values (its ``alias``, else its name)."""
    folders, keys = [outer], []
    rest = os.path.relpath(nearest, outer).replace(os.sep, "/").split("/") if nearest != outer else []
    for i in range(1, len(rest), 2):
        child = os.path.join(folders[-1], "charts", rest[i])
        keys.append(_subchart_key(folders[-1], _chart_name(_read_or_empty(os.path.join(child, CHART_FILE)))
                                  or rest[i]))
        folders.append(child)
    return tuple(folders), tuple(keys)


def _read_or_empty(path: str, max_bytes: int = 1 << 20) -> str:
    try:
        return read_text(contained(path, run_root(path)), max_bytes)
    except (ReadError, OSError):
        return ""


def _chart_name(chart_yaml: str) -> str | None:
    found = re.search(r"^name:[ \t]*['\"]?([^'\"\s#]+)", chart_yaml, re.M)
    return found.group(1) if found else None


def _subchart_key(parent: str, name: str) -> str:
    """The key of the subchart ``name`` in ``parent``'s values: the alias its dependency gives it, else its name."""
    aliases = _aliases(parent, name)
    return aliases.pop() if len(aliases) == 1 else name


def _aliases(parent: str, name: str) -> set[str]:
    """The aliases ``parent``'s ``Chart.yaml`` gives its dependency ``name``."""
    return {d["alias"] for d in _dependencies(parent) if d.get("name") == name and isinstance(d.get("alias"), str)}


def _dependencies(chart: str) -> list[dict[str, Any]]:
    doc = next((d for d, error in load_all(_read_or_empty(os.path.join(chart, CHART_FILE))) if error is None), None)
    dependencies = doc.get("dependencies") if isinstance(doc, dict) else None
    return [d for d in dependencies if isinstance(d, dict)] if isinstance(dependencies, list) else []


def _own_values(chart: str, max_bytes: int) -> list[ValuesIndex]:
    path = os.path.join(chart, "values.yaml")
    try:
        return [ValuesIndex(path, read_text(contained(path, run_root(chart)), max_bytes))]
    except (ReadError, OSError):
        return []


PACKAGED = ("rendered from {where} inside this subchart archive (a packaged subchart: set its values in the "
            "parent chart)")
NO_FILE = "rendered from {name}, a template with no file in the chart"


def _packaged_locator(name: str, packaged: Packaged, model: FileModel, outer: str, rendered: Rendered,
                      max_bytes: int) -> Any:
    """Where a finding in a ``.tgz`` subchart's output points: no file of the repository holds its
    template, so at the line of the parent's values file that set the flagged value when one did, else
    at the archive (its first line); a related location names the template and its line inside. The
    values files go to ``model.mapped``: a suppression comment written there works."""
    chart_file = model.path
    if packaged.archive is None:
        note = ((Location(chart_file, 1), NO_FILE.format(name=name)),)
        return lambda pos: MappedLocation(chart_file, 1, None, note)
    archive = os.path.join(outer, packaged.archive)  # spelled as the run names the chart (renders are cached)
    folders = tuple(os.path.join(outer, f) if f != "." else outer for f in packaged.folders)
    values = _values_chain(folders, packaged.keys, rendered, max_bytes)
    for index, _ in values.sources if isinstance(values, _FirstWith) else ():
        model.mapped.setdefault(index.path, index.lines)
    inner = locator(packaged.output, packaged.member, packaged.text, values)

    def locate(pos: Pos) -> Location:
        loc = inner(pos)
        found = all(message != NOT_FOUND for _, message in loc.notes)  # type: ignore[attr-defined]
        where = f"{packaged.member} line {loc.line}" if found else f"{packaged.member} (line not found)"
        note = (Location(archive, 1), PACKAGED.format(where=where))
        values = [at for at, message in loc.notes if message == FROM_VALUES]  # type: ignore[attr-defined]
        if values:
            return MappedLocation(values[0].path, values[0].line, values[0].column, (note,))
        return MappedLocation(archive, 1, None, (note,))

    return locate


def forget_renders() -> None:
    """A new run renders each chart anew (a process that runs twice, a test or a library user, may
    have changed a chart or its values in between)."""
    _RENDERED.clear()


def _render(chart: str, max_bytes: int) -> Rendered:
    key = f"{os.path.realpath(chart)}\0{os.path.abspath(setting('config-root') or '.')}\0" \
          f"{json.dumps([_options(chart), setting('binary')], sort_keys=True)}"  # another configuration renders anew
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
        values, result.values, result.shadowed = _values(options, root, max_bytes)
        request = Request(values, options.get("release", DEFAULT_RELEASE), options.get("namespace", DEFAULT_NAMESPACE),
                          options.get("kube-version"), options.get("api-versions", ()), options.get("set", ()))
        outputs = render(archive, request, _configured_binary(root), _exclude_pattern(chart, root))
    except (RenderError, ReadError) as exc:
        result.error = exc.message
        return result
    result.missing = _missing_dependencies(files)
    packaged: dict[str, Packaged] | None = None
    for name, output in sorted(outputs.items()):
        rel = name.split("/", 1)[1] if "/" in name else name
        real = files.get(rel) or files.get(_unaliased(chart, rel))
        if real is not None:  # a subchart used under two aliases renders its template twice
            result.outputs[real] = f"{result.outputs[real]}\n---\n{output}" if real in result.outputs else output
        elif output.strip():
            if packaged is None:
                packaged = _packaged_templates(chart, files)
            found = packaged.get(rel)
            result.orphans[name] = Packaged(output, found.archive, found.member, found.text, found.keys,
                                            found.folders) if found else Packaged(output)
    return result


def _unaliased(chart: str, rel: str) -> str:
    """``rel`` as Helm renders it (``charts/<alias>/templates/x.yaml``) -> the file's path in the chart
    (``charts/<folder>/templates/x.yaml``): an alias names the dependency, whose folder holds its chart."""
    parts = rel.split("/")
    folder, out, i = chart, [], 0
    while i + 1 < len(parts) and parts[i] == "charts":
        name = next((d.get("name") for d in _dependencies(folder) if d.get("alias") == parts[i + 1]), parts[i + 1])
        sub = os.path.join(folder, "charts", str(name))
        if not os.path.isfile(os.path.join(sub, CHART_FILE)):
            return rel
        out += ["charts", str(name)]
        folder, i = sub, i + 2
    return "/".join(out + parts[i:])


def _packaged_templates(chart: str, files: dict[str, str]) -> dict[str, Packaged]:
    """The templates of the subcharts packaged as ``.tgz`` in a ``charts/`` folder of the chart, by
    the path Helm renders them at (``charts/<name or alias>/templates/x.yaml``), read from the
    archives in memory (never unpacked to disk)."""
    out: dict[str, Packaged] = {}
    for rel, real in sorted(files.items()):
        parent_rel, charts_dir = os.path.split(os.path.dirname(rel))
        if not rel.endswith(".tgz") or charts_dir != "charts":
            continue
        members = _archive_members(real)
        top = next((m.split("/", 1)[0] for m in members if m.count("/") == 1 and m.endswith("/" + CHART_FILE)), None)
        name = _chart_name(members.get(f"{top}/{CHART_FILE}", "")) if top else None
        if name is None:
            continue
        parent = os.path.join(chart, parent_rel) if parent_rel else chart
        folders, keys = _folder_chain(chart, parent)
        folder_rels = tuple(os.path.relpath(f, chart) for f in folders)
        for key in {name, *_aliases(parent, name)}:
            for member, text in members.items():
                inside = member[len(top) + 1:]
                if inside.startswith("templates/"):
                    at = f"{parent_rel}/charts/{key}/{inside}" if parent_rel else f"charts/{key}/{inside}"
                    out[at] = Packaged("", rel, member, text, (*keys, key), folder_rels)
    return out


def _archive_members(real: str) -> dict[str, str]:
    """The text files of a ``.tgz`` (at most MAX_CHART_BYTES in all), by their path in it; {} when unreadable."""
    out: dict[str, str] = {}
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(read_bytes(real, MAX_CHART_BYTES)), mode="r:*") as tar:
            for member in tar:
                total += member.size
                if total > MAX_CHART_BYTES:
                    return {}
                handle = tar.extractfile(member) if member.isfile() else None
                if handle is not None:
                    out[member.name.lstrip("./")] = handle.read().decode("utf-8", "replace")
    except (ReadError, OSError, tarfile.TarError, EOFError):
        return {}
    return out


def _exclude_pattern(chart: str, root: str) -> str:
    """What ``--exclude`` takes to leave the chart out: its path in the repository (no runner path), or
    its folder's name when no repository holds it."""
    real = os.path.realpath(chart)
    return os.path.relpath(real, root).replace(os.sep, "/") if real != root else os.path.basename(real)


def _configured_binary(root: str) -> str | None:
    """``[helm] binary`` as a path (relative to the configuration file; a bare name is looked up on
    ``PATH``). The configuration may come from the pull request under review: a program inside the
    repository (the chart's, or the configuration file's) is never run, nor one not named ``helm*``
    (a shell or ``env`` given Helm's arguments, some of which the configuration writes)."""
    configured = setting("binary")
    if not configured:
        return None
    base = setting("config-root") or "."
    path = os.path.join(base, configured) if "/" in configured or os.sep in configured else \
        shutil.which(configured) or configured
    real = os.path.realpath(path)
    if is_inside(real, root) or is_inside(real, run_root(base)):
        raise RenderError(f"[helm] binary {excerpt(configured)} lies inside the repository under review: isolint "
                          "never runs a program of the repository (name a helm installed outside it)")
    if not os.path.basename(path).lower().startswith("helm"):  # not /bin/sh, env, xargs ... with Helm's arguments
        raise RenderError(f"[helm] binary {excerpt(configured)} is not named helm: isolint runs only a program "
                          "named helm* (helm, helm3, helm-3.16 ...)")
    return path


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


def _values(options: dict[str, Any], root: str, max_bytes: int
            ) -> tuple[dict[str, Any], list[ValuesIndex], list[KeyPath]]:
    """The configured values files merged (``set`` goes to the renderer as it is), an index per file
    for related locations, and the key paths ``set`` gives (no file's line is theirs)."""
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
                merge(merged, doc)  # a YMap is a dict: JSON as it is
            break
        indexes.insert(0, ValuesIndex(path, text))
    shadowed = [path for expression in options.get("set", ()) for path in _set_paths(expression)]
    return merged, indexes, shadowed


def _set_paths(expression: str) -> list[KeyPath]:
    """The key paths a ``--set`` expression gives (list indices dropped), by Helm's own parser when the
    SDK is installed, else read from its ``key=`` parts. Only the related locations use them: a path
    too many leaves a finding without its values line, never with a wrong one."""
    try:
        import helm_python
    except (ImportError, OSError):
        helm_python = None
    if helm_python is not None:
        try:
            return _leaf_paths(helm_python.parse_set_string(expression), ())
        except helm_python.HelmError:  # malformed: the chart is not rendered, the renderer says why
            return []
    keys = re.findall(r"(?:^|,)([^=,]+)=", expression)
    return [tuple(part for part in re.sub(r"\[\d*\]", "", key).split(".") if part) for key in keys]


def _leaf_paths(node: Any, path: KeyPath) -> list[KeyPath]:
    if isinstance(node, dict) and node:
        return [p for key, value in node.items() for p in _leaf_paths(value, (*path, str(key)))]
    return [path]


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
        packaged = _packaged_source(source, root) if source and template is None else None
        if packaged is not None:
            folder, found = packaged
            found.output = chunk
            locate = _packaged_locator(source, found, model, folder, Rendered(), max_bytes)
            _parse_rendered(model, MappedReader(name, TEMPLATE, locate), chunk)
            continue
        if template is None:
            _parse_rendered(model, _ShiftedReader(name, first), chunk)
            continue
        path, template_text = template
        chart = chart_of(path)
        values = _values_chain(*_folder_chain(*(_spelled_like(path, c) for c in chart)), None, max_bytes) \
            if chart else None
        _parse_rendered(model, MappedReader(path, TEMPLATE, locator(chunk, path, template_text, values)), chunk)
    return model


def _template_file(source: str, root: str) -> tuple[str, str] | None:
    """The template a ``# Source:`` names (``<chart name>/templates/x.yaml``), as a path from the
    working folder: the path itself, without its first part when the working folder is the chart,
    or in a folder below (three levels at most) whose ``Chart.yaml`` has that name."""
    name, _, rest = source.partition("/")
    folders = _chart_folders(name)
    for path in (source, rest, *(os.path.join(folder, rest) for folder in folders),
                 *(os.path.join(folder, _unaliased(folder, rest)) for folder in folders)):  # an aliased subchart
        if path and os.path.isfile(path):
            try:
                return path, read_text(contained(path, root))
            except ReadError:
                return None
    return None


def _packaged_source(source: str, root: str) -> tuple[str, Packaged] | None:
    """The packaged subchart template a ``# Source:`` names, in a chart of that name below the
    working folder (see :func:`_template_file`): its chart folder and where it is in which archive."""
    name, _, rest = source.partition("/")
    for folder in _chart_folders(name):
        archives = {}
        for directory, _, names in os.walk(os.path.join(folder, "charts")):
            for archive in names:
                path = os.path.join(directory, archive)
                if archive.endswith(".tgz") and (real := inside(path, root)) is not None:
                    archives[os.path.relpath(path, folder).replace(os.sep, "/")] = real
        found = _packaged_templates(folder, archives).get(rest) if archives else None
        if found is not None:
            return folder, found
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
                found = _chart_name(text)
                if found:
                    found_here.setdefault(found, []).append(os.path.normpath(directory))
    return found_here.get(name, [])
