"""The intermediate model every parser produces and every rule reads.

Plain frozen dataclasses. Every value a rule may report is a :class:`Value`, which carries the
:class:`Location` the parser saw it at; model objects carry their own ``loc`` too, so a rule can
report any of them. For a mapping entry the location is that of its *key* (``privileged: true`` is
reported at ``privileged``); for a sequence item it is the item itself.

One model serves all three formats:

* a Kubernetes object holding a pod spec, a Compose service and a Dockerfile's target stage are
  each a :class:`Workload` with one or more :class:`Container`;
* Kubernetes ``Namespace`` and ``RuntimeClass`` objects are kept for cross-file reasoning;
* a Dockerfile is also kept whole as an :class:`Image` (stages and instructions), reachable from
  the workload it produced and from a Compose service that builds it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from typing import Generic, TypeVar

T = TypeVar("T")


class _Node:
    """Base of the model's classes: one ``__repr__`` for all of them, the one ``dataclass`` would
    generate. (Generating it per class is a measurable share of start-up; hence ``repr=False``.)"""

    __slots__ = ()

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return f"{type(self).__qualname__}({shown})"


@dataclass(frozen=True, slots=True, repr=False)
class Location(_Node):
    """A place in a source file: 1-based line; 1-based column, or ``None`` when unknown."""

    path: str
    line: int
    column: int | None = None


@dataclass(frozen=True, slots=True, repr=False)
class Value(_Node, Generic[T]):
    """A value read from a source file, with where it was read.

    ``certain`` is False when the value depends on something the linter could not resolve
    (an unset Compose variable whose default was taken, an ``ARG`` without a value, ...).
    ``text`` keeps the source spelling when it differs from ``value`` (``"yes"`` read as True).
    """

    value: T
    loc: Location
    certain: bool = True
    text: str | None = None


class Format(str, enum.Enum):
    KUBERNETES = "kubernetes"
    COMPOSE = "compose"
    DOCKERFILE = "dockerfile"


class Role(str, enum.Enum):
    """What a container is within its workload."""

    CONTAINER = "container"  # Kubernetes spec.containers[], a Compose service, a Dockerfile image
    INIT = "init"
    EPHEMERAL = "ephemeral"


@dataclass(frozen=True, slots=True, repr=False)
class Resource(_Node):
    """What a workload is, for reports: ``Deployment/web`` in ``prod``, ``ComposeService/db``."""

    kind: str
    name: str
    namespace: str | None = None
    api_version: str | None = None


@dataclass(frozen=True, slots=True, repr=False)
class KeyValue(_Node):
    key: Value[str]
    value: Value[str]


@dataclass(frozen=True, slots=True, repr=False)
class SELinux(_Node):
    """SELinux options (Kubernetes ``seLinuxOptions``, Compose ``security_opt: label=...``)."""

    loc: Location
    type: Value[str] | None = None
    user: Value[str] | None = None
    role: Value[str] | None = None
    level: Value[str] | None = None
    disabled: Value[bool] | None = None  # Compose ``label=disable`` / ``label:disable``


class Source(str, enum.Enum):
    """Where a setting was written: its field (Compose ``security_opt`` included), or a legacy
    Kubernetes annotation the parser normalised into the same model (seccomp, AppArmor)."""

    FIELD = "field"
    ANNOTATION = "annotation"


@dataclass(frozen=True, slots=True, repr=False)
class Profile(_Node):
    """A seccomp or AppArmor profile choice.

    ``type`` uses the Kubernetes spellings ``RuntimeDefault``, ``Unconfined`` and ``Localhost``
    whatever the source format (Compose ``seccomp=unconfined`` is ``Unconfined``, a file path is
    ``Localhost``, the annotation value ``runtime/default`` is ``RuntimeDefault``); ``type.text``
    keeps the source spelling. ``source`` is :attr:`Source.ANNOTATION` for a profile read from the
    deprecated ``seccomp.security.alpha.kubernetes.io/pod``,
    ``container.seccomp.security.alpha.kubernetes.io/<name>`` or
    ``container.apparmor.security.beta.kubernetes.io/<name>`` annotations (kept only where no field
    sets the profile; ``loc`` is then the annotation's key): which Kubernetes versions honour them
    is the rules' judgement.
    """

    loc: Location
    type: Value[str]
    localhost: Value[str] | None = None
    source: Source = Source.FIELD


@dataclass(frozen=True, slots=True, repr=False)
class SecurityContext(_Node):
    """Security settings of a pod (Kubernetes pod level) or of one container.

    Kubernetes keeps both levels apart; Pod Security Standards judge the raw value at each level,
    so both are kept and :meth:`Container.effective` resolves container-over-pod.
    Compose and Dockerfile settings land in the container-level context.
    """

    loc: Location | None = None
    privileged: Value[bool] | None = None
    allow_privilege_escalation: Value[bool] | None = None
    capabilities_add: tuple[Value[str], ...] = ()
    capabilities_drop: tuple[Value[str], ...] = ()
    # Numeric ids stay int; a name (Compose ``user: root``, Dockerfile ``USER app``) stays str.
    run_as_user: Value[int | str] | None = None
    run_as_group: Value[int | str] | None = None
    run_as_non_root: Value[bool] | None = None
    supplemental_groups: tuple[Value[int | str], ...] = ()
    fs_group: Value[int] | None = None
    seccomp: Profile | None = None
    apparmor: Profile | None = None
    selinux: SELinux | None = None
    proc_mount: Value[str] | None = None
    read_only_root_filesystem: Value[bool] | None = None
    windows_host_process: Value[bool] | None = None
    windows_run_as_user_name: Value[str] | None = None
    sysctls: tuple[KeyValue, ...] = ()
    masked_paths_disabled: Value[bool] | None = None  # Compose ``systempaths=unconfined``
    writable_cgroups: Value[bool] | None = None  # Compose ``writable-cgroups``


EMPTY_CONTEXT = SecurityContext()


@dataclass(frozen=True, slots=True, repr=False)
class Port(_Node):
    loc: Location
    container_port: Value[int] | None = None
    host_port: Value[int] | None = None  # for Compose, the first port of a published range
    host_port_end: Value[int] | None = None
    host_ip: Value[str] | None = None  # None: all interfaces
    protocol: Value[str] | None = None


@dataclass(frozen=True, slots=True, repr=False)
class Volume(_Node):
    """A Kubernetes pod volume or a Compose top-level volume.

    ``type`` is the Kubernetes volume source key (``hostPath``, ``emptyDir``, ``configMap`` ...);
    for Compose: ``volume``. ``host_path`` is set for a hostPath volume or for a Compose named
    volume that is a disguised bind (``driver_opts: {type: none, o: bind, device: PATH}``).
    """

    loc: Location
    name: Value[str]
    type: Value[str] | None = None
    host_path: Value[str] | None = None
    host_path_type: Value[str] | None = None
    medium: Value[str] | None = None  # emptyDir.medium
    size_limit: Value[str] | None = None  # emptyDir.sizeLimit


@dataclass(frozen=True, slots=True, repr=False)
class Mount(_Node):
    """A filesystem mounted into a container.

    ``type`` is ``bind`` for any host path (Kubernetes hostPath volume, Compose bind, a disguised
    bind volume), else ``volume``, ``tmpfs``, ``npipe``, ``image`` or the Kubernetes volume type.
    ``source`` is the host path for a bind (Kubernetes: hostPath + subPath), else the volume name.
    """

    loc: Location
    type: Value[str]
    target: Value[str] | None = None
    source: Value[str] | None = None
    read_only: Value[bool] | None = None
    propagation: Value[str] | None = None
    sub_path: Value[str] | None = None
    volume: Volume | None = None


@dataclass(frozen=True, slots=True, repr=False)
class Device(_Node):
    """A host device given to a container (Compose ``devices``; ``host`` None for CDI names)."""

    loc: Location
    spec: Value[str]
    host: Value[str] | None = None
    target: Value[str] | None = None
    permissions: Value[str] | None = None


@dataclass(frozen=True, slots=True, repr=False)
class Handler(_Node):
    """A probe or lifecycle handler that names a host (``httpGet.host`` / ``tcpSocket.host``)."""

    loc: Location
    kind: str  # livenessProbe, readinessProbe, startupProbe, lifecycle.postStart, ...
    host: Value[str]


@dataclass(frozen=True, slots=True, repr=False)
class Hook(_Node):
    """A Compose lifecycle hook (``post_start``, ``pre_stop``, ``pre_start``): a command Compose runs
    in the service's container like ``docker exec``, with its own ``privileged`` and ``user``."""

    loc: Location
    kind: str  # post_start | pre_stop | pre_start
    privileged: Value[bool] | None = None
    user: Value[int | str] | None = None  # as Compose ``user``: a number stays int, a name str
    command: tuple[Value[str], ...] = ()


@dataclass(frozen=True, slots=True, repr=False)
class NamespaceJoin(_Node):
    """Compose ``network_mode|pid|ipc: service:X | container:X``; Kubernetes shareProcessNamespace."""

    namespace: str  # network | pid | ipc
    target: Value[str]


@dataclass(frozen=True, slots=True, repr=False)
class Container(_Node):
    loc: Location
    role: Role = Role.CONTAINER
    name: Value[str] | None = None
    image: Value[str] | None = None
    security: SecurityContext = EMPTY_CONTEXT
    ports: tuple[Port, ...] = ()
    mounts: tuple[Mount, ...] = ()
    devices: tuple[Device, ...] = ()
    handlers: tuple[Handler, ...] = ()
    command: tuple[Value[str], ...] = ()
    args: tuple[Value[str], ...] = ()
    env: tuple[KeyValue, ...] = ()
    limits: tuple[KeyValue, ...] = ()
    requests: tuple[KeyValue, ...] = ()
    hooks: tuple[Hook, ...] = ()  # Compose lifecycle hooks

    @property
    def display_name(self) -> str:
        return self.name.value if self.name is not None else self.role.value


@dataclass(frozen=True, slots=True, repr=False)
class Build(_Node):
    """How a Compose service builds its image."""

    loc: Location
    context: Value[str] | None = None
    dockerfile: Value[str] | None = None
    dockerfile_inline: Value[str] | None = None
    target: Value[str] | None = None
    args: tuple[KeyValue, ...] = ()
    privileged: Value[bool] | None = None
    network: Value[str] | None = None
    entitlements: tuple[Value[str], ...] = ()


@dataclass(frozen=True, slots=True, repr=False)
class Instruction(_Node):
    """One Dockerfile instruction.

    ``keyword`` is upper-case; ``value`` is the argument text after line continuations are joined,
    flags included; ``flags`` holds ``--name=value`` flags; ``heredocs`` the bodies of any
    ``<<EOT`` documents the instruction carries (never parsed as instructions). An ``ONBUILD``
    holds in ``trigger`` the instruction it runs in every image built ``FROM`` this one.
    """

    loc: Location
    keyword: str
    value: str
    flags: tuple[KeyValue, ...] = ()
    arguments: tuple[str, ...] = ()
    json_form: bool = False
    heredocs: tuple[str, ...] = ()
    end_line: int | None = None
    trigger: Instruction | None = None

    def flag(self, name: str) -> Value[str] | None:
        """The value of ``--name`` (the last one wins), e.g. ``instruction.flag("mount")``."""
        found: Value[str] | None = None
        for flag in self.flags:
            if flag.key.value == name:
                found = flag.value
        return found


@dataclass(frozen=True, slots=True, repr=False)
class Stage(_Node):
    loc: Location  # the FROM instruction
    index: int
    base: Value[str]  # image reference after global-ARG substitution, or a stage name
    name: Value[str] | None = None
    base_stage: int | None = None  # index of the earlier stage it is built FROM
    platform: Value[str] | None = None
    instructions: tuple[Instruction, ...] = ()
    user: Value[str] | None = None  # last USER of this stage itself
    effective_user: Value[str] | None = None  # including what it inherits through FROM <stage>


@dataclass(frozen=True, slots=True, repr=False)
class Image(_Node):
    """A parsed Dockerfile."""

    path: str
    loc: Location
    stages: tuple[Stage, ...] = ()
    directives: tuple[KeyValue, ...] = ()  # syntax, escape, check
    global_args: tuple[Instruction, ...] = ()

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def target(self, name: str | None) -> Stage | None:
        """The stage a build of ``target`` ends at (the last stage when no target is given)."""
        if name is None:
            return self.final_stage
        for stage in self.stages:
            if stage.name is not None and stage.name.value == name:
                return stage
        return None


@dataclass(frozen=True, slots=True, repr=False)
class Workload(_Node):
    """One thing that runs: a Kubernetes pod spec, a Compose service, a Dockerfile's image.

    Pod-level settings live here; per-container settings on each :class:`Container`.
    Compose namespace modes map to the same ``host_*`` fields as Kubernetes
    (``network_mode: host`` is ``host_network``); ``userns_mode: host`` is ``host_users``.
    """

    format: Format
    resource: Resource
    loc: Location
    containers: tuple[Container, ...] = ()
    security: SecurityContext = EMPTY_CONTEXT  # pod level (Kubernetes only)
    labels: tuple[KeyValue, ...] = ()  # pod template labels, else object labels; Compose labels
    annotations: tuple[KeyValue, ...] = ()  # pod template annotations
    object_labels: tuple[KeyValue, ...] = ()  # Kubernetes object metadata (may differ from pod)
    object_annotations: tuple[KeyValue, ...] = ()
    host_network: Value[bool] | None = None
    host_pid: Value[bool] | None = None
    host_ipc: Value[bool] | None = None
    host_uts: Value[bool] | None = None
    host_cgroup: Value[bool] | None = None
    host_users: Value[bool] | None = None  # Kubernetes hostUsers (default true); Compose userns
    userns_mode: Value[str] | None = None
    namespace_joins: tuple[NamespaceJoin, ...] = ()
    volumes: tuple[Volume, ...] = ()
    runtime: Value[str] | None = None  # runtimeClassName / Compose runtime
    checkouts: tuple[Value[str], ...] = ()  # repositories cloned in before it starts (Argo git artifacts)
    scripts: tuple[Value[str], ...] = ()  # script text it runs (Argo script source)
    os: Value[str] | None = None  # spec.os.name / Compose platform os / Dockerfile platform
    node_selector: tuple[KeyValue, ...] = ()
    tolerations: tuple[KeyValue, ...] = ()
    node_name: Value[str] | None = None
    service_account: Value[str] | None = None
    automount_service_account_token: Value[bool] | None = None
    # Compose-only settings without a Kubernetes twin
    cgroup_parent: Value[str] | None = None
    volumes_from: tuple[Value[str], ...] = ()
    use_api_socket: Value[bool] | None = None
    device_cgroup_rules: tuple[Value[str], ...] = ()
    security_opt: tuple[Value[str], ...] = ()
    healthcheck: Value[str] | None = None  # Compose healthcheck test / Dockerfile HEALTHCHECK
    healthcheck_disabled: Value[bool] | None = None
    isolation: Value[str] | None = None
    profiles: tuple[Value[str], ...] = ()
    extensions: tuple[KeyValue, ...] = ()  # x-isolint and friends, flattened "x-isolint.ignore"
    build: Build | None = None
    image: Image | None = None  # the Dockerfile behind it (Dockerfile workloads, linked builds)
    target_stage: Stage | None = None  # the stage of ``image`` the workload runs
    source_lines: tuple[int, int] | None = None  # first and last line of the object/service

    @property
    def path(self) -> str:
        return self.loc.path

    @property
    def main_container(self) -> Container | None:
        """The container the workload is about when it has one main process: a Compose service's
        or a Dockerfile image's only container (for a pod: the first one listed), or None."""
        return self.containers[0] if self.containers else None

    def effective(self, container: Container, name: str) -> object | None:
        """Container-over-pod resolution of a security-context field (``run_as_user``, ...)."""
        own = getattr(container.security, name)
        if own not in (None, ()):
            return own
        return getattr(self.security, name)

    def label(self, key: str) -> Value[str] | None:
        for kv in self.labels:
            if kv.key.value == key:
                return kv.value
        return None

    def annotation(self, key: str) -> Value[str] | None:
        for kv in self.annotations:
            if kv.key.value == key:
                return kv.value
        return None


@dataclass(frozen=True, slots=True, repr=False)
class Namespace(_Node):
    """A Kubernetes Namespace object seen in the run (labels drive tenancy and PSA levels)."""

    loc: Location
    name: Value[str]
    labels: tuple[KeyValue, ...] = ()
    annotations: tuple[KeyValue, ...] = ()

    @property
    def resource(self) -> Resource:
        return Resource("Namespace", self.name.value)

    def label(self, key: str) -> Value[str] | None:
        for kv in self.labels:
            if kv.key.value == key:
                return kv.value
        return None


@dataclass(frozen=True, slots=True, repr=False)
class RuntimeClass(_Node):
    loc: Location
    name: Value[str]
    handler: Value[str] | None = None


@dataclass(frozen=True, slots=True, repr=False)
class ServiceAccount(_Node):
    """A Kubernetes ServiceAccount object seen in the run (its token automount default)."""

    loc: Location
    name: Value[str]
    namespace: str | None = None
    automount_service_account_token: Value[bool] | None = None


@dataclass(frozen=True, slots=True, repr=False)
class ParseError(_Node):
    """A file (or part of one) that could not be read; the run goes on without it."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None


@dataclass(slots=True)
class FileModel:
    """Everything one source file contributed to the model."""

    path: str
    format: Format | None
    workloads: list[Workload] = field(default_factory=list)
    namespaces: list[Namespace] = field(default_factory=list)
    runtime_classes: list[RuntimeClass] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    lines: tuple[str, ...] = ()  # source lines, for code frames and inline comments
    service_accounts: list[ServiceAccount] = field(default_factory=list)
    # other files its locations point into (a Kustomize build's bases and patches): their lines, for
    # the comment suppressions written there
    mapped: dict[str, tuple[str, ...]] = field(default_factory=dict)
