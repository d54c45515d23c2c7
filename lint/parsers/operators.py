"""Where operators' custom resources keep the pods they run: one table, kind -> places.

A place is one of:

* :class:`Template`: a path to a pod template (``metadata`` + ``spec``), as a Deployment has;
* :class:`PodSpec`: a path to a pod spec without metadata (Kruise's SidecarSet);
* a function for shapes that are not a pod spec (Argo templates, Tekton steps, Spark driver and
  executor, GitHub's runner spec): it builds a pod spec out of the object's own nodes, so every
  value keeps the line and column it was written at.

A path step ``"*"`` is every item of a list or every value of a mapping (replica specs, worker
groups, pipeline tasks). The Kubernetes parser (:mod:`isolint.parsers.kubernetes`) turns each
pod into a :class:`~isolint.model.Workload`; an object with several pods (an Argo Workflow's
templates, a training job's replicas) gives one workload per pod, named ``<name>:<part>``.
``EMBEDDING`` lists kinds that carry a whole object (Crossplane provider-kubernetes ``Object``):
the embedded object is parsed as if written on its own.

``ROLES`` is what the trust advisor (:mod:`isolint.trust`) reads: ``ci`` kinds run repository
code as build tooling, ``notebook`` kinds run user code, ``vm`` kinds are a VM (KubeVirt).
The paths are listed in ``docs/operators.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..yamlsource import Pos, YMap, YSeq


@dataclass(frozen=True, slots=True)
class Pod:
    part: str | None  # which pod of the object ("template build", "replica Worker"), None if one
    meta: YMap  # pod metadata (labels, annotations); empty when the shape has none
    spec: YMap  # a pod spec: containers, initContainers, volumes, securityContext ...
    where: str  # its path in the object, for messages
    pos: Pos


@dataclass(frozen=True, slots=True)
class Template:
    path: tuple[str, ...]
    part: str | None = None  # a fixed part name (else derived from the "*" steps)


@dataclass(frozen=True, slots=True)
class PodSpec:
    path: tuple[str, ...]


Place = Template | PodSpec | Callable[[YMap, str], Iterator[Pod]]


# -- building pod specs out of the object's own nodes --------------------------------------------

def _new_map(pos: Pos) -> YMap:
    out = YMap()
    out.pos = pos
    return out


def _copy(target: YMap, source: YMap, keys: Iterable[str], rename: dict[str, str] | None = None) -> None:
    """Copy ``keys`` of ``source`` into ``target`` with their positions (``rename``: source -> target key)."""
    for key in keys:
        if key in source:
            name = (rename or {}).get(key, key)
            target[name] = source[key]
            target.key_pos[name] = source.pos_of(key)


def _seq(items: Iterable[tuple[Any, Pos]], pos: Pos) -> YSeq:
    out = YSeq()
    out.pos = pos
    for item, item_pos in items:
        out.append(item)
        out.item_pos.append(item_pos)
    return out


def _named(container: YMap, name: str) -> YMap:
    """``container`` with the name the operator gives it when it has none (Argo's ``main``)."""
    if "name" in container:
        return container
    out = _new_map(container.pos)
    _copy(out, container, list(container))
    out["name"] = name
    return out


def _items(parent: Any, key: str) -> list[tuple[Any, Pos]]:
    seq = parent.get(key) if isinstance(parent, YMap) else None
    return [(item, seq.pos_of(i)) for i, item in enumerate(seq)] if isinstance(seq, YSeq) else []


def _walk(node: Any, path: tuple[str, ...], where: str, parts: tuple[str, ...] = ()
          ) -> Iterator[tuple[Any, str, tuple[str, ...], Pos]]:
    """Every node at ``path`` below ``node``, with its path text, the names of its "*" steps and position."""
    if not path:
        yield node, where, parts, getattr(node, "pos", (1, 1))
        return
    step, rest = path[0], path[1:]
    if step == "*":
        if isinstance(node, YSeq):
            for i, item in enumerate(node):
                name = item.get("name") if isinstance(item, YMap) else None
                yield from _walk(item, rest, f"{where}[{i}]", (*parts, str(name) if name else str(i)))
        elif isinstance(node, YMap):
            for key, value in node.items():
                yield from _walk(value, rest, f"{where}.{key}", (*parts, str(key)))
    elif isinstance(node, YMap) and step in node:
        yield from _walk(node[step], rest, f"{where}.{step}", parts)


def _get(node: Any, path: tuple[str, ...]) -> Any:
    for step in path:
        node = node.get(step) if isinstance(node, YMap) else None
    return node


def _template_pods(obj: YMap, kind: str, place: Template) -> Iterator[Pod]:
    for template, where, parts, pos in _walk(obj, place.path, kind):
        spec = template.get("spec") if isinstance(template, YMap) else None
        if isinstance(spec, YMap):
            meta = template.get("metadata")
            part = place.part or (" ".join(parts) if parts else None)
            yield Pod(part, meta if isinstance(meta, YMap) else YMap(), spec, f"{where}.spec", pos)


def _spec_pods(obj: YMap, kind: str, place: PodSpec) -> Iterator[Pod]:
    for spec, where, parts, pos in _walk(obj, place.path, kind):
        if isinstance(spec, YMap):
            yield Pod(" ".join(parts) or None, YMap(), spec, where, pos)


# -- Argo Workflows ------------------------------------------------------------------------------

# WorkflowSpec fields that reach every pod, and a template's own pod fields (which win)
ARGO_WORKFLOW_POD_KEYS = ("securityContext", "hostNetwork", "serviceAccountName", "automountServiceAccountToken",
                          "nodeSelector", "tolerations", "dnsPolicy", "priorityClassName", "schedulerName")
ARGO_TEMPLATE_POD_KEYS = ("securityContext", "serviceAccountName", "automountServiceAccountToken", "nodeSelector",
                          "tolerations", "priorityClassName", "schedulerName")


def _argo(spec_path: tuple[str, ...]) -> Callable[[YMap, str], Iterator[Pod]]:
    def pods(obj: YMap, kind: str) -> Iterator[Pod]:
        wf = _get(obj, spec_path)
        templates = wf.get("templates") if isinstance(wf, YMap) else None
        if not isinstance(templates, YSeq):
            return
        where = ".".join((kind, *spec_path))
        pod_meta = wf.get("podMetadata")
        for i, template in enumerate(templates):
            if not isinstance(template, YMap):
                continue
            main = [(_named(template[key], "main"), template.pos_of(key)) for key in ("container", "script")
                    if isinstance(template.get(key), YMap)]
            main += _items(template.get("containerSet"), "containers")
            sidecars = _items(template, "sidecars")
            if not main and not sidecars and "initContainers" not in template:
                continue  # steps, dag, resource, suspend, http: no pod of the user's
            pos = templates.pos_of(i)
            spec = _new_map(pos)
            _copy(spec, wf, ARGO_WORKFLOW_POD_KEYS)
            _copy(spec, template, ARGO_TEMPLATE_POD_KEYS)
            # Argo adds a workflow-level volume to the pods whose containers mount it
            mounted = {m.get("name") for c, _ in main + sidecars + _items(template, "initContainers")
                       for m, _ in _items(c, "volumeMounts") if isinstance(m, YMap)}
            volumes = [(v, p) for v, p in _items(wf, "volumes") if isinstance(v, YMap) and v.get("name") in mounted]
            volumes += _items(template, "volumes")
            if volumes:
                spec["volumes"] = _seq(volumes, pos)
            spec["containers"] = _seq(main + sidecars, pos)
            _copy(spec, template, ("initContainers",))
            meta = template.get("metadata") if isinstance(template.get("metadata"), YMap) else pod_meta
            name = template.get("name")
            yield Pod(f"template {name if name else i}", meta if isinstance(meta, YMap) else YMap(), spec,
                      f"{where}.templates[{i}]", pos)
    return pods


# -- Tekton --------------------------------------------------------------------------------------

TEKTON_POD_TEMPLATE_KEYS = ("securityContext", "hostNetwork", "nodeSelector", "tolerations", "runtimeClassName",
                            "automountServiceAccountToken", "volumes", "schedulerName", "priorityClassName")


def _with_step_template(step: Any, template: Any, pos: Pos) -> Any:
    """A step with the Task's ``stepTemplate`` under it (the step's own fields win; securityContext
    merged field by field, as Tekton merges them)."""
    if not isinstance(step, YMap) or not isinstance(template, YMap):
        return step
    merged = _new_map(step.pos)
    _copy(merged, template, [k for k in template if k != "name"])
    _copy(merged, step, list(step))
    own, inherited = step.get("securityContext"), template.get("securityContext")
    if isinstance(own, YMap) and isinstance(inherited, YMap):
        sc = _new_map(own.pos)
        _copy(sc, inherited, list(inherited))
        _copy(sc, own, list(own))
        merged["securityContext"] = sc
    return merged


def _tekton_pod(task: Any, where: str, part: str | None, pod_template: Any, pos: Pos) -> Iterator[Pod]:
    if not isinstance(task, YMap):
        return
    template = task.get("stepTemplate")
    steps = [(_with_step_template(s, template, p), p) for s, p in _items(task, "steps")]
    sidecars = _items(task, "sidecars")
    if not steps and not sidecars:
        return
    spec = _new_map(pos)
    if isinstance(pod_template, YMap):
        _copy(spec, pod_template, TEKTON_POD_TEMPLATE_KEYS)
    volumes = _items(task, "volumes") + (_items(spec, "volumes") if "volumes" in spec else [])
    if volumes:
        spec["volumes"] = _seq(volumes, pos)
    spec["containers"] = _seq(steps + sidecars, pos)
    yield Pod(part, YMap(), spec, where, pos)


def _tekton_task(spec_path: tuple[str, ...], pod_templates: tuple[tuple[str, ...], ...] = ()
                 ) -> Callable[[YMap, str], Iterator[Pod]]:
    def pods(obj: YMap, kind: str) -> Iterator[Pod]:
        task = _get(obj, spec_path)
        pod_template = next((t for t in (_get(obj, p) for p in pod_templates) if isinstance(t, YMap)), None)
        pos = getattr(task, "pos", obj.pos)
        yield from _tekton_pod(task, ".".join((kind, *spec_path)), None, pod_template, pos)
    return pods


def _tekton_pipeline(spec_path: tuple[str, ...], pod_templates: tuple[tuple[str, ...], ...] = ()
                     ) -> Callable[[YMap, str], Iterator[Pod]]:
    def pods(obj: YMap, kind: str) -> Iterator[Pod]:
        pod_template = next((t for t in (_get(obj, p) for p in pod_templates) if isinstance(t, YMap)), None)
        for key in ("tasks", "finally"):
            for task, where, parts, pos in _walk(obj, (*spec_path, key, "*", "taskSpec"), kind):
                yield from _tekton_pod(task, where, f"task {' '.join(parts)}", pod_template, pos)
    return pods


# -- Spark, GitHub Actions runners -----------------------------------------------------------------

SPARK_CONTAINER_KEYS = ("image", "securityContext", "volumeMounts", "env", "ports", "lifecycle")
SPARK_POD_KEYS = ("hostNetwork", "nodeSelector", "tolerations", "schedulerName", "priorityClassName")


def _spark(spec_path: tuple[str, ...]) -> Callable[[YMap, str], Iterator[Pod]]:
    def pods(obj: YMap, kind: str) -> Iterator[Pod]:
        app = _get(obj, spec_path)
        if not isinstance(app, YMap):
            return
        for role in ("driver", "executor"):
            part = app.get(role)
            if not isinstance(part, YMap):
                continue
            pos = app.pos_of(role)
            container = _new_map(part.pos)
            container["name"] = f"spark-kubernetes-{role}"
            if "image" not in part:
                _copy(container, app, ("image",))
            _copy(container, part, SPARK_CONTAINER_KEYS)
            spec = _new_map(pos)
            _copy(spec, part, SPARK_POD_KEYS)
            _copy(spec, part, ("podSecurityContext", "serviceAccount"),
                  {"podSecurityContext": "securityContext", "serviceAccount": "serviceAccountName"})
            _copy(spec, app, ("volumes",))
            spec["containers"] = _seq([(container, part.pos), *_items(part, "sidecars")], pos)
            _copy(spec, part, ("initContainers",))
            meta = _new_map(part.pos)
            _copy(meta, part, ("labels", "annotations"))
            yield Pod(role, meta, spec, f"{kind}.{'.'.join(spec_path)}.{role}", pos)
    return pods


RUNNER_CONTAINER_KEYS = ("image", "env", "volumeMounts", "resources", "containerSecurityContext")


VM_POD_KEYS = ("nodeSelector", "tolerations", "priorityClassName", "schedulerName")


def _vm(spec_path: tuple[str, ...]) -> Callable[[YMap, str], Iterator[Pod]]:
    """A KubeVirt VM: its node selection only (its volumes and devices are KubeVirt's, not a pod's)."""
    def pods(obj: YMap, kind: str) -> Iterator[Pod]:
        vmi = _get(obj, spec_path)
        if isinstance(vmi, YMap):
            spec = _new_map(vmi.pos)
            _copy(spec, vmi, VM_POD_KEYS)
            meta = _get(obj, (*spec_path[:-1], "metadata")) if spec_path[-1:] == ("spec",) and len(spec_path) > 1 \
                else None
            yield Pod(None, meta if isinstance(meta, YMap) else YMap(), spec, ".".join((kind, *spec_path)), vmi.pos)
    return pods


def _runner(obj: YMap, kind: str) -> Iterator[Pod]:
    """actions-runner-controller's summerwind RunnerDeployment/RunnerReplicaSet/Runner spec: a pod
    spec plus the runner container's own fields (``image``, ``env`` ...) at the same level."""
    template = _get(obj, ("spec", "template"))
    spec = template.get("spec") if isinstance(template, YMap) else _get(obj, ("spec",))
    if not isinstance(spec, YMap):
        return
    pod = _new_map(spec.pos)
    _copy(pod, spec, [k for k in spec if k not in ("containers", "sidecarContainers", *RUNNER_CONTAINER_KEYS)])
    containers = _items(spec, "containers")
    if not containers:
        runner = _new_map(spec.pos)
        runner["name"] = "runner"
        _copy(runner, spec, RUNNER_CONTAINER_KEYS, {"containerSecurityContext": "securityContext"})
        containers = [(runner, spec.pos)]
    pod["containers"] = _seq(containers + _items(spec, "sidecarContainers"), spec.pos)
    meta = template.get("metadata") if isinstance(template, YMap) else None
    where = f"{kind}.spec.template.spec" if isinstance(template, YMap) else f"{kind}.spec"
    yield Pod(None, meta if isinstance(meta, YMap) else YMap(), pod, where, spec.pos)


# -- the table -----------------------------------------------------------------------------------

_RAY_CLUSTER = (("headGroupSpec", "template"), ("workerGroupSpecs", "*", "template"))

KINDS: dict[str, tuple[Place, ...]] = {
    # Argo Workflows
    "Workflow": (_argo(("spec",)),),
    "WorkflowTemplate": (_argo(("spec",)),),
    "ClusterWorkflowTemplate": (_argo(("spec",)),),
    "CronWorkflow": (_argo(("spec", "workflowSpec")),),
    # Tekton
    "Task": (_tekton_task(("spec",)),),
    "ClusterTask": (_tekton_task(("spec",)),),
    "TaskRun": (_tekton_task(("spec", "taskSpec"), (("spec", "podTemplate"),)),),
    "Pipeline": (_tekton_pipeline(("spec",)),),
    "PipelineRun": (_tekton_pipeline(("spec", "pipelineSpec"),
                                     (("spec", "taskRunTemplate", "podTemplate"), ("spec", "podTemplate"))),),
    # Kubeflow
    "Notebook": (Template(("spec", "template")),),
    "PyTorchJob": (Template(("spec", "pytorchReplicaSpecs", "*", "template")),),
    "TFJob": (Template(("spec", "tfReplicaSpecs", "*", "template")),),
    "MPIJob": (Template(("spec", "mpiReplicaSpecs", "*", "template")),),
    "XGBoostJob": (Template(("spec", "xgbReplicaSpecs", "*", "template")),),
    "PaddleJob": (Template(("spec", "paddleReplicaSpecs", "*", "template")),),
    "JAXJob": (Template(("spec", "jaxReplicaSpecs", "*", "template")),),
    # Ray
    "RayCluster": tuple(Template(("spec", *p)) for p in _RAY_CLUSTER),
    "RayJob": (*(Template(("spec", "rayClusterSpec", *p)) for p in _RAY_CLUSTER),
               Template(("spec", "submitterPodTemplate"), "submitter")),
    "RayService": tuple(Template(("spec", "rayClusterConfig", *p)) for p in _RAY_CLUSTER),
    # Spark
    "SparkApplication": (_spark(("spec",)),),
    "ScheduledSparkApplication": (_spark(("spec", "template")),),
    # KEDA
    "ScaledJob": (Template(("spec", "jobTargetRef", "template")),),
    # GitHub Actions Runner Controller (summerwind and the scale-set controller)
    "RunnerDeployment": (_runner,),
    "RunnerReplicaSet": (_runner,),
    "Runner": (_runner,),
    "RunnerSet": (Template(("spec", "template")),),
    "AutoscalingRunnerSet": (Template(("spec", "template")),),
    "EphemeralRunnerSet": (Template(("spec", "ephemeralRunnerSpec")),),
    "EphemeralRunner": (Template(("spec",)),),
    # OpenKruise
    "CloneSet": (Template(("spec", "template")),),
    "BroadcastJob": (Template(("spec", "template")),),
    "AdvancedCronJob": (Template(("spec", "template", "jobTemplate", "spec", "template"), "job"),
                        Template(("spec", "template", "broadcastJobTemplate", "spec", "template"), "broadcast job")),
    "SidecarSet": (PodSpec(("spec",)),),
    # Crossplane
    "DeploymentRuntimeConfig": (Template(("spec", "deploymentTemplate", "spec", "template")),),
    # KubeVirt: a VM; its pod-level settings (volumes, node selection) are read, it has no containers
    "VirtualMachine": (_vm(("spec", "template", "spec")),),
    "VirtualMachineInstance": (_vm(("spec",)),),
    "VirtualMachineInstanceReplicaSet": (_vm(("spec", "template", "spec")),),
}

# kinds that carry a whole object to parse as written on its own
EMBEDDING: dict[str, tuple[str, ...]] = {
    "Object": ("spec", "forProvider", "manifest"),  # Crossplane provider-kubernetes
}

# what the trust advisor makes of a kind's pods
CI_KINDS = frozenset({"Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow", "Task",
                      "ClusterTask", "TaskRun", "Pipeline", "PipelineRun", "RunnerDeployment", "RunnerReplicaSet",
                      "Runner", "RunnerSet", "AutoscalingRunnerSet", "EphemeralRunnerSet", "EphemeralRunner"})
NOTEBOOK_KINDS = frozenset({"Notebook"})
VM_KINDS = frozenset({"VirtualMachine", "VirtualMachineInstance", "VirtualMachineInstanceReplicaSet"})
ROLES: dict[str, str] = {**dict.fromkeys(CI_KINDS, "ci"), **dict.fromkeys(NOTEBOOK_KINDS, "notebook"),
                         **dict.fromkeys(VM_KINDS, "vm")}


def pods(obj: YMap) -> list[Pod] | None:
    """The pods of an operator's object, or None when its kind is not in the table."""
    kind = obj.get("kind")
    places = KINDS.get(kind) if isinstance(kind, str) else None
    if places is None:
        return None
    out: list[Pod] = []
    for place in places:
        if isinstance(place, Template):
            out += _template_pods(obj, kind, place)
        elif isinstance(place, PodSpec):
            out += _spec_pods(obj, kind, place)
        else:
            out += place(obj, kind)
    return out


def embedded(obj: YMap) -> Any:
    """The object an embedding kind carries (a mapping to parse on its own), or None."""
    path = EMBEDDING.get(obj.get("kind"))  # type: ignore[arg-type]
    return _get(obj, path) if path is not None else None
