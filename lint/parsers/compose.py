"""Docker Compose files into the shared model: one :class:`Workload` per service.

The loading pipeline follows the rule catalogue (§2.2), in this order:

1. YAML with anchors and ``<<`` merges resolved by :mod:`isolint.yamlsource` (merged keys keep the
   location they were written at, inside the anchor); duplicate keys are reported.
2. Interpolation of values (never keys) from the variables the user gave (``--env-file`` files and,
   only with the ``--interpolate-process-env`` opt-in, the process environment) over the ``.env``
   file next to the Compose file. The process environment is never read by default: on CI it holds
   secrets, and a pull request could make a finding print them (docs/security.md). A value that
   used an unset variable is kept with ``certain=False``.
3. ``extends`` (same file or a local ``file:``), merged as Compose merges it.
4. The implicit override file: a base file Compose would load without ``-f`` (``compose.yaml``,
   ``docker-compose.yml`` ..., the first found in its folder) is merged with the override file
   Compose would merge into it (``compose.override.yml`` ..., the first found beside it), read
   here as data with the same environment. Merge rules, ``!reset`` and ``!override``:
   :mod:`.compose_merge`. Every value keeps the file it was written in, so a finding caused by the
   override points into the override. The loader does not lint such an override again on its own
   when its base is in the same run (:func:`isolint.loader.overrides_with_base`); alone, it is
   linted as itself. Explicit ``-f`` stacks and ``COMPOSE_FILE`` are not modelled.
5. ``include`` is not followed: each included file is its own Compose project and is linted on
   its own where it lies (when it is under a linted path). Nothing is ever fetched (``oci://``,
   ``git`` includes, remote ``build`` contexts).
6. Normalisation of each service onto the model; ``service:`` namespace joins resolved
   transitively; lifecycle hooks (``post_start``, ``pre_stop``, ``pre_start``) kept with their own
   ``privileged``/``user``; ``build`` linked to its Dockerfile when that file is on disk or inline
   (an inline Dockerfile's positions are moved into the Compose file).

Nothing here raises on bad input: every problem becomes a :class:`ParseError` and whatever can
still be read is read. Files are only ever read as data.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..model import (
    Build,
    Container,
    Device,
    FileModel,
    Format,
    Hook,
    Image,
    Instruction,
    KeyValue,
    Location,
    Mount,
    NamespaceJoin,
    ParseError,
    Port,
    Profile,
    Resource,
    Role,
    SecurityContext,
    SELinux,
    Value,
    Volume,
    Workload,
)
from ..sources import OUTSIDE, Outside, project_root, read_linked
from ..yamlsource import YMap, YSeq, load_all
from .compose_files import override_file_for
from .compose_interpolation import (
    Interpolated,
    InterpolationError,
    Lookup,
    interpolate,
    read_dotenv,
)
from .compose_merge import RESET, merge_projects, merge_services
from .compose_syntax import is_host_path, parse_port_range, split_port, split_volume
from .dockerfile import parse_dockerfile
from .fields import BOOL_WORDS, Reader, _describe

MAX_READ_BYTES = 4 * 1024 * 1024
MAX_EXTENDS_DEPTH = 32

TOP_LEVEL_KEYS = frozenset({"version", "name", "include", "services", "networks", "volumes", "secrets", "configs",
                            "models"})

# Go strconv.ParseBool, which the daemon uses for ``no-new-privileges`` and ``writable-cgroups``.
GO_BOOLS = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
            "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False}

PROPAGATIONS = frozenset({"shared", "rshared", "slave", "rslave", "private", "rprivate"})
HOOK_KEYS = ("pre_start", "post_start", "pre_stop")  # pre_start: in the spec's prose, not yet its schema
NAMESPACE_KEYS = {"network": "network_mode", "pid": "pid", "ipc": "ipc"}
URL_CONTEXT = r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://|git@|github\.com/)"
CDI_NAME = r"^[A-Za-z0-9][A-Za-z0-9.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*=\S+$"
# YAML 1.1 reads unquoted 22:22 as the base-60 integer 1342; Compose (YAML 1.2) keeps the text.
SEXAGESIMAL = r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+"


# -- positioned tree with interpolated values ------------------------------------------------------

class _TreeCopier:
    """Copies a loaded document, interpolating every string value (never keys).

    Positions of a file other than the main one get the path as a third element, so locations of
    values merged in by ``extends: {file: ...}`` name the file they came from. Shared (aliased)
    nodes are copied once and stay shared, so an alias bomb stays small. Duplicate keys are
    reported once per place.
    """

    def __init__(self, lookup: Lookup, report: Callable[[str, str, tuple], None], foreign_path: str | None) -> None:
        self.lookup = lookup
        self.report = report
        self.foreign = foreign_path
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
            mapping.key_pos[key] = key_pos
            mapping[key] = self.copy(value, f"{where}.{key}" if where else str(key), key_pos)
        return mapping

    def text(self, text: str, where: str, pos: tuple) -> str:
        if "$" not in text:
            return text
        try:
            value, certain = interpolate(text, self.lookup)
        except InterpolationError as exc:
            self.report(where, f"{exc} in {text!r}", pos)
            return text
        if value == text and certain:
            return text
        return Interpolated(value, text, certain)


# -- typed reads that keep interpolation certainty --------------------------------------------------

def _origin(raw: Any) -> tuple[bool, str | None]:
    if isinstance(raw, Interpolated):
        return raw.certain, raw.raw
    return True, None


def _is_uncertain(raw: Any) -> bool:
    return isinstance(raw, Interpolated) and not raw.certain


def _scalar_text(raw: Any) -> str | None:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, (int, float)):
        return str(raw)
    if isinstance(raw, str):
        return str(raw)
    return None


def _number_or_name(text: str) -> int | str:
    stripped = text.strip()
    return int(stripped) if stripped.isdigit() else stripped


class ComposeReader(Reader):
    """A :class:`Reader` whose values carry interpolation certainty and per-file locations."""

    def __init__(self, path: str, lines: tuple[str, ...]) -> None:
        super().__init__(path, "Compose file")
        self.lines: dict[str, tuple[str, ...]] = {path: lines}
        self.seen: set[ParseError] = set()

    def loc(self, pos: tuple) -> Location:
        return Location(pos[2] if len(pos) > 2 else self.path, pos[0], pos[1])

    def error(self, where: str, message: str, loc: Location | None) -> None:
        """Record an error once (a key read by two normalisation steps is reported once)."""
        error = ParseError(loc.path if loc else self.path, f"invalid Compose file: {where}: {message}",
                           loc.line if loc else None, loc.column if loc else None)
        if error not in self.seen:
            self.seen.add(error)
            self.errors.append(error)

    def value(self, raw: Any, loc: Location, after_key: bool = False) -> Value[str] | None:
        """Any scalar as text, with certainty and source spelling when interpolated.

        ``after_key``: ``loc`` is the key of a mapping entry, not the scalar itself.
        """
        if isinstance(raw, int) and not isinstance(raw, bool):
            written = self._base60_text(raw, loc, after_key)
            if written is not None:
                return Value(written, loc)
        text = _scalar_text(raw)
        if text is None:
            return None
        certain, source = _origin(raw)
        return Value(text, loc, certain, source)

    def _base60_text(self, number: int, loc: Location, after_key: bool) -> str | None:
        """The source text of an integer YAML 1.1 read as base 60 (``22:22``), else None."""
        lines = self.lines.get(loc.path)
        if lines is None or not 0 < loc.line <= len(lines) or loc.column is None:
            return None
        rest = lines[loc.line - 1][loc.column - 1:]
        if after_key:
            rest = rest.partition(":")[2].lstrip()
        match = re.match(SEXAGESIMAL, rest)
        if match is None:
            return None
        sign = -1 if match.group().startswith("-") else 1
        total = 0
        for part in match.group().lstrip("+-").split(":"):
            total = total * 60 + int(part.replace("_", ""))
        return match.group() if sign * total == number else None

    def text(self, parent: Any, key: str, where: str) -> Value[str] | None:
        if not isinstance(parent, YMap) or parent.get(key) is None:
            return None
        raw = parent[key]
        loc = self.key_loc(parent, key)
        result = self.value(raw, loc, after_key=True)
        if result is None:
            self.error(f"{where}.{key}", f"expected a string, got {_describe(raw)}", loc)
        return result

    def flag(self, parent: Any, key: str, where: str) -> Value[bool] | None:
        """A Compose boolean: true/false or the strings true|y|yes|on|false|n|no|off in any case."""
        if not isinstance(parent, YMap) or parent.get(key) is None:
            return None
        return self.to_bool(parent[key], self.key_loc(parent, key), f"{where}.{key}")

    def to_bool(self, raw: Any, loc: Location, where: str) -> Value[bool] | None:
        if isinstance(raw, bool):
            return Value(raw, loc)
        certain, source = _origin(raw)
        if isinstance(raw, str) and raw.strip().lower() in BOOL_WORDS:
            return Value(BOOL_WORDS[raw.strip().lower()], loc, certain, source or str(raw))
        if not _is_uncertain(raw):  # an unset variable is unknown here, not wrong
            shown = f" (from {source!r})" if source else ""
            self.error(where, f"expected true or false, got {_describe(raw)}{shown}", loc)
        return None

    def items(self, parent: Any, key: str, where: str, single: bool = False) -> list[tuple[Any, Location, bool]]:
        """Items of a list as ``(item, location, location is a key)``.

        ``single``: Compose also takes one string for this list. Otherwise a lone scalar is
        reported, and still read so that what it says is judged.
        """
        if not isinstance(parent, YMap) or parent.get(key) is None:
            return []
        raw = parent[key]
        loc = self.key_loc(parent, key)
        if isinstance(raw, YSeq):
            return [(item, self.item_loc(raw, i), False) for i, item in enumerate(raw) if item is not None]
        if isinstance(raw, YMap):
            self.error(f"{where}.{key}", f"expected a list, got {_describe(raw)}", loc)
            return []
        if not single:
            self.error(f"{where}.{key}", f"expected a list, got {_describe(raw)}", loc)
        return [(raw, loc, True)]

    def texts(self, parent: Any, key: str, where: str, single: bool = False) -> tuple[Value[str], ...]:
        out = []
        for i, (item, loc, after_key) in enumerate(self.items(parent, key, where, single)):
            value = self.value(item, loc, after_key)
            if value is None:
                self.error(f"{where}.{key}[{i}]", f"expected a string, got {_describe(item)}", loc)
            else:
                out.append(value)
        return tuple(out)

    def key_values(self, parent: Any, key: str, where: str,
                   bare: Callable[[str], str | None] | None = None) -> tuple[KeyValue, ...]:
        """A Compose ``list_or_dict``: a mapping, or a list of ``"key=value"`` strings.

        ``bare`` gives the value of a key written without one (``- HOME`` in ``environment``);
        such an entry is kept with an uncertain empty value when ``bare`` has nothing.
        """
        if not isinstance(parent, YMap) or parent.get(key) is None:
            return ()
        raw = parent[key]
        if isinstance(raw, YMap):
            return tuple(self._mapping_pairs(raw, f"{where}.{key}", bare))
        if isinstance(raw, YSeq):
            return tuple(self._list_pairs(raw, f"{where}.{key}", bare))
        self.error(f"{where}.{key}", f"expected a mapping or a list of 'key=value', got {_describe(raw)}",
                   self.key_loc(parent, key))
        return ()

    def _mapping_pairs(self, mapping: YMap, where: str, bare: Callable[[str], str | None] | None) -> Iterable[KeyValue]:
        for k, v in mapping.items():
            loc = self.key_loc(mapping, k)
            name = Value(str(k), loc)
            if v is None:
                yield KeyValue(name, self._bare_value(str(k), loc, bare))
                continue
            value = self.value(v, loc, after_key=True)
            if value is None:
                self.error(f"{where}.{k}", f"expected a string, got {_describe(v)}", loc)
                continue
            yield KeyValue(name, value)

    def _list_pairs(self, seq: YSeq, where: str, bare: Callable[[str], str | None] | None) -> Iterable[KeyValue]:
        for i, item in enumerate(seq):
            loc = self.item_loc(seq, i)
            if item is None:
                continue
            text = self.value(item, loc)
            if text is None:
                self.error(f"{where}[{i}]", f"expected 'key=value', got {_describe(item)}", loc)
                continue
            name, sep, rest = text.value.partition("=")
            if not sep:
                yield KeyValue(Value(name, loc, text.certain), self._bare_value(name, loc, bare))
            else:
                yield KeyValue(Value(name, loc, text.certain), Value(rest, loc, text.certain, text.text))

    @staticmethod
    def _bare_value(name: str, loc: Location, bare: Callable[[str], str | None] | None) -> Value[str]:
        found = bare(name) if bare else None
        return Value(found, loc) if found is not None else Value("", loc, certain=False)


# -- the parser ------------------------------------------------------------------------------------

@dataclasses.dataclass
class _Document:
    root: YMap
    services: dict[str, tuple[YMap, Location]]  # after extends; name -> (service, service key loc)
    volumes: dict[str, Volume]


class ComposeParser:
    def _read_linked(self, path: str) -> str | None:
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

    def __init__(self, path: str, text: str, environ: Mapping[str, str] | None) -> None:
        self.path = path
        self.text = text
        self.lines = tuple(text.splitlines())
        self.directory = os.path.dirname(path)
        self.root = project_root(path)  # linked files are read only inside it
        self.outside: set[str] = set()  # linked files refused: outside the root
        self.reader = ComposeReader(path, self.lines)
        # never os.environ unless the caller passes it (the --interpolate-process-env opt-in)
        shell = {} if environ is None else environ
        self.env: dict[str, str] = {**self._dotenv(shell), **shell}

    # -- entry ----------------------------------------------------------------------------
    def parse(self) -> FileModel:
        model = FileModel(self.path, Format.COMPOSE, lines=self.lines)
        documents = self._documents(model)
        boundaries = sorted(_entry_lines(documents))
        for index, root in enumerate(documents):
            try:
                project = self._with_extends(root, self.path)
                if index == 0:
                    project = self._with_override(project)
                model.workloads.extend(self._workloads(project, boundaries))
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
        copier = _TreeCopier(self.env.get, self._report, foreign_path)
        return copier.copy(document, "", document.pos)

    def _report(self, where: str, message: str, pos: tuple) -> None:
        self.reader.error(where, message, self.reader.loc(pos))

    def _dotenv(self, shell: Mapping[str, str]) -> dict[str, str]:
        text = self._read_linked(os.path.join(self.directory, ".env"))
        return read_dotenv(text, shell) if text is not None else {}

    # -- the implicit override file ---------------------------------------------------------------
    def _with_override(self, project: YMap) -> YMap:
        """The project with the sibling override file merged in, when Compose would merge one."""
        override_path = override_file_for(self.path)
        if override_path is None:
            return project
        text = self._read_linked(override_path)
        root = self._foreign_root(override_path, text) if text is not None else None
        if root is None:
            return project
        override = self._with_extends(root, override_path, self._service_maps(project) or {})
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

    # -- services -----------------------------------------------------------------------------
    def _with_extends(self, root: YMap, path: str,
                      fallback: Mapping[str, tuple[YMap, Location]] | None = None) -> YMap:
        """The root with every service's ``extends`` merged in. ``fallback``: services an override
        file may extend without defining them (those of the file it overrides)."""
        services = self._service_maps(root)
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

    def _workloads(self, root: YMap, boundaries: list[int]) -> list[Workload]:
        resolved = self._service_maps(root)
        if resolved is None:
            return []
        volumes = self._top_level_volumes(root)
        document = _Document(root, resolved, volumes)
        modes = {name: self._namespace_modes(name, svc) for name, (svc, _) in resolved.items()}
        workloads = []
        for name, (svc, loc) in resolved.items():
            try:
                workloads.append(self._workload(name, svc, loc, document, modes, boundaries))
            except Exception as exc:  # one service must not drop the others
                self.reader.error(f"services.{name}", f"could not be read ({type(exc).__name__}: {exc})", loc)
        return workloads

    def _service_maps(self, root: YMap) -> dict[str, tuple[YMap, Location]] | None:
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

    def _workload(self, name: str, svc: YMap, loc: Location, document: _Document,
                  modes: dict[str, dict[str, Value[str]]], boundaries: list[int]) -> Workload:
        where = f"services.{name}"
        r = self.reader
        security, security_opt = self._security(svc, where, loc)
        container = Container(
            loc=loc,
            role=Role.CONTAINER,
            name=Value(name, loc),
            image=r.text(svc, "image", where),
            security=security,
            ports=self._ports(svc, where),
            mounts=self._mounts(svc, where, document.volumes),
            devices=self._devices(svc, where),
            command=self._command(svc, "entrypoint", where),
            args=self._command(svc, "command", where),
            env=r.key_values(svc, "environment", where, bare=self.env.get),
            limits=self._resources(svc, where, "limits"),
            requests=self._resources(svc, where, "reservations"),
            hooks=self._hooks(svc, where),
        )
        build = self._build(svc, where)
        image = self._linked_image(build) if build is not None else None
        target = build.target.value if build is not None and build.target is not None else None
        return Workload(
            format=Format.COMPOSE,
            resource=Resource("ComposeService", name),
            loc=loc,
            containers=(container,),
            labels=r.key_values(svc, "labels", where),
            host_network=self._host_namespace(name, "network", modes, ()),
            host_pid=self._host_namespace(name, "pid", modes, ()),
            host_ipc=self._host_namespace(name, "ipc", modes, ()),
            host_uts=self._is_host(svc, "uts", where),
            host_cgroup=self._is_host(svc, "cgroup", where),
            host_users=self._is_host(svc, "userns_mode", where),
            userns_mode=r.text(svc, "userns_mode", where),
            namespace_joins=self._namespace_joins(modes[name]),
            runtime=r.text(svc, "runtime", where),
            os=self._platform_os(svc, where),
            cgroup_parent=r.text(svc, "cgroup_parent", where),
            volumes_from=r.texts(svc, "volumes_from", where),
            use_api_socket=r.flag(svc, "use_api_socket", where),
            device_cgroup_rules=r.texts(svc, "device_cgroup_rules", where),
            security_opt=security_opt,
            healthcheck=self._healthcheck_test(svc, where),
            healthcheck_disabled=self._healthcheck_disabled(svc, where),
            isolation=r.text(svc, "isolation", where),
            profiles=r.texts(svc, "profiles", where),
            extensions=self._extensions(document.root) + self._extensions(svc, service_level=True),
            build=build,
            image=image,
            target_stage=image.target(target) if image is not None else None,
            source_lines=self._source_lines(loc, boundaries),
        )

    def _source_lines(self, loc: Location, boundaries: list[int]) -> tuple[int, int] | None:
        if loc.path != self.path:
            return None
        later = [line for line in boundaries if line > loc.line]
        end = (later[0] - 1) if later else len(self.lines)
        while end > loc.line and (not self.lines[end - 1].strip() or self.lines[end - 1].lstrip().startswith("#")):
            end -= 1
        return (loc.line, max(end, loc.line))

    # -- extends ------------------------------------------------------------------------------
    def _extended(self, name: str, svc: YMap, services: Mapping[str, tuple[YMap, Location]], path: str,
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
        return merge_services(base, own)

    def _extends_reference(self, raw: Any, where: str, loc: Location) -> tuple[str, str | None] | None:
        if isinstance(raw, str):
            return str(raw), None
        if isinstance(raw, YMap) and isinstance(raw.get("service"), str):
            file_name = raw.get("file")
            return str(raw["service"]), str(file_name) if isinstance(file_name, str) and file_name else None
        self.reader.error(where, f"expected a service name or {{service, file}}, got {_describe(raw)}", loc)
        return None

    def _foreign_services(self, path: str, where: str, loc: Location) -> dict[str, tuple[YMap, Location]] | None:
        text = self._read_linked(path)
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

    # -- top-level volumes --------------------------------------------------------------------
    def _top_level_volumes(self, root: YMap) -> dict[str, Volume]:
        volumes = self.reader.mapping(root, "volumes", "")
        if volumes is None:
            return {}
        out = {}
        for name, spec in volumes.items():
            loc = self.reader.key_loc(volumes, name)
            out[str(name)] = Volume(loc=loc, name=Value(str(name), loc), type=Value("volume", loc),
                                    host_path=self._disguised_bind(spec, f"volumes.{name}"))
        return out

    def _disguised_bind(self, spec: Any, where: str) -> Value[str] | None:
        """The host path of a local volume with ``driver_opts: {type: none, o: bind, device: PATH}``."""
        if not isinstance(spec, YMap):
            return None
        driver = spec.get("driver")
        if driver not in (None, "local"):
            return None
        opts = self.reader.mapping(spec, "driver_opts", where)
        if opts is None or "device" not in opts:
            return None
        options = {o.strip() for o in str(opts.get("o") or "").split(",")}
        if not options & {"bind", "rbind"}:
            return None
        return self.reader.text(opts, "device", f"{where}.driver_opts")

    # -- security -----------------------------------------------------------------------------
    def _security(self, svc: YMap, where: str, loc: Location) -> tuple[SecurityContext, tuple[Value[str], ...]]:
        r = self.reader
        user, group = self._user(svc, where)
        options = r.texts(svc, "security_opt", where)
        parsed = self._security_options(options, f"{where}.security_opt")
        context = SecurityContext(
            loc=loc,
            privileged=r.flag(svc, "privileged", where),
            capabilities_add=r.texts(svc, "cap_add", where),
            capabilities_drop=r.texts(svc, "cap_drop", where),
            run_as_user=user,
            run_as_group=group,
            supplemental_groups=tuple(
                dataclasses.replace(v, value=_number_or_name(v.value)) for v in r.texts(svc, "group_add", where)),
            read_only_root_filesystem=r.flag(svc, "read_only", where),
            sysctls=r.key_values(svc, "sysctls", where),
            **parsed,
        )
        return context, options

    def _user(self, svc: YMap, where: str) -> tuple[Value[int | str] | None, Value[int | str] | None]:
        user = self.reader.text(svc, "user", where)
        if user is None or not user.value.strip():
            return None, None
        text = user.text or user.value
        name, sep, group = user.value.partition(":")
        uid = Value(_number_or_name(name), user.loc, user.certain, text)
        gid = Value(_number_or_name(group), user.loc, user.certain, text) if sep and group.strip() else None
        return uid, gid

    def _security_options(self, options: tuple[Value[str], ...], where: str) -> dict[str, Any]:
        """The settings ``security_opt`` entries make, as :class:`SecurityContext` fields."""
        fields: dict[str, Any] = {}
        selinux: dict[str, Any] = {}
        selinux_loc: Location | None = None
        for i, option in enumerate(options):
            effect = self._security_option(option, f"{where}[{i}]")
            if effect is None:
                continue
            field_name, value = effect
            if field_name.startswith("selinux."):
                selinux[field_name.removeprefix("selinux.")] = value
                selinux_loc = selinux_loc or option.loc
            else:
                fields[field_name] = value
        if selinux_loc is not None:
            fields["selinux"] = SELinux(loc=selinux_loc, **selinux)
        return fields

    def _security_option(self, option: Value[str], where: str) -> tuple[str, Any] | None:
        raw = option.value.strip()
        text = option.text or option.value

        def made(value: Any) -> Value[Any]:
            return Value(value, option.loc, option.certain, text)

        if raw == "systempaths=unconfined":
            return "masked_paths_disabled", made(True)
        if raw == "no-new-privileges":
            return "allow_privilege_escalation", made(False)
        if raw == "writable-cgroups":
            return "writable_cgroups", made(True)
        if raw == "disable":
            return "selinux.disabled", made(True)
        key, sep, value = raw.partition("=")
        if not sep:
            key, sep, value = raw.partition(":")
        if not sep:
            return self._bad_option(option, where, f"unknown security_opt {raw!r}")
        if key == "label":
            return self._label_option(value, made, option, where)
        if key in ("seccomp", "apparmor"):
            return key, self._profile(key, value, made, option, where)
        if key in ("no-new-privileges", "writable-cgroups"):
            if value not in GO_BOOLS:
                return self._bad_option(option, where, f"{key} expects a boolean (true/false/1/0), got {value!r}")
            if key == "no-new-privileges":
                return "allow_privilege_escalation", made(not GO_BOOLS[value])
            return "writable_cgroups", made(GO_BOOLS[value])
        if key == "systempaths":
            return self._bad_option(option, where, "only the exact spelling 'systempaths=unconfined' is recognised")
        hint = " (keys are case-sensitive)" if key.lower() in ("label", "seccomp", "apparmor", "systempaths") else ""
        return self._bad_option(option, where, f"unknown security_opt key {key!r}{hint}; the daemon rejects it")

    def _bad_option(self, option: Value[str], where: str, message: str) -> None:
        if option.certain:
            self.reader.error(where, message, option.loc)
        return None

    def _label_option(self, value: str, made: Callable[[Any], Value[Any]], option: Value[str],
                      where: str) -> tuple[str, Any] | None:
        if value == "disable":
            return "selinux.disabled", made(True)
        part, sep, setting = value.partition(":")
        if sep and part in ("user", "role", "type", "level"):
            return f"selinux.{part}", made(setting)
        return self._bad_option(option, where, f"unknown label option {value!r} (expected disable, user:, role:, "
                                               "type: or level:)")

    def _profile(self, kind: str, value: str, made: Callable[[Any], Value[Any]], option: Value[str],
                 where: str) -> Profile | None:
        if not value:
            self._bad_option(option, where, f"{kind} needs a profile")
            return None
        if value == "unconfined":
            return Profile(option.loc, made("Unconfined"))
        if (kind, value) in (("seccomp", "builtin"), ("apparmor", "docker-default")):
            return Profile(option.loc, made("RuntimeDefault"))
        return Profile(option.loc, made("Localhost"), Value(value, option.loc, option.certain, option.text))

    # -- namespaces ---------------------------------------------------------------------------
    def _namespace_modes(self, name: str, svc: YMap) -> dict[str, Value[str]]:
        where = f"services.{name}"
        modes = {}
        for namespace, key in NAMESPACE_KEYS.items():
            mode = self.reader.text(svc, key, where)
            if mode is not None:
                modes[namespace] = mode
        return modes

    def _host_namespace(self, name: str, namespace: str, modes: Mapping[str, Mapping[str, Value[str]]],
                        seen: tuple[str, ...]) -> Value[bool] | None:
        """Whether the service shares the host's namespace, following ``service:`` joins."""
        mode = modes.get(name, {}).get(namespace)
        if mode is None:
            return None
        text = mode.text or mode.value
        kind, sep, target = mode.value.partition(":")
        if not sep:
            return Value(mode.value == "host", mode.loc, mode.certain, text)
        if kind != "service" or target in seen or target == name or target not in modes:
            return None
        joined = self._host_namespace(target, namespace, modes, (*seen, name))
        if joined is None:
            return None
        return Value(joined.value, mode.loc, mode.certain and joined.certain, text)

    @staticmethod
    def _namespace_joins(modes: Mapping[str, Value[str]]) -> tuple[NamespaceJoin, ...]:
        return tuple(NamespaceJoin(namespace, mode) for namespace, mode in modes.items()
                     if mode.value.startswith(("service:", "container:")))

    def _is_host(self, svc: YMap, key: str, where: str) -> Value[bool] | None:
        mode = self.reader.text(svc, key, where)
        if mode is None:
            return None
        return Value(mode.value == "host", mode.loc, mode.certain, mode.text or mode.value)

    def _platform_os(self, svc: YMap, where: str) -> Value[str] | None:
        platform = self.reader.text(svc, "platform", where)
        if platform is None:
            return None
        return Value(platform.value.partition("/")[0], platform.loc, platform.certain, platform.text or platform.value)

    # -- ports ---------------------------------------------------------------------------------
    def _ports(self, svc: YMap, where: str) -> tuple[Port, ...]:
        ports = []
        for i, (item, loc, after_key) in enumerate(self.reader.items(svc, "ports", where)):
            item_where = f"{where}.ports[{i}]"
            port = self._long_port(item, loc, item_where) if isinstance(item, YMap) \
                else self._short_port(item, loc, item_where, after_key)
            if port is not None:
                ports.append(port)
        return tuple(ports)

    def _short_port(self, item: Any, loc: Location, where: str, after_key: bool) -> Port | None:
        spec = self.reader.value(item, loc, after_key)
        if spec is None or isinstance(item, (bool, float)):
            self.reader.error(where, f"expected a port, got {_describe(item)}", loc)
            return None
        try:
            host_ip, host, container, protocol = split_port(spec.value)
            host_range = parse_port_range(host) if host else None
            container_range = parse_port_range(container)
        except ValueError as exc:
            if spec.certain:
                self.reader.error(where, f"{exc} in port {spec.value!r}", loc)
            return None

        def made(value: Any) -> Value[Any]:
            return Value(value, loc, spec.certain, spec.text)

        return Port(
            loc=loc,
            container_port=made(container_range[0]),
            host_port=made(host_range[0]) if host_range else None,
            host_port_end=made(host_range[1]) if host_range and host_range[1] != host_range[0] else None,
            host_ip=made(host_ip) if host_ip else None,
            protocol=made(protocol) if protocol else None,
        )

    def _long_port(self, item: YMap, loc: Location, where: str) -> Port | None:
        r = self.reader
        target = r.text(item, "target", where)
        published = r.text(item, "published", where)
        if target is None:
            r.error(where, "a port needs a target", loc)
            return None
        try:
            container = parse_port_range(target.value)[0]
            host_range = parse_port_range(published.value) if published is not None and published.value else None
        except ValueError as exc:
            if target.certain and (published is None or published.certain):
                r.error(where, str(exc), loc)
            return None
        host_ip = r.text(item, "host_ip", where)
        return Port(
            loc=loc,
            container_port=dataclasses.replace(target, value=container),
            host_port=dataclasses.replace(published, value=host_range[0]) if published and host_range else None,
            host_port_end=dataclasses.replace(published, value=host_range[1])
            if published and host_range and host_range[1] != host_range[0] else None,
            host_ip=host_ip if host_ip is not None and host_ip.value else None,
            protocol=r.text(item, "protocol", where),
        )

    # -- mounts --------------------------------------------------------------------------------
    def _mounts(self, svc: YMap, where: str, volumes: Mapping[str, Volume]) -> tuple[Mount, ...]:
        mounts = []
        for i, (item, loc, _) in enumerate(self.reader.items(svc, "volumes", where)):
            item_where = f"{where}.volumes[{i}]"
            mount = self._long_mount(item, loc, item_where) if isinstance(item, YMap) \
                else self._short_mount(item, loc, item_where)
            if mount is not None:
                mounts.append(_link_volume(mount, volumes))
        for item in self.reader.texts(svc, "tmpfs", where, single=True):
            target = item.value.partition(":")[0]
            mounts.append(Mount(item.loc, Value("tmpfs", item.loc), target=dataclasses.replace(item, value=target)))
        return tuple(mounts)

    def _short_mount(self, item: Any, loc: Location, where: str) -> Mount | None:
        spec = self.reader.value(item, loc)
        if spec is None:
            self.reader.error(where, f"expected a volume, got {_describe(item)}", loc)
            return None
        try:
            source, target, options = split_volume(spec.value)
        except ValueError as exc:
            if spec.certain:
                self.reader.error(where, f"{exc} in volume {spec.value!r}", loc)
            return None

        def made(value: Any) -> Value[Any]:
            return Value(value, loc, spec.certain, spec.text)

        mount_type = "bind" if source is not None and is_host_path(source) else "volume"
        read_only = next((o == "ro" for o in reversed(options) if o in ("ro", "rw")), None)
        propagation = next((o for o in reversed(options) if o in PROPAGATIONS), None)
        return Mount(
            loc=loc,
            type=made(mount_type),
            target=made(target),
            source=made(source) if source is not None else None,
            read_only=made(read_only) if read_only is not None else None,
            propagation=made(propagation) if propagation is not None else None,
        )

    def _long_mount(self, item: YMap, loc: Location, where: str) -> Mount | None:
        r = self.reader
        mount_type = r.text(item, "type", where)
        if mount_type is None:
            r.error(where, "a volume needs a type (bind, volume, tmpfs, npipe, image or cluster)", loc)
            return None
        bind = r.mapping(item, "bind", where)
        return Mount(
            loc=loc,
            type=mount_type,
            target=r.text(item, "target", where),
            source=r.text(item, "source", where),
            read_only=r.flag(item, "read_only", where),
            propagation=r.text(bind, "propagation", f"{where}.bind") if bind is not None else None,
        )

    # -- devices -------------------------------------------------------------------------------
    def _devices(self, svc: YMap, where: str) -> tuple[Device, ...]:
        r = self.reader
        devices = []
        for i, (item, loc, _) in enumerate(r.items(svc, "devices", where)):
            item_where = f"{where}.devices[{i}]"
            if isinstance(item, YMap):
                source = r.text(item, "source", item_where)
                if source is None:
                    r.error(item_where, "a device needs a source", loc)
                    continue
                devices.append(Device(loc, source, host=source, target=r.text(item, "target", item_where),
                                      permissions=r.text(item, "permissions", item_where)))
                continue
            spec = r.value(item, loc)
            if spec is None or not spec.value:
                if spec is None or spec.certain:
                    r.error(item_where, f"expected a device, got {_describe(item)}", loc)
                continue
            devices.append(_short_device(spec))
        return tuple(devices)

    # -- command, healthcheck, resources, extensions -----------------------------------------------
    def _command(self, svc: YMap, key: str, where: str) -> tuple[Value[str], ...]:
        raw = svc.get(key)
        if isinstance(raw, str):
            value = self.reader.text(svc, key, where)
            assert value is not None
            try:
                words = shlex.split(value.value)
            except ValueError:
                words = [value.value]
            return tuple(dataclasses.replace(value, value=w, text=value.text or value.value) for w in words)
        return self.reader.texts(svc, key, where)

    def _hooks(self, svc: YMap, where: str) -> tuple[Hook, ...]:
        hooks = []
        for kind in HOOK_KEYS:
            for i, (item, loc, _) in enumerate(self.reader.items(svc, kind, where)):
                hook_where = f"{where}.{kind}[{i}]"
                if not isinstance(item, YMap):
                    self.reader.error(hook_where, f"expected a hook mapping with a command, got {_describe(item)}", loc)
                    continue
                user, _ = self._user(item, hook_where)
                hooks.append(Hook(loc, kind, privileged=self.reader.flag(item, "privileged", hook_where), user=user,
                                  command=self._command(item, "command", hook_where)))
        return tuple(hooks)

    def _healthcheck_test(self, svc: YMap, where: str) -> Value[str] | None:
        check = self.reader.mapping(svc, "healthcheck", where)
        if check is None or check.get("test") is None:
            return None
        if isinstance(check["test"], YSeq):
            words = self.reader.texts(check, "test", f"{where}.healthcheck")
            loc = self.reader.key_loc(check, "test")
            return Value(" ".join(w.value for w in words), loc, all(w.certain for w in words))
        return self.reader.text(check, "test", f"{where}.healthcheck")

    def _healthcheck_disabled(self, svc: YMap, where: str) -> Value[bool] | None:
        check = self.reader.mapping(svc, "healthcheck", where)
        if check is None:
            return None
        disabled = self.reader.flag(check, "disable", f"{where}.healthcheck")
        if disabled is not None:
            return disabled
        test = check.get("test")
        if isinstance(test, YSeq) and test and test[0] == "NONE":
            return Value(True, self.reader.key_loc(check, "test"), text="NONE")
        return None

    def _resources(self, svc: YMap, where: str, section: str) -> tuple[KeyValue, ...]:
        """Limits or reservations, keyed ``cpu``/``memory``/``pids`` (the key's text keeps the Compose name).

        ``deploy.resources`` wins over the legacy service keys when both are set.
        """
        legacy = {"limits": {"cpus": "cpu", "mem_limit": "memory", "pids_limit": "pids"},
                  "reservations": {"mem_reservation": "memory"}}[section]
        found: dict[str, KeyValue] = {}
        for key, name in legacy.items():
            self._resource(svc, key, name, where, found)
        deploy = self.reader.mapping(svc, "deploy", where)
        resources = self.reader.mapping(deploy, "resources", f"{where}.deploy") if deploy is not None else None
        values = self.reader.mapping(resources, section, f"{where}.deploy.resources") if resources is not None else None
        if values is not None:
            for key, name in {"cpus": "cpu", "memory": "memory", "pids": "pids"}.items():
                self._resource(values, key, name, f"{where}.deploy.resources.{section}", found)
        return tuple(found.values())

    def _resource(self, parent: YMap, key: str, name: str, where: str, found: dict[str, KeyValue]) -> None:
        value = self.reader.text(parent, key, where)
        if value is not None:
            found[name] = KeyValue(Value(name, value.loc, text=key), value)

    def _extensions(self, node: YMap, service_level: bool = False) -> tuple[KeyValue, ...]:
        """``x-`` keys flattened to ``x-isolint.ignore``-style keys; at top level only ``x-isolint``
        (other top-level ``x-`` blocks are anchor carriers, not settings)."""
        out: list[KeyValue] = []
        for key in node:
            if isinstance(key, str) and (key == "x-isolint" or (service_level and key.startswith("x-"))):
                out.extend(self._flatten(key, node[key], self.reader.key_loc(node, key)))
        return tuple(out)

    def _flatten(self, prefix: str, raw: Any, loc: Location) -> Iterable[KeyValue]:
        if isinstance(raw, YMap):
            for key, value in raw.items():
                yield from self._flatten(f"{prefix}.{key}", value, self.reader.key_loc(raw, key))
            return
        if isinstance(raw, YSeq):
            texts = [v for v in (self.reader.value(item, loc) for item in raw) if v is not None]
            yield KeyValue(Value(prefix, loc), Value(", ".join(t.value for t in texts), loc,
                                                      all(t.certain for t in texts)))
            return
        value = self.reader.value(raw, loc) if raw is not None else Value("", loc)
        if value is not None:
            yield KeyValue(Value(prefix, loc), value)

    # -- build ---------------------------------------------------------------------------------
    def _build(self, svc: YMap, where: str) -> Build | None:
        r = self.reader
        if svc.get("build") is None:
            return None
        raw = svc["build"]
        loc = r.key_loc(svc, "build")
        if isinstance(raw, (int, float, bool)):  # YAML reads `build: 7` as a number, Compose rejects it
            r.error(f"{where}.build", f"expected a build context path or a mapping, got {raw!r}", loc)
            return None
        if not isinstance(raw, YMap):
            context = r.text(svc, "build", where)
            return Build(loc, context=context) if context is not None else None
        bw = f"{where}.build"
        return Build(
            loc=loc,
            context=r.text(raw, "context", bw),
            dockerfile=r.text(raw, "dockerfile", bw),
            dockerfile_inline=r.text(raw, "dockerfile_inline", bw),
            target=r.text(raw, "target", bw),
            args=r.key_values(raw, "args", bw, bare=self.env.get),
            privileged=r.flag(raw, "privileged", bw),
            network=r.text(raw, "network", bw),
            entitlements=r.texts(raw, "entitlements", bw),
        )

    def _linked_image(self, build: Build) -> Image | None:
        """The Dockerfile the service builds, parsed, when it is inline or a local file.

        A file's own problems are reported when that Dockerfile is linted itself; an inline
        Dockerfile's are reported here. Positions inside an inline Dockerfile are moved into the
        Compose file (see :meth:`_inline_position`), its errors too.
        """
        args = {kv.key.value: kv.value.value for kv in build.args if kv.value.certain or kv.value.value}
        inline = build.dockerfile_inline
        if inline is not None:
            parsed = parse_dockerfile(self.path, inline.value, args)
            move = self._inline_position(inline)
            for error in parsed.errors:
                at = move(Location(inline.loc.path, error.line or 1, error.column))
                self.reader.errors.append(ParseError(
                    inline.loc.path, f"invalid Compose file: dockerfile_inline: {error.message}", at.line, at.column))
            return _relocated(parsed.images[0], move) if parsed.images else None
        dockerfile_path = self._dockerfile_path(build)
        if dockerfile_path is None:
            return None
        text = self._read_linked(dockerfile_path)
        if text is None:
            return None
        parsed = parse_dockerfile(dockerfile_path, text, args)
        return parsed.images[0] if parsed.images else None

    def _inline_position(self, inline: Value[str]) -> Callable[[Location], Location]:
        """Maps a position in an inline Dockerfile to the Compose file.

        A literal block scalar (``dockerfile_inline: |``) holds the Dockerfile line for line from the
        line after the key, indented; any other spelling (quoted, folded) cannot be mapped line by
        line, so every position becomes the key's.
        """
        lines = self.reader.lines.get(inline.loc.path, ())
        key_line = inline.loc.line
        after_key = lines[key_line - 1][(inline.loc.column or 1) - 1:].partition(":")[2].strip() \
            if 0 < key_line <= len(lines) else ""
        if not after_key.startswith("|"):
            return lambda _: inline.loc
        body = [line for line in lines[key_line:] if line.strip()]
        indent = len(body[0]) - len(body[0].lstrip(" ")) if body else 0

        def move(loc: Location) -> Location:
            column = indent + loc.column if loc.column is not None else None
            return Location(inline.loc.path, key_line + loc.line, column)

        return move

    def _dockerfile_path(self, build: Build) -> str | None:
        context = build.context.value if build.context is not None else "."
        if not context or re.match(URL_CONTEXT, context) or (build.context is not None and not build.context.certain):
            return None
        name = build.dockerfile.value if build.dockerfile is not None else "Dockerfile"
        context_dir = os.path.join(self.directory, os.path.expanduser(context))
        return os.path.normpath(os.path.join(context_dir, name))


# -- pure helpers ----------------------------------------------------------------------------------

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


def _relocated(node: Any, move: Callable[[Location], Location]) -> Any:
    """A copy of a model node (an inline Dockerfile's :class:`Image`) with every location moved."""
    if isinstance(node, Location):
        return move(node)
    if isinstance(node, tuple):
        return tuple(_relocated(item, move) for item in node)
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return node
    changes = {f.name: _relocated(getattr(node, f.name), move) for f in dataclasses.fields(node)}
    if isinstance(node, Instruction) and node.end_line is not None:
        changes["end_line"] = move(Location(node.loc.path, node.end_line)).line
    return dataclasses.replace(node, **changes)


def _link_volume(mount: Mount, volumes: Mapping[str, Volume]) -> Mount:
    """Attach the top-level volume a mount names; a disguised bind volume makes the mount a bind."""
    if mount.type.value != "volume" or mount.source is None or mount.source.value not in volumes:
        return mount
    volume = volumes[mount.source.value]
    if volume.host_path is None:
        return dataclasses.replace(mount, volume=volume)
    return dataclasses.replace(mount, volume=volume, type=dataclasses.replace(mount.type, value="bind"),
                               source=volume.host_path)


def _short_device(spec: Value[str]) -> Device:
    def made(value: str) -> Value[str]:
        return Value(value, spec.loc, spec.certain, spec.text)

    if re.match(CDI_NAME, spec.value):
        return Device(spec.loc, spec)
    parts = spec.value.split(":")
    host = parts[0]
    target = parts[1] if len(parts) > 1 and parts[1] else host
    permissions = parts[2] if len(parts) > 2 else None
    return Device(spec.loc, spec, host=made(host), target=made(target),
                  permissions=made(permissions) if permissions else None)


# -- public API ---------------------------------------------------------------------------------------

def parse_compose(path: str, text: str, environ: Mapping[str, str] | None = None) -> FileModel:
    """Parse a Compose file into the model; never raises (problems land in ``errors``)."""
    try:
        return ComposeParser(path, text, environ).parse()
    except Exception as exc:  # a parser bug must not stop the run
        return FileModel(path, Format.COMPOSE, errors=[ParseError(
            path, f"Compose file could not be read ({type(exc).__name__}: {exc})")],
            lines=tuple(text.splitlines()))


def looks_like_compose(doc: Any) -> bool:
    """Whether a loaded YAML document is a Compose file (by content, for discovery)."""
    if not isinstance(doc, dict) or "apiVersion" in doc or "kind" in doc:
        return False
    if "services" in doc:
        return doc["services"] is None or isinstance(doc["services"], dict)
    if isinstance(doc.get("include"), list):
        keys = {k for k in doc if not (isinstance(k, str) and k.startswith("x-"))}
        return keys <= TOP_LEVEL_KEYS
    return False
