"""Trust classification and runtime isolation: who runs the code, and behind which kernel.

Every workload is classified ``trusted``, ``unknown``, ``untrusted`` or ``multi-tenant`` with the
evidence that decided it (catalogue §2.5). Precedence: an explicit marker beats tenant signals,
which beat image and label heuristics; ``trusted`` stops the heuristics.

1. Explicit marker ``isolint.io/trust: untrusted|multi-tenant|trusted``: a label or annotation on
   the workload object or its pod template (the more specific wins), then on its ``Namespace``
   object; in Compose a service label or ``x-isolint: {trust: ...}`` at service or top level.
2. Tenant signals: a Namespace object (seen anywhere in the run) or the workload carrying a tenant
   label key (Capsule ``capsule.clastix.io/tenant``; an HNC ``<parent>.tree.hnc.x-k8s.io/depth``
   of 1 or more), or a namespace name matching ``tenant_namespaces`` (for when the Namespace
   object is not part of the run).
3. Heuristics: an image matching ``untrusted_images`` (notebooks and code runners, CI runners,
   image builders), a ``key=value`` label in ``untrusted_labels`` (JupyterHub's
   ``component=singleuser-server``), a kind in ``untrusted_kinds``, an operator kind that runs
   pipelines or notebooks (Argo workflow pods only when their workflow clones or builds:
   :func:`build_evidence`). An image matching ``trusted_images`` makes the workload ``trusted``
   instead.

A workload left ``unknown`` that nearly matches (a name or image word of a CI runner, notebook or
code executor; an Argo pod without a build) gets a :class:`Hint` with the marker or configuration
line to write; a per-node workload with host access is a node agent (:func:`node_agent_access`).
The advisor's use of all this: ``docs/advisor.md``.

Dockerfile images are left ``unknown``: where and under which runtime they run is decided by the
Compose file or manifest that uses them.

Configuration (``Settings.trust``, the ``trust`` table of the configuration file). Every list
key replaces the default; ``extra_<key>`` appends to it instead:

=========================== ===================================================================
``marker_key``              label/annotation of the explicit marker (``isolint.io/trust``)
``tenant_label_keys``       namespace/workload label keys (globs) that mark a tenant
``tenant_namespaces``       namespace-name globs treated as tenant namespaces
``untrusted_images``        image globs of untrusted-code workloads (all categories)
``build_tool_images``       image globs of CI runners and image builders (RI002)
``trusted_images``          image globs classified ``trusted``
``untrusted_labels``        ``key=value`` pod labels of untrusted-code workloads
``untrusted_kinds``         object kinds that run untrusted code (``Sandbox``)
``sandbox_runtime_classes`` Kubernetes RuntimeClass names known to be gVisor or Kata
``sandbox_runtimes``        Compose ``runtime`` values of gVisor or Kata
``userns_hardened_runtimes`` runtimes that harden with user namespaces but share the kernel
``shared_kernel_runtimes``  runtimes known to share the host kernel (runc, crun ...)
=========================== ===================================================================
"""

from __future__ import annotations

import enum
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .context import Classification, Context, Trust
from .images import parse_image_reference
from .judgements.capabilities import capability_name
from .judgements.globs import first_glob_match, first_image_match
from .judgements.host import exposed_runtime_socket
from .judgements.values import is_true
from .model import Format, KeyValue, Namespace, Value, Workload
from .parsers.operators import ROLES as OPERATOR_ROLES

MARKER_KEY = "isolint.io/trust"
MARKER_EXTENSION = "x-isolint.trust"
HNC_DEPTH_SUFFIX = ".tree.hnc.x-k8s.io/depth"

NOTEBOOK_IMAGES = ("jupyter/*", "quay.io/jupyter/*", "jupyterhub/*singleuser*", "*/code-server*", "coder/*",
                   "judge0/*")
CI_RUNNER_IMAGES = ("gitlab/gitlab-runner*", "*/gitlab-runner-helper*", "ghcr.io/actions/actions-runner*",
                    "summerwind/actions-runner*", "myoung34/github-runner*", "jenkins/inbound-agent*",
                    "jenkins/agent*", "buildkite/agent*")
BUILDER_IMAGES = ("docker:*dind*", "docker:dind", "moby/buildkit*", "gcr.io/kaniko-project/executor*",
                  "quay.io/buildah/*", "quay.io/podman/*")

DEFAULTS: dict[str, Any] = {
    "marker_key": MARKER_KEY,
    "tenant_label_keys": ["capsule.clastix.io/tenant", "*" + HNC_DEPTH_SUFFIX],
    "tenant_namespaces": [],
    "untrusted_images": [*NOTEBOOK_IMAGES, *CI_RUNNER_IMAGES, *BUILDER_IMAGES],
    "build_tool_images": [*CI_RUNNER_IMAGES, *BUILDER_IMAGES],
    "trusted_images": [],
    "untrusted_labels": ["component=singleuser-server"],
    "untrusted_kinds": ["Sandbox"],
    "sandbox_runtime_classes": [
        "gvisor", "runsc", "kata", "kata-*", "kata-vm-isolation", "kata-mshv-vm-isolation"],
    "sandbox_runtimes": ["runsc", "io.containerd.runsc.v1", "kata", "kata-runtime", "kata-qemu", "kata-clh",
                         "kata-fc", "io.containerd.kata*.v2"],
    "userns_hardened_runtimes": ["sysbox-runc"],
    "shared_kernel_runtimes": ["runc", "crun", "youki", "io.containerd.runc.v2", "nvidia"],
}


def trust_setting(ctx: Context | Mapping[str, Any], key: str) -> Any:
    """A trust setting: the configured value (or default) plus any ``extra_<key>`` entries."""
    config = ctx.settings.get("trust") if isinstance(ctx, Context) else ctx
    config = config or {}
    value = config.get(key, DEFAULTS[key])
    extra = config.get(f"extra_{key}")
    if isinstance(value, list) and extra:
        return [*value, *extra]
    return value


def _globs_match(text: str, patterns: Iterable[str]) -> str | None:
    return first_glob_match((text.lower(),), patterns)


def _image_pattern(image: str, patterns: Iterable[str]) -> str | None:
    return first_image_match(image, patterns)


# -- runtimes ----------------------------------------------------------------------------------

class RuntimeKind(str, enum.Enum):
    """The isolation a container runtime gives (catalogue Appendix F)."""

    SHARED_KERNEL = "shared-kernel"  # runc, crun: namespaces and cgroups over the host kernel
    USERNS_HARDENED = "userns-hardened"  # sysbox: user namespaces, still the host kernel
    USERSPACE_KERNEL = "userspace-kernel"  # gVisor: a kernel in user space between app and host
    VM = "vm"  # Kata, Firecracker: a guest kernel per pod
    UNKNOWN = "unknown"

    @property
    def sandboxed(self) -> bool:
        return self in (RuntimeKind.USERSPACE_KERNEL, RuntimeKind.VM)


@dataclass(frozen=True, slots=True)
class RuntimeIsolation:
    kind: RuntimeKind
    name: Value[str] | None = None  # runtimeClassName / Compose runtime, None for the default
    handler: str | None = None  # the RuntimeClass handler it resolved to
    resolved_by: str | None = None  # "RuntimeClass object", "known name", or None

    @property
    def label(self) -> str:
        if self.name is None:
            return "default (runc)"
        via = f" -> {self.handler}" if self.handler and self.handler != self.name.value else ""
        return f"{self.name.value}{via} ({self.kind.value})"


def _kind_of_name(name: str, ctx: Context, sandbox_key: str) -> RuntimeKind | None:
    lowered = name.strip().lower()
    if _globs_match(lowered, trust_setting(ctx, sandbox_key)):
        return RuntimeKind.USERSPACE_KERNEL if "runsc" in lowered or "gvisor" in lowered else RuntimeKind.VM
    if _globs_match(lowered, trust_setting(ctx, "userns_hardened_runtimes")):
        return RuntimeKind.USERNS_HARDENED
    if _globs_match(lowered, trust_setting(ctx, "shared_kernel_runtimes")):
        return RuntimeKind.SHARED_KERNEL
    return None


def handler_kind(handler: str) -> RuntimeKind:
    """What a RuntimeClass handler is: ``runsc`` gVisor, ``kata*`` a VM, ``runc``/``crun`` shared."""
    lowered = handler.strip().lower()
    if re.fullmatch(r"runsc(-[a-z0-9-]+)?", lowered) or lowered == "gvisor":
        return RuntimeKind.USERSPACE_KERNEL
    if lowered.startswith("kata"):
        return RuntimeKind.VM
    if lowered.startswith("sysbox"):
        return RuntimeKind.USERNS_HARDENED
    if lowered in ("runc", "crun", "youki", "nvidia") or lowered.startswith("io.containerd.runc"):
        return RuntimeKind.SHARED_KERNEL
    return RuntimeKind.UNKNOWN


def runtime_isolation(workload: Workload, ctx: Context) -> RuntimeIsolation:
    """The runtime a workload asks for and the isolation it gives, resolved through RuntimeClass
    objects of the same run first (a class name is free-form; only its handler tells)."""
    name = workload.runtime
    if workload.format is Format.DOCKERFILE:
        return RuntimeIsolation(RuntimeKind.UNKNOWN)
    if workload.format is Format.KUBERNETES and OPERATOR_ROLES.get(workload.resource.kind) == "vm":
        return RuntimeIsolation(RuntimeKind.VM, Value(f"KubeVirt {workload.resource.kind}", workload.loc), None,
                                "kind")
    if name is None or not name.value.strip():
        return RuntimeIsolation(RuntimeKind.SHARED_KERNEL)
    if workload.format is Format.KUBERNETES:
        runtime_class = ctx.runtime_classes.get(name.value)
        if runtime_class is not None and runtime_class.handler is not None:
            handler = runtime_class.handler.value
            return RuntimeIsolation(handler_kind(handler), name, handler, "RuntimeClass object")
        kind = _kind_of_name(name.value, ctx, "sandbox_runtime_classes")
    else:
        kind = _kind_of_name(name.value, ctx, "sandbox_runtimes")
    if kind is None:
        return RuntimeIsolation(RuntimeKind.UNKNOWN, name)
    return RuntimeIsolation(kind, name, None, "known name")


# -- classification --------------------------------------------------------------------------

def _marker(pairs: Iterable[KeyValue], key: str) -> tuple[Trust, Value[str]] | None:
    for kv in pairs:
        if kv.key.value == key:
            try:
                return Trust(kv.value.value.strip().lower()), kv.value
            except ValueError:
                return None  # an unknown marker value decides nothing
    return None


def _where(node: Value[str] | Workload) -> str:
    return f"{node.loc.path}:{node.loc.line}"


def _workload_marker(workload: Workload, key: str) -> Classification | None:
    sources: tuple[tuple[str, Iterable[KeyValue], str], ...] = (
        ("label", workload.labels, key), ("annotation", workload.annotations, key),
        ("label", workload.object_labels, key), ("annotation", workload.object_annotations, key))
    if workload.format is Format.COMPOSE:
        sources = (("service label", workload.labels, key), ("extension", workload.extensions, MARKER_EXTENSION))
    for what, pairs, marker_key in sources:
        found = _marker(pairs, marker_key)
        if found is not None:
            trust, value = found
            return Classification(trust, (f"{what} {marker_key}={value.value} ({_where(value)})",))
    return None


def tenant_evidence(labels: Iterable[KeyValue], ctx: Context) -> str | None:
    """The tenant label among ``labels``, as evidence text, or None."""
    keys = trust_setting(ctx, "tenant_label_keys")
    for kv in labels:
        pattern = _globs_match(kv.key.value, keys)
        if pattern is None:
            continue
        if kv.key.value.endswith(HNC_DEPTH_SUFFIX) and not (kv.value.value.isdigit() and int(kv.value.value) >= 1):
            continue  # depth 0 is the namespace's own entry, not a parent tenant
        return f"{kv.key.value}={kv.value.value} ({_where(kv.key)})"
    return None


def namespace_classification(namespace: Namespace, ctx: Context) -> Classification:
    """How a Namespace object classifies the workloads in it (marker, then tenant labels)."""
    marker = _marker((*namespace.labels, *namespace.annotations), trust_setting(ctx, "marker_key"))
    name = namespace.name.value
    if marker is not None:
        return Classification(marker[0], (f"namespace {name} marked {trust_setting(ctx, 'marker_key')}="
                                          f"{marker[1].value} ({_where(marker[1])})",))
    tenant = tenant_evidence(namespace.labels, ctx)
    if tenant is not None:
        return Classification(Trust.MULTI_TENANT, (f"namespace {name} is a tenant's: {tenant}",))
    return Classification(Trust.UNKNOWN)


def _tenant_signals(workload: Workload, ctx: Context) -> Classification | None:
    namespace_name = workload.resource.namespace
    namespace = ctx.namespace_of(workload)
    if namespace is not None:
        by_namespace = namespace_classification(namespace, ctx)
        if by_namespace.trust is not Trust.UNKNOWN:
            return by_namespace
    own = tenant_evidence((*workload.object_labels, *workload.labels), ctx)
    if own is not None:
        return Classification(Trust.MULTI_TENANT, (f"tenant label {own}",))
    if namespace_name and _globs_match(namespace_name, trust_setting(ctx, "tenant_namespaces")):
        return Classification(Trust.MULTI_TENANT, (f"namespace {namespace_name} matches tenant_namespaces",))
    return None


def _images(workload: Workload) -> Iterator[Value[str]]:
    for container in workload.containers:
        if container.image is not None and container.image.value.strip():
            yield container.image


def _heuristics(workload: Workload, ctx: Context, workflow_build: str | None = None) -> Classification | None:
    images = list(_images(workload))
    trusted = trust_setting(ctx, "trusted_images")
    if images and trusted and all(_image_pattern(i.value, trusted) for i in images):
        return Classification(Trust.TRUSTED, tuple(f"image {i.value} matches trusted_images" for i in images))
    evidence: list[str] = []
    for image in images:
        pattern = _image_pattern(image.value, trust_setting(ctx, "untrusted_images"))
        if pattern is not None:
            evidence.append(f"image {image.value} matches {pattern}, {_describe_pattern(pattern, ctx)}")
    wanted = {tuple(item.split("=", 1)) for item in trust_setting(ctx, "untrusted_labels") if "=" in item}
    evidence += [f"label {kv.key.value}={kv.value.value} ({_where(kv.key)})"
                 for kv in workload.labels if (kv.key.value, kv.value.value) in wanted]
    if workload.resource.kind in trust_setting(ctx, "untrusted_kinds"):
        evidence.append(f"kind {workload.resource.kind} runs untrusted code")
    role = operator_role(workload)
    built = None
    if workload.format is Format.KUBERNETES and workload.resource.kind in ARGO_KINDS:
        built = build_evidence(workload) or workflow_build
        role = "ci" if built else role
    if role in OPERATOR_EVIDENCE:
        evidence.append(f"kind {workload.resource.kind} ({OPERATOR_EVIDENCE[role]})" + (f": {built}" if built else ""))
    return Classification(Trust.UNTRUSTED, tuple(evidence)) if evidence else None


# operator kinds (isolint.parsers.operators.ROLES) whose pods run code nobody reviewed as deployed
OPERATOR_EVIDENCE = {"ci": "CI build tooling: runs repository code", "notebook": "notebook: runs user code"}

# Argo Workflows is a general workflow engine: CI builds, but also data pipelines, backups and
# scheduled jobs. Its pods are CI build tooling only when they clone or build (docs/advisor.md).
ARGO_KINDS = frozenset({"Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"})
ARGO_CI_EVIDENCE = tuple(f"kind {kind} ({OPERATOR_EVIDENCE['ci']})" for kind in sorted(ARGO_KINDS))
SOURCE_IMAGES = ("alpine/git*", "bitnami/git*", "*/git-sync*", "gcr.io/tekton-releases/*/git-init*")
BUILD_COMMAND = re.compile(
    r"\bgit\s+(?:clone|fetch|checkout|pull|submodule)\b|\b(?:docker|podman|nerdctl|buildah)\s+(?:buildx\s+)?"
    r"(?:build|bud)\b|/kaniko/executor\b|\bbuildctl(?:-daemonless\.sh)?\b|\bmake\b|\bgo\s+(?:build|test|vet)\b"
    r"|\bmvnw?\b|\bgradlew?\b|\b(?:npm|yarn|pnpm)\s+(?:ci|install|test|run)\b|\bcargo\s+(?:build|test)\b"
    r"|\bbazel(?:isk)?\b|\bpip3?\s+install\b|\bpytest\b|\btox\b")


def build_evidence(workload: Workload) -> str | None:
    """What shows that a pod clones or builds repository code: a CI runner, image-builder or git
    image, a repository cloned in (Argo git input artifacts), or a command or script that clones,
    builds or tests (``git clone``, ``docker build``, ``make`` ...)."""
    for image in _images(workload):
        pattern = _image_pattern(image.value, (*BUILDER_IMAGES, *CI_RUNNER_IMAGES, *SOURCE_IMAGES))
        if pattern is not None:
            return f"image {image.value} ({_where(image)})"
    for repo in workload.checkouts:
        return f"clones {repo.value} ({_where(repo)})"
    for script in workload.scripts:
        found = BUILD_COMMAND.search(script.value)
        if found is not None:
            return f"runs `{found.group()}` in its script ({_where(script)})"
    for container in workload.containers:
        parts = [p for p in (*container.command, *container.args) if isinstance(p.value, str)]
        found = BUILD_COMMAND.search(" ".join(p.value for p in parts))
        if found is not None:
            ends = list(itertools.accumulate(len(p.value) + 1 for p in parts))
            at = next(p for p, end in zip(parts, ends, strict=True) if found.start() < end)
            return f"runs `{found.group()}` ({_where(at)})"
    return None


def operator_role(workload: Workload) -> str | None:
    """What an operator kind's pod is for the advisor: ``ci``, ``notebook``, ``vm`` or None. An Argo
    workflow's pod is ``ci`` only with :func:`build_evidence`: a scheduled data job is not CI tooling."""
    if workload.format is not Format.KUBERNETES:
        return None
    role = OPERATOR_ROLES.get(workload.resource.kind)
    if role == "ci" and workload.resource.kind in ARGO_KINDS and build_evidence(workload) is None:
        return None
    return role


def _describe_pattern(pattern: str, ctx: Context) -> str:
    if pattern in trust_setting(ctx, "build_tool_images"):
        return "a CI runner or image builder that runs repository-controlled code"
    if pattern in NOTEBOOK_IMAGES:
        return "a notebook or user-code runner"
    return "a configured untrusted image"


def classify(workload: Workload, ctx: Context, workflow_build: str | None = None) -> Classification:
    """A workload's trust class and the evidence for it (explicit > tenant > heuristics).
    ``workflow_build``: the build evidence of another pod of the same Argo workflow, if any."""
    if workload.format is Format.DOCKERFILE:
        return Classification(Trust.UNKNOWN)
    explicit = _workload_marker(workload, trust_setting(ctx, "marker_key"))
    if explicit is not None:
        return explicit
    tenant = _tenant_signals(workload, ctx)
    if tenant is not None:
        return tenant
    return _heuristics(workload, ctx, workflow_build) or Classification(Trust.UNKNOWN)


def _object_key(workload: Workload) -> tuple[str, str, str | None, str]:
    r = workload.resource
    return (workload.loc.path, r.kind, r.namespace, r.name.split(":", 1)[0])


def _workflow_builds(workloads: Iterable[Workload]) -> dict[tuple[str, str, str | None, str], str]:
    """Argo workflows one of whose pods clones or builds: every pod of a CI pipeline (its test and
    lint steps too) runs on the repository's code, so the evidence holds for all of them."""
    out: dict[tuple[str, str, str | None, str], str] = {}
    for workload in workloads:
        if workload.format is Format.KUBERNETES and workload.resource.kind in ARGO_KINDS:
            evidence = build_evidence(workload)
            key = _object_key(workload)
            if evidence is not None and key not in out:
                part = workload.resource.name.split(":", 1)[1] if ":" in workload.resource.name else "a pod"
                out[key] = f"the workflow's {part}: {evidence}"
    return out


def classify_workloads(workloads: Iterable[Workload], ctx: Context) -> None:
    """Fill ``ctx.classifications`` (read by the engine's escalation and by the RI rules)."""
    workloads = list(workloads)
    builds = _workflow_builds(workloads)
    for workload in workloads:
        ctx.classifications[id(workload)] = classify(workload, ctx, builds.get(_object_key(workload)))


def build_tool_image(workload: Workload, ctx: Context) -> tuple[Value[str], str] | None:
    """The first container image that is a CI runner or image builder, with the pattern it matched."""
    patterns = trust_setting(ctx, "build_tool_images")
    for image in _images(workload):
        pattern = _image_pattern(image.value, patterns)
        if pattern is not None:
            return image, pattern
    argo_ci = any(e.startswith(ARGO_CI_EVIDENCE) for e in ctx.classification(workload).evidence)
    if operator_role(workload) == "ci" or argo_ci:
        image = next(_images(workload), None)  # a CI kind's pod: build tooling whatever its image
        return (image, f"kind {workload.resource.kind}") if image is not None else None
    return None


# -- what defeats a sandbox, what escapes a builder -----------------------------------------------

ESCAPE_CAPABILITIES = frozenset({"ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO", "SYS_PTRACE", "DAC_READ_SEARCH", "BPF"})


@dataclass(frozen=True, slots=True)
class Access:
    """One setting that reaches the host, with the node to report it at."""

    node: Any  # anything with ``loc``
    what: str


def host_access(workload: Workload) -> Iterator[Access]:
    """Settings that hand a container host resources directly: host namespaces, privilege,
    host paths, devices and the runtime API. A sandbox kernel cannot mediate any of them."""
    for name, flag in (("hostNetwork", workload.host_network), ("hostPID", workload.host_pid),
                       ("hostIPC", workload.host_ipc), ("host UTS namespace", workload.host_uts)):
        if is_true(flag):
            yield Access(flag, name)
    if is_true(workload.use_api_socket):
        yield Access(workload.use_api_socket, "use_api_socket")
    for volume in workload.volumes:
        if workload.format is Format.KUBERNETES and volume.host_path is not None:
            yield Access(volume.host_path, f"hostPath volume {volume.host_path.value}")
    for container in workload.containers:
        privileged = container.security.privileged
        if is_true(privileged):
            yield Access(privileged, "privileged")
        for device in container.devices:
            if device.host is not None:
                yield Access(device, f"host device {device.host.value}")
        if workload.format is Format.COMPOSE:
            for mount in container.mounts:
                if mount.type.value == "bind" and mount.source is not None:
                    yield Access(mount, f"bind mount of {mount.source.value}")


def builder_escape(workload: Workload) -> Access | None:
    """The first setting that lets code in a build or CI container take the node: privileged
    mode, the runtime socket, seccomp or AppArmor off, or an escape capability."""
    for access in host_access(workload):
        source = getattr(access.node, "source", access.node)
        path = source.value if isinstance(source, Value) and isinstance(source.value, str) else None
        socket = exposed_runtime_socket(path) if path else None
        if access.what in ("privileged", "use_api_socket") or socket is not None:
            return Access(access.node, f"the runtime socket {socket}" if socket else access.what)
    for container in workload.containers:
        for profile_name in ("seccomp", "apparmor"):
            profile = workload.effective(container, profile_name)
            if profile is not None and profile.type.value == "Unconfined":
                return Access(profile, f"{profile_name} unconfined")
        for cap in container.security.capabilities_add:
            if capability_name(cap.value) in ESCAPE_CAPABILITIES:
                return Access(cap, f"capability {capability_name(cap.value)}")
    return None


# -- node agents -------------------------------------------------------------------------------

PER_NODE_KINDS = frozenset({"DaemonSet", "BroadcastJob"})  # a pod on every (selected) node, Kruise's too


def node_agent_access(workload: Workload) -> list[Access]:
    """The host access of a per-node workload (a DaemonSet, Kruise's BroadcastJob): host
    namespaces, privilege, host paths, devices. Non-empty, it is a node agent whose access is its
    job (a metrics exporter reads /proc, a CNI agent owns the node's network): the advisor says so
    instead of asking to remove it."""
    if workload.format is not Format.KUBERNETES or workload.resource.kind not in PER_NODE_KINDS:
        return []
    return list(host_access(workload))


# -- near matches: unknown trust that looks like untrusted code -------------------------------------

@dataclass(frozen=True, slots=True)
class Hint:
    """Why a workload of unknown trust may run untrusted code, and what to write to say so."""

    looks_like: str
    because: str
    marker: str  # the marker line and where it goes
    config: str | None = None  # the line of the trust table (``[tool.isolint.trust]``), when an image decided


HINT_WORDS: dict[str, frozenset[str]] = {
    "a CI runner or image builder": frozenset({
        "runner", "runners", "gitlab-runner", "actions-runner", "jenkins", "buildkite", "drone", "woodpecker",
        "concourse", "buildkit", "buildkitd", "kaniko", "buildah", "dind", "builder", "build", "ci-runner"}),
    "a notebook or IDE running user code": frozenset({
        "jupyter", "jupyterhub", "jupyterlab", "notebook", "notebooks", "singleuser", "code-server", "vscode",
        "rstudio", "zeppelin", "marimo"}),
    "a user-code executor": frozenset({
        "judge", "judge0", "sandbox", "playground", "repl", "code-executor", "piston", "faas", "openfaas", "fission",
        "code-runner", "compiler"}),
}
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> set[str]:
    parts = _WORD.findall(text.lower())
    return {*parts, *(f"{a}-{b}" for a, b in itertools.pairwise(parts))}


def _image_path(image: str) -> str:
    """``ghcr.io/acme/runner:1`` -> ``acme/runner``: the repository, without registry and tag."""
    name = parse_image_reference(image).name.lower()
    first, _, rest = name.partition("/")
    return rest if rest and ("." in first or ":" in first or first == "localhost") else name


def marker_line(workload: Workload, ctx: Context) -> str:
    """Where the trust marker of ``workload`` goes, as a line to write."""
    key = trust_setting(ctx, "marker_key")
    r = workload.resource
    if workload.format is Format.COMPOSE:
        return f"`{key}: untrusted` (or trusted) under services.{r.name}.labels ({_where(workload)})"
    name = r.name.split(":", 1)[0]
    return f"`{key}: untrusted` (or trusted) under metadata.labels of {r.kind} {name} ({_where(workload)})"


def classification_hint(workload: Workload, ctx: Context) -> Hint | None:
    """For a workload of unknown trust: what makes it look like untrusted code the heuristics did not
    match (a name or image of a CI runner, a notebook, a code executor; an Argo workflow pod that
    shows no build), and the marker or configuration line that classifies it. None otherwise."""
    if workload.format is Format.DOCKERFILE or node_agent_access(workload):
        return None
    argo = workload.format is Format.KUBERNETES and workload.resource.kind in ARGO_KINDS
    if argo and operator_role(workload) is None:
        return Hint("an Argo workflow step", f"kind {workload.resource.kind}: CI build tooling when it clones or "
                    "builds repository code; no clone or build seen", marker_line(workload, ctx))
    # an image first: it can be classified by configuration, once for every workload that runs it
    texts: list[tuple[str, str, str | None]] = [(_image_path(i.value).rsplit("/", 1)[-1], f"image {i.value}",
                                                 _image_path(i.value)) for i in _images(workload)]
    texts.append((workload.resource.name, f"name {workload.resource.name}", None))
    texts += [(c.name.value, f"container {c.name.value}", None) for c in workload.containers
              if c.name is not None and isinstance(c.name.value, str)]
    for text, what, image in texts:
        words = _words(text)
        for looks_like, wanted in HINT_WORDS.items():
            hit = sorted(words & wanted)
            if hit:
                config = f"extra-untrusted-images = [{json.dumps(image + '*', ensure_ascii=False)}]" if image else None
                return Hint(looks_like, f"{what} ({hit[0]!r})", marker_line(workload, ctx), config)
    return None


# -- operating systems ---------------------------------------------------------------------------

WINDOWS_IMAGES = ("mcr.microsoft.com/windows/*", "mcr.microsoft.com/windows:*", "mcr.microsoft.com/windows",
                  "mcr.microsoft.com/dotnet/framework/*", "*:*nanoserver*", "*:*windowsservercore*",
                  "*:*servercore-ltsc*", "*/nanoserver*", "*/servercore*", "mcr.microsoft.com/*:*ltsc20*")
LINUX_ONLY_IMAGES = ("alpine*", "debian*", "ubuntu*", "busybox*", "centos*", "fedora*", "rockylinux*",
                     "almalinux*", "amazonlinux*", "archlinux*", "redhat/ubi*", "registry.access.redhat.com/ubi*",
                     "*:*alpine*", "*:*bookworm*", "*:*bullseye*", "*:*jammy*", "*:*noble*")
WINDOWS_BUILDS = {"ltsc2019": "10.0.17763", "1809": "10.0.17763", "ltsc2022": "10.0.20348",
                  "ltsc2025": "10.0.26100"}


def windows_image(image: str) -> bool:
    """An image only Windows can run (Appendix H; multi-arch names such as dotnet/* are not)."""
    return _image_pattern(image, WINDOWS_IMAGES) is not None


def linux_only_image(image: str) -> bool:
    return not windows_image(image) and _image_pattern(image, LINUX_ONLY_IMAGES) is not None


def windows_build(image: str) -> str | None:
    """The Windows build (``10.0.20348``) an image tag names, or None."""
    tag = image.rsplit(":", 1)[-1].lower() if ":" in image.rsplit("/", 1)[-1] else ""
    return next((build for name, build in WINDOWS_BUILDS.items() if name in tag), None)


def external_base(workload: Workload) -> Value[str] | None:
    """The external image the workload's target stage is built from (following ``FROM <stage>``)."""
    stage, image = workload.target_stage, workload.image
    if stage is None or image is None:
        return None
    while stage.base_stage is not None:
        stage = image.stages[stage.base_stage]
    return stage.base


def windows_signal(workload: Workload) -> Value[str] | None:
    """Why the workload is a Windows one: ``os.name``/platform, a Windows node selector, or a
    Windows image (its own, or the base of the Dockerfile a Compose service builds)."""
    if workload.os is not None and workload.os.value.lower() == "windows":
        return workload.os
    for kv in workload.node_selector:
        if kv.key.value == "kubernetes.io/os" and kv.value.value.lower() == "windows":
            return kv.value
    images = [c.image for c in workload.containers if c.image is not None]
    base = external_base(workload) if workload.format is Format.COMPOSE else None
    return next((i for i in [*images, *([base] if base else [])] if windows_image(i.value)), None)
