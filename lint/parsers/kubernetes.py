"""Kubernetes manifests (YAML or JSON, multi-document, ``kind: List``) into the model.

Pod specs are found where the Pod Security admission controller finds them (Pod, PodTemplate,
ReplicationController, ReplicaSet, Deployment, StatefulSet, DaemonSet, Job, CronJob) and, beyond
it, in any object with a ``spec.template.spec`` holding containers (OpenShift DeploymentConfig,
Argo Rollout, operators). Namespace, RuntimeClass and ServiceAccount objects are kept for cross-file
reasoning.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from ..model import (
    Container,
    FileModel,
    Format,
    Handler,
    KeyValue,
    Location,
    Mount,
    Namespace,
    NamespaceJoin,
    ParseError,
    Port,
    Profile,
    Resource,
    Role,
    RuntimeClass,
    SecurityContext,
    SELinux,
    ServiceAccount,
    Source,
    Value,
    Volume,
    Workload,
)
from ..sources import excerpt
from ..yamlsource import YamlError, YMap, YSeq, load_all
from . import operators
from .fields import Reader

# kind -> path from the object to the pod template (metadata + spec), as PSA extracts it
TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": (),
    "PodTemplate": ("template",),
    "ReplicationController": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "DeploymentConfig": ("spec", "template"),
    "Rollout": ("spec", "template"),
}
CONTAINER_LISTS = (("initContainers", Role.INIT), ("containers", Role.CONTAINER),
                   ("ephemeralContainers", Role.EPHEMERAL))
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
LIFECYCLE_HOOKS = ("postStart", "preStop")
HOST_HANDLERS = ("httpGet", "tcpSocket")
# A document that is neither of these is not ours (CRDs, ConfigMaps, Services ...)
KEPT_KINDS = frozenset(TEMPLATE_PATHS) | frozenset(operators.KINDS) | frozenset(operators.EMBEDDING) | {
    "Namespace", "RuntimeClass", "ServiceAccount", "List"}


def looks_like_kubernetes(doc: Any) -> bool:
    return isinstance(doc, YMap) and isinstance(doc.get("apiVersion"), str) and isinstance(doc.get("kind"), str)


def judged_documents(docs: Iterable[Any]) -> list[YMap]:
    """The objects the parser reads a workload, Namespace or RuntimeClass from (List items too)."""
    out: list[YMap] = []
    stack = list(docs)
    seen: set[int] = set()
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if not looks_like_kubernetes(obj) or not kept(obj):
            continue
        if obj["kind"] == "List":
            items = obj.get("items")
            stack.extend(items if isinstance(items, YSeq) else ())
        else:
            out.append(obj)
    return out


def parse_kubernetes(path: str, text: str) -> FileModel:
    model = FileModel(path, Format.KUBERNETES, lines=tuple(text.splitlines()))
    reader = Reader(path, "manifest")
    for index, (doc, error) in enumerate(load_all(text)):
        if error is not None:
            reader.errors.append(_yaml_error(path, error))
            continue
        if doc is None:
            continue
        _parse_object(reader, model, doc, f"document {index + 1}")
    model.errors.extend(reader.errors)
    return model


def parse_documents(reader: Reader, model: FileModel, docs: list[tuple[int, Any]]) -> None:
    """Parse already-loaded documents (used by discovery when it has loaded them to detect)."""
    for index, doc in docs:
        _parse_object(reader, model, doc, f"document {index + 1}")


def _yaml_error(path: str, error: YamlError) -> ParseError:
    return ParseError(path, error.message, error.line, error.column)


def _parse_object(reader: Reader, model: FileModel, obj: Any, where: str) -> None:
    if not looks_like_kubernetes(obj):
        return
    kind = obj["kind"]
    if not kept(obj):
        return
    if kind == "List":
        for key, pos in obj.duplicates:
            reader.error(f"{where}.{key}", f"duplicate key {excerpt(str(key))} (Kubernetes rejects duplicate keys)",
                         reader.loc(pos))
        items = reader.sequence(obj, "items", where)
        for i, item in enumerate(items or ()):
            _parse_object(reader, model, item, f"{where}.items[{i}]")
        return
    _check_duplicates(reader, obj, kind)
    metadata = reader.mapping(obj, "metadata", kind) or YMap()
    name = reader.string(metadata, "name", "metadata") or reader.string(metadata, "generateName", "metadata")
    loc = reader.loc(obj.pos)
    if kind == "Namespace":
        if name is not None:
            model.namespaces.append(Namespace(loc, name, reader.pairs(metadata, "labels", "metadata"),
                                              reader.pairs(metadata, "annotations", "metadata")))
        return
    if kind == "RuntimeClass":
        if name is not None:
            model.runtime_classes.append(RuntimeClass(loc, name, reader.string(obj, "handler", kind)))
        return
    if kind == "ServiceAccount":
        if name is not None:
            namespace = reader.string(metadata, "namespace", "metadata")
            model.service_accounts.append(ServiceAccount(
                loc, name, namespace.value if namespace else None,
                reader.boolean(obj, "automountServiceAccountToken", kind)))
        return
    if kind not in TEMPLATE_PATHS and (kind in operators.KINDS or kind in operators.EMBEDDING):
        _parse_operator_object(reader, model, obj, metadata, name, where)
        return
    path = TEMPLATE_PATHS.get(kind, ("spec", "template"))
    if kind not in TEMPLATE_PATHS and not isinstance(_child(obj, "spec", "template"), YMap):
        path = ("spec", "jobTemplate", "spec", "template")  # a CronJob-like kind
    template: Any = obj
    walked = kind
    for step in path:
        template = reader.mapping(template, step, walked)
        walked += "." + step
        if template is None:
            return
    pod_meta = metadata if not path else (reader.mapping(template, "metadata", walked) or YMap())
    spec = reader.mapping(template, "spec", walked)
    if spec is None:
        return
    namespace = reader.string(metadata, "namespace", "metadata")
    resource = Resource(kind, name.value if name else "<unnamed>", namespace.value if namespace else None,
                        obj.get("apiVersion"))
    model.workloads.append(_workload(reader, resource, loc, metadata, pod_meta, spec, f"{walked}.spec"))


def _parse_operator_object(reader: Reader, model: FileModel, obj: YMap, metadata: YMap, name: Value[str] | None,
                           where: str) -> None:
    """An operator's object (:mod:`isolint.parsers.operators`): a workload per pod it runs."""
    inner = operators.embedded(obj)
    if inner is not None:
        _parse_object(reader, model, inner, f"{where}.{obj['kind']}.manifest")
    namespace = reader.string(metadata, "namespace", "metadata")
    for pod in operators.pods(obj, model.lines) or ():
        label = name.value if name else "<unnamed>"
        resource = Resource(obj["kind"], f"{label}:{pod.part}" if pod.part else label,
                            namespace.value if namespace else None, obj.get("apiVersion"))
        loc = reader.loc(pod.pos if pod.part else obj.pos)
        workload = _workload(reader, resource, loc, metadata, pod.meta, pod.spec, pod.where)
        if pod.checkouts or pod.scripts:
            workload = dataclasses.replace(workload, checkouts=tuple(Value(t, reader.loc(p)) for t, p in pod.checkouts),
                               scripts=tuple(Value(t, reader.loc(p)) for t, p in pod.scripts))
        model.workloads.append(workload)


def _child(node: Any, *path: str) -> Any:
    for step in path:
        node = node.get(step) if isinstance(node, dict) else None
    return node


def kept(obj: dict[str, Any]) -> bool:
    """Whether the parser reads the object: a kept kind, or any kind with a pod template (read as
    loaded, :class:`YMap`/:class:`YSeq`, or built as plain ``dict``/``list``: the in-process
    Kustomize build)."""
    return obj.get("kind") in KEPT_KINDS or _has_generic_template(obj)


def _has_generic_template(obj: dict[str, Any]) -> bool:
    """Any kind with ``spec.template.spec.containers`` or ``spec.jobTemplate.spec.template.spec.containers``."""
    for path in (("spec", "template", "spec"), ("spec", "jobTemplate", "spec", "template", "spec")):
        pod = _child(obj, *path)
        if isinstance(pod, dict) and isinstance(pod.get("containers"), list):
            return True
    return False


def _check_duplicates(reader: Reader, obj: YMap, root: str) -> None:
    """Report duplicate keys anywhere in the object: the API server rejects them (the last value is
    still read, so nothing goes unjudged). Aliased nodes are visited once, so a shared DAG is cheap."""
    if not _has_duplicates(obj):
        return  # nearly always: then no path is spelled out
    seen: set[int] = set()
    stack: list[tuple[YMap | YSeq, str]] = [(obj, root)]
    while stack:
        node, where = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, YMap):
            for key, pos in node.duplicates:
                reader.error(f"{where}.{key}", f"duplicate key {excerpt(str(key))} (Kubernetes rejects duplicate keys)",
                             reader.loc(pos))
            stack.extend((v, f"{where}.{k}") for k, v in node.items() if isinstance(v, (YMap, YSeq)))
        else:
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(node) if isinstance(v, (YMap, YSeq)))


def _has_duplicates(obj: YMap) -> bool:
    seen: set[int] = set()
    stack: list[YMap | YSeq] = [obj]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, YMap):
            if node.duplicates:
                return True
            stack += [v for v in node.values() if isinstance(v, (YMap, YSeq))]
        else:
            stack += [v for v in node if isinstance(v, (YMap, YSeq))]
    return False


def _workload(reader: Reader, resource: Resource, loc: Location, metadata: YMap, pod_meta: YMap, spec: YMap,
              where: str) -> Workload:
    volumes = _volumes(reader, spec, where)
    by_name = {v.name.value: v for v in volumes}
    containers: list[Container] = []
    for key, role in CONTAINER_LISTS:
        seq = reader.sequence(spec, key, where)
        for i, item in enumerate(seq or ()):
            item_where = f"{where}.{key}[{i}]"
            if not isinstance(item, YMap):
                reader.error(item_where, "expected a container mapping", reader.item_loc(seq, i))
                continue
            containers.append(_container(reader, item, role, by_name, item_where))
    os_map = reader.mapping(spec, "os", where)
    annotations = reader.pairs(pod_meta, "annotations", "metadata")
    pod_security = _security_context(reader, reader.mapping(spec, "securityContext", where), f"{where}.securityContext")
    pod_security, containers = _legacy_annotations(annotations, pod_security, containers)
    return Workload(
        format=Format.KUBERNETES,
        resource=resource,
        loc=loc,
        containers=tuple(containers),
        security=pod_security,
        labels=reader.pairs(pod_meta, "labels", "metadata"),
        annotations=annotations,
        object_labels=reader.pairs(metadata, "labels", "metadata"),
        object_annotations=reader.pairs(metadata, "annotations", "metadata"),
        host_network=reader.boolean(spec, "hostNetwork", where),
        host_pid=reader.boolean(spec, "hostPID", where),
        host_ipc=reader.boolean(spec, "hostIPC", where),
        host_users=reader.boolean(spec, "hostUsers", where),
        namespace_joins=_share_process_namespace(reader, spec, where),
        volumes=volumes,
        runtime=reader.string(spec, "runtimeClassName", where),
        os=reader.string(os_map, "name", f"{where}.os") if os_map is not None else None,
        node_selector=reader.pairs(spec, "nodeSelector", where),
        tolerations=_tolerations(reader, spec, where),
        node_name=reader.string(spec, "nodeName", where),
        service_account=reader.string(spec, "serviceAccountName", where)
        or reader.string(spec, "serviceAccount", where),
        automount_service_account_token=reader.boolean(spec, "automountServiceAccountToken", where),
    )


SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"
APPARMOR_CONTAINER_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"
# annotation value -> profile type; ``localhost/<name>`` is Localhost; any other value is kept as written
SECCOMP_ANNOTATION_TYPES = {"runtime/default": "RuntimeDefault", "docker/default": "RuntimeDefault",
                            "unconfined": "Unconfined"}
APPARMOR_ANNOTATION_TYPES = {"runtime/default": "RuntimeDefault", "": "RuntimeDefault", "unconfined": "Unconfined"}


def _annotation_profile(kv: KeyValue, types: dict[str, str]) -> Profile:
    raw = kv.value.value.strip()
    if raw.startswith("localhost/"):
        ptype, localhost = "Localhost", Value(raw[len("localhost/"):], kv.value.loc)
    else:
        ptype, localhost = types.get(raw, raw), None
    spelled = f"annotation {kv.key.value}: {raw or '(empty)'}"
    return Profile(kv.key.loc, Value(ptype, kv.value.loc, certain=kv.value.certain, text=spelled), localhost,
                   Source.ANNOTATION)


def _legacy_annotations(annotations: tuple[KeyValue, ...], pod: SecurityContext, containers: list[Container]
                        ) -> tuple[SecurityContext, list[Container]]:
    """The deprecated seccomp and AppArmor annotations as the model's profiles (``Source.ANNOTATION``),
    where no field sets the profile: the pod's seccomp annotation at the pod level, a container's at
    that container. An AppArmor annotation naming no container is kept at the pod level only when it
    does not confine (Pod Security admission rejects it whatever it names; a confining one applies to
    nothing). Which versions honour annotations is for the rules to judge."""
    by_name = {c.name.value: i for i, c in enumerate(containers) if c.name is not None}
    updates: dict[int, dict[str, Profile]] = {}
    pod_updates: dict[str, Profile] = {}
    for kv in annotations:
        key = kv.key.value
        if key == SECCOMP_POD_ANNOTATION and pod.seccomp is None:
            pod_updates["seccomp"] = _annotation_profile(kv, SECCOMP_ANNOTATION_TYPES)
        elif key.startswith(SECCOMP_CONTAINER_ANNOTATION):
            index = by_name.get(key[len(SECCOMP_CONTAINER_ANNOTATION):])
            if index is not None and containers[index].security.seccomp is None:
                updates.setdefault(index, {})["seccomp"] = _annotation_profile(kv, SECCOMP_ANNOTATION_TYPES)
        elif key.startswith(APPARMOR_CONTAINER_ANNOTATION):
            profile = _annotation_profile(kv, APPARMOR_ANNOTATION_TYPES)
            index = by_name.get(key[len(APPARMOR_CONTAINER_ANNOTATION):])
            if index is not None:
                if containers[index].security.apparmor is None:
                    updates.setdefault(index, {})["apparmor"] = profile
            elif pod.apparmor is None and "apparmor" not in pod_updates \
                    and profile.type.value not in ("RuntimeDefault", "Localhost"):
                pod_updates["apparmor"] = profile
    if pod_updates:
        pod = dataclasses.replace(pod, **pod_updates)
    for index, fields in updates.items():
        container = containers[index]
        containers[index] = dataclasses.replace(container, security=dataclasses.replace(container.security, **fields))
    return pod, containers


def _share_process_namespace(reader: Reader, spec: YMap, where: str) -> tuple[NamespaceJoin, ...]:
    shared = reader.boolean(spec, "shareProcessNamespace", where)
    if shared is None or not shared.value:
        return ()
    return (NamespaceJoin("pid", Value("pod", shared.loc)),)


def _tolerations(reader: Reader, spec: YMap, where: str) -> tuple[KeyValue, ...]:
    seq = reader.sequence(spec, "tolerations", where)
    out = []
    for i, item in enumerate(seq or ()):
        if isinstance(item, YMap):
            key = reader.string(item, "key", f"{where}.tolerations[{i}]", scalars=True)
            value = reader.string(item, "value", f"{where}.tolerations[{i}]", scalars=True)
            loc = reader.item_loc(seq, i)
            out.append(KeyValue(key or Value("", loc), value or Value("", loc)))
    return tuple(out)


def _volumes(reader: Reader, spec: YMap, where: str) -> tuple[Volume, ...]:
    seq = reader.sequence(spec, "volumes", where)
    out = []
    for i, item in enumerate(seq or ()):
        item_where = f"{where}.volumes[{i}]"
        loc = reader.item_loc(seq, i)
        if not isinstance(item, YMap):
            reader.error(item_where, "expected a volume mapping", loc)
            continue
        name = reader.string(item, "name", item_where) or Value("", loc)
        # Kubernetes rejects a volume with several sources; whatever their order, judge the riskiest
        sources = sorted((k for k in item if isinstance(k, str) and k and k != "name"),
                         key=lambda k: (k != "hostPath", k))
        vtype = Value(sources[0], reader.key_loc(item, sources[0])) if sources else None
        host_path = host_type = medium = size = None
        if vtype is not None and vtype.value == "hostPath":
            hp = reader.mapping(item, "hostPath", item_where)
            host_path = reader.string(hp, "path", f"{item_where}.hostPath")
            host_type = reader.string(hp, "type", f"{item_where}.hostPath")
        elif vtype is not None and vtype.value == "emptyDir":
            ed = reader.mapping(item, "emptyDir", item_where)
            medium = reader.string(ed, "medium", f"{item_where}.emptyDir")
            size = reader.string(ed, "sizeLimit", f"{item_where}.emptyDir", scalars=True)
        out.append(Volume(loc, name, vtype, host_path, host_type, medium, size))
    return tuple(out)


def _container(reader: Reader, item: YMap, role: Role, volumes: dict[str, Volume], where: str) -> Container:
    security = _security_context(reader, reader.mapping(item, "securityContext", where), f"{where}.securityContext")
    _check_escalation(reader, security, f"{where}.securityContext")
    return Container(
        loc=reader.loc(item.pos),
        role=role,
        name=reader.string(item, "name", where),
        image=reader.string(item, "image", where),
        security=security,
        ports=_ports(reader, item, where),
        mounts=_mounts(reader, item, volumes, where),
        handlers=_handlers(reader, item, where),
        command=reader.strings(item, "command", where, scalars=True),
        args=reader.strings(item, "args", where, scalars=True),
        env=_env(reader, item, where),
        limits=reader.pairs(reader.mapping(item, "resources", where), "limits", f"{where}.resources"),
        requests=reader.pairs(reader.mapping(item, "resources", where), "requests", f"{where}.resources"),
    )


def _check_escalation(reader: Reader, security: SecurityContext, where: str) -> None:
    """The API server's ValidateSecurityContext: ``allowPrivilegeEscalation: false`` together with
    ``privileged: true`` or an added ``CAP_SYS_ADMIN`` (that exact spelling) is refused. The values are
    still judged as written (a privileged container escalates whatever it says)."""
    escalation = security.allow_privilege_escalation
    if escalation is None or escalation.value is not False:
        return
    if security.privileged is not None and security.privileged.value is True:
        reader.error(where, "cannot set allowPrivilegeEscalation to false and privileged to true (the API server "
                     "rejects this container)", escalation.loc)
    if any(cap.value == "CAP_SYS_ADMIN" for cap in security.capabilities_add):
        reader.error(where, "cannot set allowPrivilegeEscalation to false and capabilities.add CAP_SYS_ADMIN (the "
                     "API server rejects this container)", escalation.loc)


def _env(reader: Reader, item: YMap, where: str) -> tuple[KeyValue, ...]:
    seq = reader.sequence(item, "env", where)
    out = []
    for i, entry in enumerate(seq or ()):
        if isinstance(entry, YMap):
            name = reader.string(entry, "name", f"{where}.env[{i}]", scalars=True)
            if name is None:
                continue
            value = reader.string(entry, "value", f"{where}.env[{i}]", scalars=True)
            out.append(KeyValue(name, value or Value("", name.loc)))
    return tuple(out)


def _ports(reader: Reader, item: YMap, where: str) -> tuple[Port, ...]:
    seq = reader.sequence(item, "ports", where)
    out = []
    for i, entry in enumerate(seq or ()):
        port_where = f"{where}.ports[{i}]"
        if not isinstance(entry, YMap):
            reader.error(port_where, "expected a port mapping", reader.item_loc(seq, i))
            continue
        out.append(Port(
            loc=reader.item_loc(seq, i),
            container_port=reader.integer(entry, "containerPort", port_where),
            host_port=reader.integer(entry, "hostPort", port_where),
            host_ip=reader.string(entry, "hostIP", port_where),
            protocol=reader.string(entry, "protocol", port_where),
        ))
    return tuple(out)


def _mounts(reader: Reader, item: YMap, volumes: dict[str, Volume], where: str) -> tuple[Mount, ...]:
    seq = reader.sequence(item, "volumeMounts", where)
    out = []
    for i, entry in enumerate(seq or ()):
        mount_where = f"{where}.volumeMounts[{i}]"
        loc = reader.item_loc(seq, i)
        if not isinstance(entry, YMap):
            reader.error(mount_where, "expected a volume mount mapping", loc)
            continue
        name = reader.string(entry, "name", mount_where)
        volume = volumes.get(name.value) if name else None
        sub_path = reader.string(entry, "subPath", mount_where) or reader.string(entry, "subPathExpr", mount_where)
        source: Value[str] | None = name
        mtype = Value("volume", loc)
        if volume is not None and volume.host_path is not None:
            mtype = Value("bind", loc)
            source = volume.host_path
            if sub_path is not None and sub_path.value:
                joined = volume.host_path.value.rstrip("/") + "/" + sub_path.value.lstrip("/")
                expr = "subPathExpr" in entry
                source = Value(joined, volume.host_path.loc, certain=not expr)
        elif volume is not None and volume.type is not None:
            mtype = Value(volume.type.value, loc)
        out.append(Mount(
            loc=loc,
            type=mtype,
            target=reader.string(entry, "mountPath", mount_where),
            source=source,
            read_only=reader.boolean(entry, "readOnly", mount_where),
            propagation=reader.string(entry, "mountPropagation", mount_where),
            sub_path=sub_path,
            volume=volume,
        ))
    return tuple(out)


def _handlers(reader: Reader, item: YMap, where: str) -> tuple[Handler, ...]:
    out: list[Handler] = []
    places: list[tuple[str, YMap | None, str]] = [
        (probe, reader.mapping(item, probe, where), f"{where}.{probe}") for probe in PROBES]
    lifecycle = reader.mapping(item, "lifecycle", where)
    places += [(f"lifecycle.{hook}", reader.mapping(lifecycle, hook, f"{where}.lifecycle"),
                f"{where}.lifecycle.{hook}") for hook in LIFECYCLE_HOOKS]
    for kind, handler, handler_where in places:
        if handler is None:
            continue
        for action in HOST_HANDLERS:
            target = reader.mapping(handler, action, handler_where)
            host = reader.string(target, "host", f"{handler_where}.{action}") if target is not None else None
            if host is not None:
                out.append(Handler(host.loc, f"{kind}.{action}", host))
    return tuple(out)


def _profile(reader: Reader, parent: YMap | None, key: str, where: str) -> Profile | None:
    mapping = reader.mapping(parent, key, where)
    if mapping is None:
        return None
    ptype = reader.string(mapping, "type", f"{where}.{key}")
    if ptype is None:
        return None
    return Profile(reader.key_loc(parent, key), ptype, reader.string(mapping, "localhostProfile", f"{where}.{key}"))


def _security_context(reader: Reader, sc: YMap | None, where: str) -> SecurityContext:
    if sc is None:
        return SecurityContext()
    caps = reader.mapping(sc, "capabilities", where)
    selinux_map = reader.mapping(sc, "seLinuxOptions", where)
    selinux = None
    if selinux_map is not None:
        sw = f"{where}.seLinuxOptions"
        selinux = SELinux(reader.key_loc(sc, "seLinuxOptions"), reader.string(selinux_map, "type", sw),
                          reader.string(selinux_map, "user", sw), reader.string(selinux_map, "role", sw),
                          reader.string(selinux_map, "level", sw))
    windows = reader.mapping(sc, "windowsOptions", where)
    return SecurityContext(
        loc=reader.loc(sc.pos),
        privileged=reader.boolean(sc, "privileged", where),
        allow_privilege_escalation=reader.boolean(sc, "allowPrivilegeEscalation", where),
        capabilities_add=reader.strings(caps, "add", f"{where}.capabilities"),
        capabilities_drop=reader.strings(caps, "drop", f"{where}.capabilities"),
        run_as_user=reader.integer(sc, "runAsUser", where),
        run_as_group=reader.integer(sc, "runAsGroup", where),
        run_as_non_root=reader.boolean(sc, "runAsNonRoot", where),
        supplemental_groups=_int_list(reader, sc, "supplementalGroups", where),
        fs_group=reader.integer(sc, "fsGroup", where),
        seccomp=_profile(reader, sc, "seccompProfile", where),
        apparmor=_profile(reader, sc, "appArmorProfile", where),
        selinux=selinux,
        proc_mount=reader.string(sc, "procMount", where),
        read_only_root_filesystem=reader.boolean(sc, "readOnlyRootFilesystem", where),
        windows_host_process=reader.boolean(windows, "hostProcess", f"{where}.windowsOptions"),
        windows_run_as_user_name=reader.string(windows, "runAsUserName", f"{where}.windowsOptions"),
        sysctls=_sysctls(reader, sc, where),
    )


def _int_list(reader: Reader, parent: YMap, key: str, where: str) -> tuple[Value[int | str], ...]:
    seq = reader.sequence(parent, key, where)
    out: list[Value[int | str]] = []
    for i, item in enumerate(seq or ()):
        if isinstance(item, int) and not isinstance(item, bool):
            out.append(Value(item, reader.item_loc(seq, i)))
        else:
            reader.error(f"{where}.{key}[{i}]", "expected an integer", reader.item_loc(seq, i))
    return tuple(out)


def _sysctls(reader: Reader, sc: YMap, where: str) -> tuple[KeyValue, ...]:
    seq = reader.sequence(sc, "sysctls", where)
    out = []
    for i, item in enumerate(seq or ()):
        if not isinstance(item, YMap):
            reader.error(f"{where}.sysctls[{i}]", "expected a mapping with name and value", reader.item_loc(seq, i))
            continue
        name = reader.string(item, "name", f"{where}.sysctls[{i}]")
        if name is None:
            continue
        value = reader.string(item, "value", f"{where}.sysctls[{i}]", scalars=True)
        out.append(KeyValue(name, value or Value("", name.loc)))
    return tuple(out)
