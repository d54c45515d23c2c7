"""A Compose project: the file, with what Compose reads alongside it, merged into one tree per document.

Stages 1 to 5 of the pipeline (:mod:`isolint.parsers.compose`): YAML with anchors and merges, values
interpolated from the environment over the ``.env`` file, each service's ``extends`` merged in (same
file or a local ``file:``), and the implicit override file merged into the first document. Stage 6,
each service onto the model, is :mod:`.service`. Linked files are read only inside the project's
root, and only as data.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ...model import FileModel, Format, Location, ParseError, Value, Volume
from ...sources import OUTSIDE, Outside, excerpt, project_root, read_linked
from ...yamlsource import YMap, YSeq, load_all
from ..fields import _describe
from .build import URL_CONTEXT
from .files import override_file_for
from .interpolation import Interpolated, InterpolationError, Lookup, interpolate, read_dotenv
from .merge import RESET, keep_origin, merge_projects, merge_services, unique_entries
from .reader import ComposeReader, ServiceReader
from .service import service_workloads
from .syntax import split_volume

MAX_READ_BYTES = 4 * 1024 * 1024
MAX_EXTENDS_DEPTH = 32

Services = Mapping[str, tuple[YMap, Location]]  # name -> (service, location of its key)


# -- positioned tree with interpolated values ------------------------------------------------------

class _TreeCopier:
    """Copies a loaded document, interpolating every string value (never keys).

    Positions of a file other than the main one get the path as a third element, so locations of
    values merged in by ``extends: {file: ...}`` name the file they came from. Shared (aliased)
    nodes are copied once and stay shared, so an alias bomb stays small. Duplicate keys are
    reported once per place.
    """

    def __init__(self, lookup: Lookup, report: Callable[[str, str, tuple], None], foreign_path: str | None,
                 lines: tuple[str, ...]) -> None:
        self.lookup = lookup
        self.report = report
        self.foreign = foreign_path
        self.lines = lines
        self.memo: dict[int, Any] = {}

    def pos(self, pos: tuple) -> tuple:
        return (pos[0], pos[1], self.foreign) if self.foreign else pos

    def copy(self, node: Any, where: str, pos: tuple) -> Any:
        if isinstance(node, str):
            return self.text(node, where, pos)
        if not isinstance(node, (YMap, YSeq)):
            return node
        if id(node) in self.memo:
            return self.memo[id(node)]
        if isinstance(node, YSeq):
            seq = YSeq()
            seq.pos = self.pos(node.pos)
            self.memo[id(node)] = seq
            for i, item in enumerate(node):
                item_pos = self.pos(node.pos_of(i))
                seq.item_pos.append(item_pos)
                seq.append(self.copy(item, f"{where}[{i}]", item_pos))
            return seq
        mapping = YMap()
        mapping.pos = self.pos(node.pos)
        mapping.tags = dict(node.tags)
        self.memo[id(node)] = mapping
        for key, pos_of_dup in node.duplicates:
            self.report(f"{where}.{key}" if where else str(key),
                        f"duplicate key '{key}' (Compose rejects duplicate keys)",
                        self.pos(pos_of_dup))
        for key, value in node.items():
            if node.tags.get(key) == RESET:  # only the tag matters: the key is cleared when files merge
                continue
            key_pos = self.pos(node.pos_of(key))
            if where == "services" and not isinstance(key, str):
                key = self.written(key, key_pos)
            mapping.key_pos[key] = key_pos
            mapping[key] = self.copy(value, f"{where}.{key}" if where else str(key), key_pos)
        return mapping

    def written(self, key: Any, pos: tuple) -> str:
        """A service name as written: YAML 1.1 reads ``off:`` as False, Compose (YAML 1.2) as ``off``."""
        line = self.lines[pos[0] - 1][pos[1] - 1:] if 0 < pos[0] <= len(self.lines) else ""
        match = re.match(r"[^\s:#'\"{}\[\],]+(?=\s*:)", line)
        return match.group() if match else str(key)

    def text(self, text: str, where: str, pos: tuple) -> str:
        if "$" not in text:
            return text
        try:
            value, certain = interpolate(text, self.lookup)
        except InterpolationError as exc:
            self.report(where, f"{exc} in {excerpt(text)}", pos)
            return text
        if value == text and certain:
            return text
        return Interpolated(value, text, certain)


class Project:
    """One Compose file and what Compose reads with it: its ``.env``, the files its services extend,
    its implicit override file. :meth:`parse` gives the file's model."""

    def __init__(self, path: str, text: str, environ: Mapping[str, str] | None, root: str | None = None) -> None:
        self.path = path
        self.text = text
        self.lines = tuple(text.splitlines())
        self.directory = os.path.dirname(path)
        self.root = root or project_root(path)  # linked files are read only inside it
        self.outside: set[str] = set()  # linked files refused: outside the root
        self.reader = ComposeReader(path, self.lines)
        # never os.environ unless the caller passes it (the --interpolate-process-env opt-in)
        shell = {} if environ is None else environ
        self.env: dict[str, str] = {**self._dotenv(shell), **shell}

    def read_linked(self, path: str) -> str | None:
        """A file this one names, read inside the repository only (a link out is reported once, by
        its own name, and never opened: :mod:`isolint.sources`)."""
        try:
            return read_linked(path, self.root, MAX_READ_BYTES)
        except Outside:
            path = os.path.normpath(path)
            if path not in self.outside:
                self.outside.add(path)
                self.reader.errors.append(ParseError(path, OUTSIDE))
            return None

    def at(self, where: str) -> ServiceReader:
        """The project's reader at a place of the file (``services.web``)."""
        return ServiceReader(self.reader, where)

    # -- entry ---------------------------------------------------------------------------------------
    def parse(self) -> FileModel:
        model = FileModel(self.path, Format.COMPOSE, lines=self.lines)
        documents = self._documents(model)
        boundaries = sorted(_entry_lines(documents))
        for index, root in enumerate(documents):
            try:
                project = self._with_extends(root, self.path)
                if index == 0:
                    project = self._with_override(project)
                model.workloads.extend(service_workloads(self, project, boundaries))
            except Exception as exc:  # a parser bug must not stop the run
                self.reader.error("services", f"could not be read ({type(exc).__name__}: {exc})",
                                  self.reader.loc(root.pos))
        model.errors.extend(self.reader.errors)
        model.errors.sort(key=lambda e: (e.path != self.path, e.path, e.line or 0, e.column or 0))
        return model

    def _documents(self, model: FileModel) -> list[YMap]:
        documents = []
        for document, error in load_all(self.text):
            if error is not None:
                model.errors.append(ParseError(self.path, f"invalid Compose file: {error.message}",
                                               error.line, error.column))
                continue
            if document is None:
                continue
            if not isinstance(document, YMap):
                model.errors.append(ParseError(
                    self.path, f"invalid Compose file: expected a mapping at the top level, got {_describe(document)}",
                    *getattr(document, "pos", (1, 1))))
                continue
            documents.append(self._copy(document, None))
        return documents

    def _copy(self, document: YMap, foreign_path: str | None) -> YMap:
        copier = _TreeCopier(self.env.get, self._report, foreign_path, self.reader.lines[foreign_path or self.path])
        return unique_entries(copier.copy(document, "", document.pos))

    def _report(self, where: str, message: str, pos: tuple) -> None:
        self.reader.error(where, message, self.reader.loc(pos))

    def _dotenv(self, shell: Mapping[str, str]) -> dict[str, str]:
        text = self.read_linked(os.path.join(self.directory, ".env"))
        return read_dotenv(text, shell) if text is not None else {}

    def source_lines(self, loc: Location, boundaries: list[int]) -> tuple[int, int] | None:
        """The lines a service written at ``loc`` spans in this file (None for another file's)."""
        if loc.path != self.path:
            return None
        later = [line for line in boundaries if line > loc.line]
        end = (later[0] - 1) if later else len(self.lines)
        while end > loc.line and (not self.lines[end - 1].strip() or self.lines[end - 1].lstrip().startswith("#")):
            end -= 1
        return (loc.line, max(end, loc.line))

    # -- the implicit override file ------------------------------------------------------------------
    def _with_override(self, project: YMap) -> YMap:
        """The project with the sibling override file merged in, when Compose would merge one."""
        override_path = override_file_for(self.path)
        if override_path is None:
            return project
        text = self.read_linked(override_path)
        root = self._foreign_root(override_path, text) if text is not None else None
        if root is None:
            return project
        override = self._with_extends(root, override_path, self.service_maps(project) or {})
        return merge_projects(project, override)

    def _foreign_root(self, path: str, text: str) -> YMap | None:
        """Another local Compose file's first mapping document (empty when it has none), interpolated
        with this project's environment and positioned in its own file; None when it is broken."""
        self.reader.lines[path] = tuple(text.splitlines())
        for document, error in load_all(text):
            if error is not None:
                self.reader.errors.append(ParseError(path, f"invalid Compose file: {error.message}",
                                                     error.line, error.column))
                return None
            if isinstance(document, YMap):
                return self._copy(document, path)
        return YMap()

    # -- services and extends ------------------------------------------------------------------------
    def service_maps(self, root: YMap) -> dict[str, tuple[YMap, Location]] | None:
        """The document's services by name (None when it has no ``services``); a service that is not
        a mapping is an error."""
        if "services" not in root:
            return None
        services = root["services"]
        loc = self.reader.key_loc(root, "services")
        if not isinstance(services, YMap):
            self.reader.error("services", f"expected a mapping of services, got {_describe(services)}", loc)
            return None
        out = {}
        for name, svc in services.items():
            svc_loc = self.reader.key_loc(services, name)
            if not isinstance(svc, YMap):
                self.reader.error(f"services.{name}", f"expected a mapping, got {_describe(svc)}", svc_loc)
                continue
            out[str(name)] = (svc, svc_loc)
        return out

    def _with_extends(self, root: YMap, path: str, fallback: Services | None = None) -> YMap:
        """The root with every service's ``extends`` merged in. ``fallback``: services an override
        file may extend without defining them (those of the file it overrides)."""
        services = self.service_maps(root)
        if services is None:
            return root
        known = {**(fallback or {}), **services}
        resolved = YMap()
        resolved.pos = root["services"].pos
        resolved.tags = dict(root["services"].tags)
        for name, (svc, _) in services.items():
            resolved[name] = self._extended(name, svc, known, path, ())
            resolved.key_pos[name] = root["services"].pos_of(name)
        project = _without(root, "services")
        project["services"] = resolved
        project.key_pos["services"] = root.pos_of("services")
        return project

    def _extended(self, name: str, svc: YMap, services: Services, path: str,
                  chain: tuple[tuple[str, str], ...]) -> YMap:
        """The service with its ``extends`` chain merged in (referenced first, this service wins)."""
        if "extends" not in svc or svc["extends"] is None:
            return svc
        where = f"services.{name}.extends"
        ext_loc = self.reader.key_loc(svc, "extends")
        reference = self._extends_reference(svc["extends"], where, ext_loc)
        own = _without(svc, "extends")
        if reference is None:
            return own
        base_name, file_name = reference
        chain = (*chain, (path, name))
        if len(chain) > MAX_EXTENDS_DEPTH:
            self.reader.error(where, "extends chain too long", ext_loc)
            return own
        if file_name is not None:
            base_path = os.path.normpath(os.path.join(os.path.dirname(path), file_name))
            base_services = self._foreign_services(base_path, where, ext_loc)
        else:
            base_path, base_services = path, services
        if base_services is None:
            return own
        if (base_path, base_name) in chain:
            self.reader.error(where, f"extends cycle through service '{base_name}'", ext_loc)
            return own
        if base_name not in base_services:
            self.reader.error(where, f"service '{base_name}' is not defined in {base_path}", ext_loc)
            return own
        base, _ = base_services[base_name]
        base = self._extended(base_name, base, base_services, base_path, chain)
        offset = os.path.relpath(os.path.dirname(base_path) or ".", os.path.dirname(path) or ".")
        return merge_services(_rebased(base, offset) if offset != "." else base, own)

    def _extends_reference(self, raw: Any, where: str, loc: Location) -> tuple[str, str | None] | None:
        if isinstance(raw, str):
            return str(raw), None
        if isinstance(raw, YMap) and isinstance(raw.get("service"), str):
            file_name = raw.get("file")
            return str(raw["service"]), str(file_name) if isinstance(file_name, str) and file_name else None
        self.reader.error(where, f"expected a service name or {{service, file}}, got {_describe(raw)}", loc)
        return None

    def _foreign_services(self, path: str, where: str, loc: Location) -> dict[str, tuple[YMap, Location]] | None:
        text = self.read_linked(path)
        if text is None:
            if os.path.normpath(path) not in self.outside:
                self.reader.error(where, f"cannot read {path}", loc)
            return None
        root = self._foreign_root(path, text)
        if root is None:
            return None
        services = root.get("services")
        if not isinstance(services, YMap):
            return {}
        return {str(k): (v, self.reader.key_loc(services, k)) for k, v in services.items() if isinstance(v, YMap)}

    # -- top-level volumes ---------------------------------------------------------------------------
    def _top_level(self, root: YMap, key: str) -> YMap | None:
        value = root.get(key)
        if value is not None and not isinstance(value, YMap):
            self.reader.error(key, f"expected a mapping, got {_describe(value)}", self.reader.key_loc(root, key))
            return None
        return value

    def top_level_volumes(self, root: YMap) -> dict[str, Volume]:
        volumes = self._top_level(root, "volumes")
        if volumes is None:
            return {}
        out = {}
        for name, spec in volumes.items():
            loc = self.reader.key_loc(volumes, name)
            out[str(name)] = Volume(loc=loc, name=Value(str(name), loc), type=Value("volume", loc),
                                    host_path=_disguised_bind(self.at(f"volumes.{name}"), spec))
        return out


    def top_level_files(self, root: YMap, kind: str) -> dict[str, Value[str]]:
        """The host files of top-level ``secrets`` or ``configs`` that name one (``file: PATH``), by name."""
        entries = self._top_level(root, kind)
        if entries is None:
            return {}
        out = {}
        for name, spec in entries.items():
            path = self.at(f"{kind}.{name}").text(spec, "file") if isinstance(spec, YMap) else None
            if path is not None and path.value.strip():
                out[str(name)] = path
        return out


def _disguised_bind(r: ServiceReader, spec: Any) -> Value[str] | None:
    """The host path of a local volume with ``driver_opts: {type: none, o: bind, device: PATH}``."""
    if not isinstance(spec, YMap):
        return None
    driver = spec.get("driver")
    if driver not in (None, "local"):
        return None
    opts = r.mapping(spec, "driver_opts")
    if opts is None or "device" not in opts:
        return None
    options = {o.strip() for o in str(opts.get("o") or "").split(",")}
    if not options & {"bind", "rbind"}:
        return None
    return r.under(".driver_opts").text(opts, "device")


def _rebased(svc: YMap, offset: str) -> YMap:
    """A service extended from a file in another folder, its relative host paths (bind sources, the
    build context) made relative to the extending file's folder, as Compose resolves them:
    ``./data`` in ``sub/x.yaml`` is ``./sub/data``."""
    out = _without(svc, "")
    volumes = svc.get("volumes")
    if isinstance(volumes, YSeq):
        rebased = YSeq()
        rebased.pos, rebased.item_pos = volumes.pos, list(volumes.item_pos)
        rebased.extend(_rebased_volume(item, offset) for item in volumes)
        out["volumes"] = rebased
    build = svc.get("build")
    if isinstance(build, str):
        out["build"] = _rebased_path(build, offset)
    elif isinstance(build, YMap) and isinstance(build.get("context"), str):
        context = _without(build, "")
        context["context"] = _rebased_path(build["context"], offset)
        out["build"] = context
    return out


def _rebased_volume(item: Any, offset: str) -> Any:
    if isinstance(item, str):
        try:
            source = split_volume(item)[0]
        except ValueError:
            return item
        if source is None or not source.startswith("."):
            return item
        return keep_origin(item, _rebased_path(source, offset) + item[len(source):])
    if isinstance(item, YMap) and item.get("type") == "bind" and isinstance(item.get("source"), str):
        mount = _without(item, "")
        mount["source"] = _rebased_path(item["source"], offset)
        return mount
    return item


def _rebased_path(path: str, offset: str) -> str:
    """``path`` relative to a folder ``offset`` away; absolute, home, Windows, variable and remote paths kept."""
    if not path or path.startswith(("/", "~", "$", "\\")) or re.match(URL_CONTEXT, path) or \
            (len(path) >= 2 and path[1] == ":"):
        return path
    rebased = os.path.normpath(os.path.join(offset, path))
    return keep_origin(path, rebased if rebased.startswith("..") or rebased == "." else "./" + rebased)


def _entry_lines(documents: Iterable[YMap]) -> set[int]:
    """Lines where a top-level key or a service starts: the ends of the services before them."""
    lines = set()
    for root in documents:
        lines.update(root.pos_of(k)[0] for k in root if len(root.pos_of(k)) == 2)
        services = root.get("services")
        if isinstance(services, YMap):
            lines.update(services.pos_of(k)[0] for k in services if len(services.pos_of(k)) == 2)
    return lines


def _without(mapping: YMap, key: str) -> YMap:
    copy = YMap()
    copy.pos = mapping.pos
    copy.tags = dict(mapping.tags)
    for k, v in mapping.items():
        if k != key:
            copy[k] = v
            copy.key_pos[k] = mapping.pos_of(k)
    return copy
