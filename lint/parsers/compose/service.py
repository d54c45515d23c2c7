"""One Compose service onto the model: a :class:`Workload` with one :class:`Container`.

Ports, mounts (short and long syntax, ``tmpfs``, top-level volumes that are binds in disguise),
devices, command and entrypoint, lifecycle hooks (with their own ``privileged``/``user``),
healthcheck, resources and ``x-`` extensions are read here; isolation settings in
:mod:`.security`, ``build`` in :mod:`.build`.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ...model import (
    Container,
    Device,
    Format,
    Hook,
    KeyValue,
    Location,
    Mount,
    Port,
    Resource,
    Role,
    Value,
    Volume,
    Workload,
)
from ...sources import excerpt
from ...yamlsource import YMap, YSeq
from ..fields import _describe
from .build import linked_image, read_build
from .reader import ServiceReader
from .security import host_namespace, is_host, namespace_joins, namespace_modes, security, user
from .syntax import is_host_path, parse_port_range, split_port, split_volume

if TYPE_CHECKING:
    from .project import Project

PROPAGATIONS = frozenset({"shared", "rshared", "slave", "rslave", "private", "rprivate"})
HOOK_KEYS = ("pre_start", "post_start", "pre_stop")  # pre_start: in the spec's prose, not yet its schema
# secrets and configs read from a host file are bind-mounted read-only, by default at these paths
FILE_MOUNTS = {"secrets": "/run/secrets/", "configs": "/"}
CDI_NAME = r"^[A-Za-z0-9][A-Za-z0-9.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*=\S+$"


@dataclasses.dataclass
class Document:
    """What every service of one merged Compose document may refer to."""

    root: YMap
    services: dict[str, tuple[YMap, Location]]  # after extends; name -> (service, service key loc)
    volumes: dict[str, Volume]  # top-level volumes
    files: dict[str, dict[str, Value[str]]]  # "secrets"/"configs" -> name -> the host file it is read from
    modes: dict[str, dict[str, Value[str]]]  # each service's namespace modes, for service: joins
    boundaries: list[int]  # lines where a service or top-level key starts


def service_workloads(project: Project, root: YMap, boundaries: list[int]) -> list[Workload]:
    """Every service of a merged document as a workload; a service that cannot be read is an error."""
    resolved = project.service_maps(root)
    if resolved is None:
        return []
    volumes = project.top_level_volumes(root)
    modes = {name: namespace_modes(project.at(f"services.{name}"), svc) for name, (svc, _) in resolved.items()}
    files = {kind: project.top_level_files(root, kind) for kind in FILE_MOUNTS}
    document = Document(root, resolved, volumes, files, modes, boundaries)
    workloads = []
    for name, (svc, loc) in resolved.items():
        try:
            workloads.append(service_workload(project, document, name, svc, loc))
        except Exception as exc:  # one service must not drop the others
            project.reader.error(f"services.{name}", f"could not be read ({type(exc).__name__}: {exc})", loc)
    return workloads


def service_workload(project: Project, document: Document, name: str, svc: YMap, loc: Location) -> Workload:
    r = project.at(f"services.{name}")
    context, security_opt = security(r, svc, loc)
    container = Container(
        loc=loc,
        role=Role.CONTAINER,
        name=Value(name, loc),
        image=r.text(svc, "image"),
        security=context,
        ports=_ports(r, svc),
        mounts=_mounts(r, svc, document.volumes) + _file_mounts(r, svc, document.files),
        devices=_devices(r, svc),
        command=_command(r, svc, "entrypoint"),
        args=_command(r, svc, "command"),
        env=r.key_values(svc, "environment", bare=project.env.get),
        limits=_resources(r, svc, "limits"),
        requests=_resources(r, svc, "reservations"),
        hooks=_hooks(r, svc),
    )
    build = read_build(r, svc, project)
    image = linked_image(build, project) if build is not None else None
    target = build.target.value if build is not None and build.target is not None else None
    modes = document.modes
    return Workload(
        format=Format.COMPOSE,
        resource=Resource("ComposeService", name),
        loc=loc,
        containers=(container,),
        labels=r.key_values(svc, "labels"),
        host_network=host_namespace(name, "network", modes),
        host_pid=host_namespace(name, "pid", modes),
        host_ipc=host_namespace(name, "ipc", modes),
        host_uts=is_host(r, svc, "uts"),
        host_cgroup=is_host(r, svc, "cgroup"),
        host_users=is_host(r, svc, "userns_mode"),
        userns_mode=r.text(svc, "userns_mode"),
        namespace_joins=namespace_joins(modes[name]),
        runtime=r.text(svc, "runtime"),
        os=_platform_os(r, svc),
        cgroup_parent=r.text(svc, "cgroup_parent"),
        volumes_from=r.texts(svc, "volumes_from"),
        use_api_socket=r.flag(svc, "use_api_socket"),
        device_cgroup_rules=r.texts(svc, "device_cgroup_rules"),
        security_opt=security_opt,
        healthcheck=_healthcheck_test(r, svc),
        healthcheck_disabled=_healthcheck_disabled(r, svc),
        isolation=r.text(svc, "isolation"),
        profiles=r.texts(svc, "profiles"),
        extensions=_extensions(r, document.root) + _extensions(r, svc, service_level=True),
        build=build,
        image=image,
        target_stage=image.target(target) if image is not None else None,
        source_lines=project.source_lines(loc, document.boundaries),
    )


def _platform_os(r: ServiceReader, svc: YMap) -> Value[str] | None:
    platform = r.text(svc, "platform")
    if platform is None:
        return None
    return Value(platform.value.partition("/")[0], platform.loc, platform.certain, platform.text or platform.value)


# -- ports ---------------------------------------------------------------------------------------------

def _ports(r: ServiceReader, svc: YMap) -> tuple[Port, ...]:
    ports = []
    for i, (item, loc, after_key) in enumerate(r.items(svc, "ports")):
        at = r.under(f".ports[{i}]")
        port = _long_port(at, item, loc) if isinstance(item, YMap) else _short_port(at, item, loc, after_key)
        if port is not None:
            ports.append(port)
    return tuple(ports)


def _short_port(r: ServiceReader, item: Any, loc: Location, after_key: bool) -> Port | None:
    spec = r.value(item, loc, after_key)
    if spec is None or isinstance(item, (bool, float)):
        r.error(f"expected a port, got {_describe(item)}", loc)
        return None
    if not spec.certain and not spec.value.strip():
        return _unknown_port(spec, loc)
    try:
        host_ip, host, container, protocol = split_port(spec.value)
        host_range = parse_port_range(host) if host else None
        container_range = parse_port_range(container)
    except ValueError as exc:
        if spec.certain:
            r.error(f"{exc} in port {excerpt(spec.value)}", loc)
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


def _unknown_port(spec: Value[str], loc: Location, host_ip: Value[str] | None = None) -> Port:
    """A port whose spec is only unset variables (``"${AD_PORT}"``): whatever number it holds, it is
    published, on all interfaces unless a host IP says otherwise. Numbers unknown, low confidence."""
    return Port(loc=loc, host_ip=host_ip or Value("", loc, False, spec.text or spec.value))


def _long_port(r: ServiceReader, item: YMap, loc: Location) -> Port | None:
    target = r.text(item, "target")
    published = r.text(item, "published")
    if target is None:
        r.error("a port needs a target", loc)
        return None
    if not target.certain and not target.value.strip():
        host_ip = r.text(item, "host_ip")
        return _unknown_port(target, loc, host_ip if host_ip is not None and host_ip.value else None)
    try:
        container = parse_port_range(target.value)[0]
        host_range = parse_port_range(published.value) if published is not None and published.value else None
    except ValueError as exc:
        if target.certain and (published is None or published.certain):
            r.error(str(exc), loc)
        return None
    host_ip = r.text(item, "host_ip")
    return Port(
        loc=loc,
        container_port=dataclasses.replace(target, value=container),
        host_port=dataclasses.replace(published, value=host_range[0]) if published and host_range else None,
        host_port_end=dataclasses.replace(published, value=host_range[1])
        if published and host_range and host_range[1] != host_range[0] else None,
        host_ip=host_ip if host_ip is not None and host_ip.value else None,
        protocol=r.text(item, "protocol"),
    )


# -- mounts --------------------------------------------------------------------------------------------

def _mounts(r: ServiceReader, svc: YMap, volumes: Mapping[str, Volume]) -> tuple[Mount, ...]:
    mounts = []
    for i, (item, loc, _) in enumerate(r.items(svc, "volumes")):
        at = r.under(f".volumes[{i}]")
        mount = _long_mount(at, item, loc) if isinstance(item, YMap) else _short_mount(at, item, loc)
        if mount is not None:
            mounts.append(_link_volume(mount, volumes))
    for item in r.texts(svc, "tmpfs", single=True):
        target = item.value.partition(":")[0]
        mounts.append(Mount(item.loc, Value("tmpfs", item.loc), target=dataclasses.replace(item, value=target)))
    return tuple(mounts)


def _short_mount(r: ServiceReader, item: Any, loc: Location) -> Mount | None:
    spec = r.value(item, loc)
    if spec is None:
        r.error(f"expected a volume, got {_describe(item)}", loc)
        return None
    unset_source = _unset_source(spec)
    try:
        source, target, options = split_volume(spec.value if unset_source is None else "." + spec.value)
    except ValueError as exc:
        if spec.certain:
            r.error(f"{exc} in volume {excerpt(spec.value)}", loc)
        return None

    def made(value: Any) -> Value[Any]:
        return Value(value, loc, spec.certain, spec.text)

    if unset_source is not None:
        source = unset_source
    mount_type = "bind" if source is not None and (is_host_path(source) or unset_source) else "volume"
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


def _unset_source(spec: Value[str]) -> str | None:
    """The source as written when a short-syntax volume's source is only unset variables
    (``${DOCKER_SOCK}:/var/run/docker.sock``, read as ``:/var/run/docker.sock``), else None.

    Compose refuses the file while the variable is unset; once set it is a host path, most likely.
    The mount is kept as a bind with that unknown source, low confidence, so that its target can
    be judged (a target named like a runtime socket is one whatever the source).
    """
    if spec.certain or not spec.value.startswith(":") or spec.text is None or not spec.text.endswith(spec.value):
        return None
    return spec.text[:-len(spec.value)] or None


def _long_mount(r: ServiceReader, item: YMap, loc: Location) -> Mount | None:
    mount_type = r.text(item, "type")
    if mount_type is None:
        r.error("a volume needs a type (bind, volume, tmpfs, npipe, image or cluster)", loc)
        return None
    bind = r.mapping(item, "bind")
    source = r.text(item, "source")
    if source is not None and not source.certain and not source.value.strip() and source.text:
        source = dataclasses.replace(source, value=source.text)  # unset: unknown, shown as written
    return Mount(
        loc=loc,
        type=mount_type,
        target=r.text(item, "target"),
        source=source,
        read_only=r.flag(item, "read_only"),
        propagation=r.under(".bind").text(bind, "propagation") if bind is not None else None,
    )


def _file_mounts(r: ServiceReader, svc: YMap, files: Mapping[str, Mapping[str, Value[str]]]) -> tuple[Mount, ...]:
    """The service's ``secrets`` and ``configs`` that come from a host file (top-level ``file:``):
    Compose bind-mounts that file read-only into the container, so it is a host mount like any bind."""
    mounts = []
    for kind, directory in FILE_MOUNTS.items():
        for item, loc, _ in r.items(svc, kind):
            if isinstance(item, YMap):
                name, target = item.get("source"), item.get("target")
            else:
                name, target = item, None
            if not isinstance(name, str) or name not in files[kind]:
                continue
            target = str(target) if isinstance(target, str) and target else name
            target = target if target.startswith("/") else directory + target
            mounts.append(Mount(loc, Value("bind", loc), target=Value(target, loc), source=files[kind][name],
                                read_only=Value(True, loc)))
    return tuple(mounts)


def _link_volume(mount: Mount, volumes: Mapping[str, Volume]) -> Mount:
    """Attach the top-level volume a mount names; a disguised bind volume makes the mount a bind."""
    if mount.type.value != "volume" or mount.source is None or mount.source.value not in volumes:
        return mount
    volume = volumes[mount.source.value]
    if volume.host_path is None:
        return dataclasses.replace(mount, volume=volume)
    return dataclasses.replace(mount, volume=volume, type=dataclasses.replace(mount.type, value="bind"),
                               source=volume.host_path)


# -- devices -------------------------------------------------------------------------------------------

def _devices(r: ServiceReader, svc: YMap) -> tuple[Device, ...]:
    devices = []
    for i, (item, loc, _) in enumerate(r.items(svc, "devices")):
        at = r.under(f".devices[{i}]")
        if isinstance(item, YMap):
            source = at.text(item, "source")
            if source is None:
                at.error("a device needs a source", loc)
                continue
            target = at.text(item, "target")
            if target is None:  # Compose refuses the file; the device is still judged
                at.error("a device needs a target", loc)
            devices.append(Device(loc, source, host=source, target=target, permissions=at.text(item, "permissions")))
            continue
        spec = r.value(item, loc)
        if spec is None or not spec.value:
            if spec is None or spec.certain:
                at.error(f"expected a device, got {_describe(item)}", loc)
            continue
        devices.append(_short_device(spec))
    return tuple(devices)


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


# -- command, hooks, healthcheck, resources, extensions ------------------------------------------------

def _command(r: ServiceReader, svc: YMap, key: str) -> tuple[Value[str], ...]:
    raw = svc.get(key)
    if isinstance(raw, str):
        value = r.text(svc, key)
        assert value is not None
        try:
            words = shlex.split(value.value)
        except ValueError:
            words = [value.value]
        return tuple(dataclasses.replace(value, value=w, text=value.text or value.value) for w in words)
    return r.texts(svc, key)


def _hooks(r: ServiceReader, svc: YMap) -> tuple[Hook, ...]:
    hooks = []
    for kind in HOOK_KEYS:
        for i, (item, loc, _) in enumerate(r.items(svc, kind)):
            at = r.under(f".{kind}[{i}]")
            if not isinstance(item, YMap):
                at.error(f"expected a hook mapping with a command, got {_describe(item)}", loc)
                continue
            hook_user, _ = user(at, item)
            hooks.append(Hook(loc, kind, privileged=at.flag(item, "privileged"), user=hook_user,
                              command=_command(at, item, "command")))
    return tuple(hooks)


def _healthcheck_test(r: ServiceReader, svc: YMap) -> Value[str] | None:
    check = r.mapping(svc, "healthcheck")
    if check is None or check.get("test") is None:
        return None
    at = r.under(".healthcheck")
    if isinstance(check["test"], YSeq):
        words = at.texts(check, "test")
        return Value(" ".join(w.value for w in words), r.key_loc(check, "test"), all(w.certain for w in words))
    return at.text(check, "test")


def _healthcheck_disabled(r: ServiceReader, svc: YMap) -> Value[bool] | None:
    check = r.mapping(svc, "healthcheck")
    if check is None:
        return None
    disabled = r.under(".healthcheck").flag(check, "disable")
    if disabled is not None:
        return disabled
    test = check.get("test")
    if isinstance(test, YSeq) and test and test[0] == "NONE":
        return Value(True, r.key_loc(check, "test"), text="NONE")
    return None


def _resources(r: ServiceReader, svc: YMap, section: str) -> tuple[KeyValue, ...]:
    """Limits or reservations, keyed ``cpu``/``memory``/``pids`` (the key's text keeps the Compose name).

    ``deploy.resources`` wins over the legacy service keys when both are set.
    """
    legacy = {"limits": {"cpus": "cpu", "mem_limit": "memory", "pids_limit": "pids"},
              "reservations": {"mem_reservation": "memory"}}[section]
    found: dict[str, KeyValue] = {}
    for key, name in legacy.items():
        _resource(r, svc, key, name, found)
    deploy = r.mapping(svc, "deploy")
    resources = r.under(".deploy").mapping(deploy, "resources") if deploy is not None else None
    values = r.under(".deploy.resources").mapping(resources, section) if resources is not None else None
    if values is not None:
        for key, name in {"cpus": "cpu", "memory": "memory", "pids": "pids"}.items():
            _resource(r.under(f".deploy.resources.{section}"), values, key, name, found)
    return tuple(found.values())


def _resource(r: ServiceReader, parent: YMap, key: str, name: str, found: dict[str, KeyValue]) -> None:
    value = r.text(parent, key)
    if value is not None:
        found[name] = KeyValue(Value(name, value.loc, text=key), value)


def _extensions(r: ServiceReader, node: YMap, service_level: bool = False) -> tuple[KeyValue, ...]:
    """``x-`` keys flattened to ``x-isolint.ignore``-style keys; at top level only ``x-isolint``
    (other top-level ``x-`` blocks are anchor carriers, not settings)."""
    out: list[KeyValue] = []
    for key in node:
        if isinstance(key, str) and (key == "x-isolint" or (service_level and key.startswith("x-"))):
            out.extend(_flatten(r, key, node[key], r.key_loc(node, key)))
    return tuple(out)


def _flatten(r: ServiceReader, prefix: str, raw: Any, loc: Location) -> Iterable[KeyValue]:
    if isinstance(raw, YMap):
        for key, value in raw.items():
            yield from _flatten(r, f"{prefix}.{key}", value, r.key_loc(raw, key))
        return
    if isinstance(raw, YSeq):
        texts = [v for v in (r.value(item, loc) for item in raw) if v is not None]
        yield KeyValue(Value(prefix, loc), Value(", ".join(t.value for t in texts), loc,
                                                  all(t.certain for t in texts)))
        return
    value = r.value(raw, loc) if raw is not None else Value("", loc)
    if value is not None:
        yield KeyValue(Value(prefix, loc), value)
