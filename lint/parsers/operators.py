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

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..yamlsource import Pos, YMap, YSeq, collections, load_all


@dataclass(frozen=True, slots=True)
class Pod:
    part: str | None  # which pod of the object ("template build", "replica Worker"), None if one
    meta: YMap  # pod metadata (labels, annotations); empty when the shape has none
    spec: YMap  # a pod spec: containers, initContainers, volumes, securityContext ...
    where: str  # its path in the object, for messages
    pos: Pos
    # what the advisor reads to tell a build (isolint.trust.build_evidence): repositories cloned into
    # the pod before it starts (Argo git input artifacts) and script text it runs (Argo script source)
    checkouts: tuple[tuple[str, Pos], ...] = ()
    scripts: tuple[tuple[str, Pos], ...] = ()


@dataclass(frozen=True, slots=True)
class Template:
    path: tuple[str, ...]
    part: str | None = None  # a fixed part name (else derived from the "*" steps)


@dataclass(frozen=True, slots=True)
class PodSpec:
    path: tuple[str, ...]


# a function of the object, its kind and the lines of its file (for text embedded in a string)
Build = Callable[[YMap, str, Sequence[str]], Iterator[Pod]]
Place = Template | PodSpec | Build


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


# list fields a strategic merge patch merges item by item, by this key (Kubernetes' patchMergeKey);
# every other list is replaced whole
MERGE_KEYS = {"containers": "name", "initContainers": "name", "ephemeralContainers": "name", "sidecars": "name",
              "volumes": "name", "env": "name", "imagePullSecrets": "name", "volumeMounts": "mountPath",
              "ports": "containerPort"}


def _merged(base: Any, over: Any, field: str = "") -> Any:
    """``over`` laid on ``base`` as a strategic merge patch lays it (Argo's ``templateDefaults`` and
    ``podSpecPatch``, Tekton's ``stepTemplate``): mappings key by key, the lists of ``MERGE_KEYS``
    item by item, anything else replaced. Every key and item keeps the position it was written at."""
    if isinstance(base, YMap) and isinstance(over, YMap):
        out = _new_map(over.pos)
        _copy(out, base, list(base))
        for key, value in over.items():
            out[key] = _merged(base[key], value, str(key)) if key in base else value
            out.key_pos[key] = over.pos_of(key)
        return out
    merge_key = MERGE_KEYS.get(field)
    if merge_key and isinstance(base, YSeq) and isinstance(over, YSeq) \
            and all(isinstance(item, YMap) and merge_key in item for item in (*base, *over)):
        items = [(item, base.pos_of(i)) for i, item in enumerate(base)]
        at = {item[merge_key]: i for i, (item, _) in enumerate(items)}
        for i, item in enumerate(over):
            if item[merge_key] in at:
                j = at[item[merge_key]]
                items[j] = (_merged(items[j][0], item), over.pos_of(i))
            else:
                items.append((item, over.pos_of(i)))
        return _seq(items, over.pos)
    return over


def _embedded_mapping(parent: YMap, key: str, lines: Sequence[str]) -> YMap | None:
    """A mapping written as YAML or JSON text in the string ``parent[key]`` (Argo's ``podSpecPatch``).

    Its positions are where its text is written in the file when the text is found there as
    written (a literal block ``|`` line for line, or a one-line string), else the key's position
    for every node: never a wrong line. Text that is not a mapping (parameters Argo substitutes
    before parsing it, ``{{inputs.parameters.x}}`` unquoted) is None.
    """
    text = parent.get(key)
    if not isinstance(text, str):
        return None
    docs = list(load_all(text))
    if len(docs) != 1 or docs[0][1] is not None or not isinstance(docs[0][0], YMap):
        return None
    mapping: YMap = docs[0][0]
    line, column = parent.pos_of(key)
    at = _text_at(text, lines, line)

    def move(pos: Pos) -> Pos:
        if at is None:
            return line, column
        if at[0] == "block":
            return line + pos[0], pos[1] + at[1]
        return (line, pos[1] + at[1]) if pos[0] == 1 else (line, column)

    for node in collections(mapping):
        node.pos = move(node.pos)
        if isinstance(node, YMap):
            node.key_pos = {k: move(p) for k, p in node.key_pos.items()}
        else:
            node.item_pos = [move(p) for p in node.item_pos]
    return mapping


def _text_at(text: str, lines: Sequence[str], line: int) -> tuple[str, int] | None:
    """Where ``text``, the value of the key on ``line``, is written: ("block", indent) for a literal
    block whose lines follow the key's as written, ("inline", column offset) for a one-line string
    on the key's line, None when neither is sure."""
    if not 0 < line <= len(lines):
        return None
    head = lines[line - 1]
    value = text.split("\n")
    if value and value[-1] == "":
        value.pop()
    after = head.split(":", 1)[1].strip() if ":" in head else ""
    if after.startswith("|") and len(lines) >= line + len(value):
        written = lines[line:line + len(value)]
        pairs = list(zip(written, value, strict=True))
        first = next((w for w, v in pairs if v), None)
        indent = len(first) - len(first.lstrip(" ")) if first is not None else 0
        if all(w[indent:] == v and not w[:indent].strip() if v else not w.strip() for w, v in pairs):
            return "block", indent
        return None
    if len(value) == 1 and value[0]:
        start = head.find(value[0], head.find(":") + 1)
        if start >= 0 and head.count(value[0]) == 1:
            return "inline", start
    return None


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

# WorkflowSpec fields that reach every pod (``podPriorityClassName`` as the pod's ``priorityClassName``),
# and a template's own pod fields, which win over them whole (Argo's addSchedulingConstraints,
# setupServiceAccount: a template's securityContext replaces the workflow's, it is not merged)
ARGO_WORKFLOW_POD_KEYS = ("securityContext", "hostNetwork", "serviceAccountName", "automountServiceAccountToken",
                          "nodeSelector", "tolerations", "dnsPolicy", "schedulerName")
ARGO_TEMPLATE_POD_KEYS = ("securityContext", "serviceAccountName", "automountServiceAccountToken", "nodeSelector",
                          "tolerations", "priorityClassName", "schedulerName")
# a template's type: templateDefaults' field of another type does not reach it (Argo's SetType)
ARGO_TEMPLATE_TYPES = ("container", "script", "containerSet", "resource", "steps", "dag", "suspend", "data", "http",
                       "plugin")


def _argo_defaults(template: YMap, defaults: Any) -> YMap:
    """A template with the workflow's ``templateDefaults`` merged under it, as Argo merges them (a
    strategic merge, the template's fields winning; a type field only into a template of that type)."""
    if not isinstance(defaults, YMap):
        return template
    applicable = _new_map(defaults.pos)
    _copy(applicable, defaults, [k for k in defaults if k not in ARGO_TEMPLATE_TYPES or k in template])
    return _merged(applicable, template)


def _argo_patch(spec: YMap, patch: YMap | None) -> YMap:
    """``podSpecPatch`` merged into the pod spec. A patch of a container the template does not write
    (Argo's ``wait`` and ``init`` executors, which isolint does not read) is left out."""
    if patch is None:
        return spec
    patch = _merged(YMap(), patch)  # a copy: the parsed patch is shared by every template
    for key in ("containers", "initContainers"):
        if isinstance(patch.get(key), YSeq):
            names = {c.get("name") for c, _ in _items(spec, key) if isinstance(c, YMap)}
            patch[key] = _seq([(c, p) for c, p in _items(patch, key) if isinstance(c, YMap) and c.get("name") in names],
                              patch[key].pos)
    return _merged(spec, patch)


def _argo(spec_path: tuple[str, ...]) -> Build:
    def pods(obj: YMap, kind: str, lines: Sequence[str]) -> Iterator[Pod]:
        wf = _get(obj, spec_path)
        templates = wf.get("templates") if isinstance(wf, YMap) else None
        if not isinstance(templates, YSeq):
            return
        where = ".".join((kind, *spec_path))
        pod_meta = wf.get("podMetadata")
        wf_patch = _embedded_mapping(wf, "podSpecPatch", lines)
        for i, template in enumerate(templates):
            if not isinstance(template, YMap):
                continue
            template = _argo_defaults(template, wf.get("templateDefaults"))
            main = [(_named(template[key], "main"), template.pos_of(key)) for key in ("container", "script")
                    if isinstance(template.get(key), YMap)]
            main += _items(template.get("containerSet"), "containers")
            sidecars = _items(template, "sidecars")
            if not main and not sidecars and "initContainers" not in template:
                continue  # steps, dag, resource, suspend, http: no pod of the user's
            pos = templates.pos_of(i)
            spec = _new_map(pos)
            _copy(spec, wf, ARGO_WORKFLOW_POD_KEYS)
            _copy(spec, wf, ("podPriorityClassName",), {"podPriorityClassName": "priorityClassName"})
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
            # the workflow's podSpecPatch, then the template's (Argo merges them in that order)
            spec = _argo_patch(_argo_patch(spec, wf_patch), _embedded_mapping(template, "podSpecPatch", lines))
            # pod labels and annotations: the workflow's podMetadata, the template's metadata over it
            meta = pod_meta if isinstance(pod_meta, YMap) else YMap()
            if isinstance(template.get("metadata"), YMap):
                meta = _merged(meta, template["metadata"])
            name = template.get("name")
            yield Pod(f"template {name if name else i}", meta, spec, f"{where}.templates[{i}]", pos,
                      _argo_checkouts(template), _argo_scripts(template))
    return pods


def _argo_checkouts(template: YMap) -> tuple[tuple[str, Pos], ...]:
    """``inputs.artifacts[].git.repo``: what Argo clones into the pod."""
    out = []
    for artifact, _ in _items(template.get("inputs"), "artifacts"):
        git = artifact.get("git") if isinstance(artifact, YMap) else None
        if isinstance(git, YMap) and isinstance(git.get("repo"), str):
            out.append((git["repo"], git.pos_of("repo")))
    return tuple(out)


def _argo_scripts(template: YMap) -> tuple[tuple[str, Pos], ...]:
    """``script.source``: the program a script template runs."""
    script = template.get("script")
    if isinstance(script, YMap) and isinstance(script.get("source"), str):
        return ((script["source"], script.pos_of("source")),)
    return ()


# -- Tekton --------------------------------------------------------------------------------------

TEKTON_POD_TEMPLATE_KEYS = ("securityContext", "hostNetwork", "nodeSelector", "tolerations", "runtimeClassName",
                            "automountServiceAccountToken", "volumes", "schedulerName", "priorityClassName",
                            "serviceAccountName")
RunPaths = tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]
# where a run writes its pod template and service account: TaskRun; PipelineRun (v1, v1beta1); an
# item of a PipelineRun's taskRunSpecs (v1, v1beta1), which wins over the run's for its task
TASK_RUN = ((("spec", "podTemplate"),), (("spec", "serviceAccountName"),))
PIPELINE_RUN = ((("spec", "taskRunTemplate", "podTemplate"), ("spec", "podTemplate")),
                (("spec", "taskRunTemplate", "serviceAccountName"), ("spec", "serviceAccountName")))
TASK_RUN_SPEC = ((("podTemplate",), ("taskPodTemplate",)), (("serviceAccountName",), ("taskServiceAccountName",)))


def _run_template(node: Any, where: RunPaths) -> YMap | None:
    """A run's pod template with its service account in it (``serviceAccountName``), or None."""
    templates, accounts = where
    template = next((t for t in (_get(node, p) for p in templates) if isinstance(t, YMap)), None)
    account = next((p for p in accounts if isinstance(_get(node, p), str)), None)
    if account is None:
        return template
    out = _new_map(template.pos if template is not None else node.pos)
    if template is not None:
        _copy(out, template, list(template))
    parent = _get(node, account[:-1])
    _copy(out, parent, account[-1:], {account[-1]: "serviceAccountName"})
    return out


def _over(default: YMap | None, override: YMap | None) -> YMap | None:
    """A taskRunSpecs item's pod template over the run's, field by field (volumes merged by name), as
    Tekton's MergePodTemplateWithDefault merges them."""
    if default is None or override is None:
        return override if default is None else default
    out = _new_map(override.pos)
    _copy(out, default, list(default))
    for key, value in override.items():
        out[key] = _merged(default[key], value, key) if key == "volumes" and key in default else value
        out.key_pos[key] = override.pos_of(key)
    return out


def _tekton_pod(task: Any, where: str, part: str | None, pod_template: YMap | None, pos: Pos) -> Iterator[Pod]:
    if not isinstance(task, YMap):
        return
    # each step over the Task's stepTemplate, as Tekton merges them (a strategic merge, the step winning)
    template = task.get("stepTemplate")
    steps = [(_merged(_without(template, "name"), s) if isinstance(template, YMap) and isinstance(s, YMap) else s, p)
             for s, p in _items(task, "steps")]
    sidecars = _items(task, "sidecars")
    if not steps and not sidecars:
        return
    spec = _new_map(pos)
    if pod_template is not None:
        _copy(spec, pod_template, TEKTON_POD_TEMPLATE_KEYS)
    volumes = _items(task, "volumes") + (_items(spec, "volumes") if "volumes" in spec else [])
    if volumes:
        spec["volumes"] = _seq(volumes, pos)
    spec["containers"] = _seq(steps + sidecars, pos)
    yield Pod(part, YMap(), spec, where, pos)


def _without(mapping: YMap, key: str) -> YMap:
    out = _new_map(mapping.pos)
    _copy(out, mapping, [k for k in mapping if k != key])
    return out


def _tekton_task(spec_path: tuple[str, ...], run: RunPaths | None = None) -> Build:
    def pods(obj: YMap, kind: str, lines: Sequence[str]) -> Iterator[Pod]:
        task = _get(obj, spec_path)
        pos = getattr(task, "pos", obj.pos)
        yield from _tekton_pod(task, ".".join((kind, *spec_path)), None, _run_template(obj, run) if run else None, pos)
    return pods


def _tekton_pipeline(spec_path: tuple[str, ...], run: RunPaths | None = None) -> Build:
    def pods(obj: YMap, kind: str, lines: Sequence[str]) -> Iterator[Pod]:
        default = _run_template(obj, run) if run else None
        per_task = {item.get("pipelineTaskName"): _run_template(item, TASK_RUN_SPEC)
                    for item, _ in (_items(_get(obj, ("spec",)), "taskRunSpecs") if run else ())
                    if isinstance(item, YMap)}
        for key in ("tasks", "finally"):
            for task, where, parts, pos in _walk(obj, (*spec_path, key, "*", "taskSpec"), kind):
                pod_template = _over(default, per_task.get(parts[0]))
                yield from _tekton_pod(task, where, f"task {' '.join(parts)}", pod_template, pos)
    return pods


# -- Spark, GitHub Actions runners -----------------------------------------------------------------

SPARK_CONTAINER_KEYS = ("image", "securityContext", "volumeMounts", "env", "ports", "lifecycle")
SPARK_POD_KEYS = ("hostNetwork", "nodeSelector", "tolerations", "schedulerName", "priorityClassName")


def _spark(spec_path: tuple[str, ...]) -> Build:
    def pods(obj: YMap, kind: str, lines: Sequence[str]) -> Iterator[Pod]:
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
            _copy(spec, app, ("nodeSelector",))  # the application's, for both pods, unless the pod has its own
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


def _vm(spec_path: tuple[str, ...]) -> Build:
    """A KubeVirt VM: its node selection only (its volumes and devices are KubeVirt's, not a pod's)."""
    def pods(obj: YMap, kind: str, lines: Sequence[str]) -> Iterator[Pod]:
        vmi = _get(obj, spec_path)
        if isinstance(vmi, YMap):
            spec = _new_map(vmi.pos)
            _copy(spec, vmi, VM_POD_KEYS)
            meta = _get(obj, (*spec_path[:-1], "metadata")) if spec_path[-1:] == ("spec",) and len(spec_path) > 1 \
                else None
            yield Pod(None, meta if isinstance(meta, YMap) else YMap(), spec, ".".join((kind, *spec_path)), vmi.pos)
    return pods


def _runner(obj: YMap, kind: str, lines: Sequence[str]) -> Iterator[Pod]:
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
    "TaskRun": (_tekton_task(("spec", "taskSpec"), TASK_RUN),),
    "Pipeline": (_tekton_pipeline(("spec",)),),
    "PipelineRun": (_tekton_pipeline(("spec", "pipelineSpec"), PIPELINE_RUN),),
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
    # Argo Rollouts: an Experiment's templates, an analysis's Job metrics
    "Experiment": (Template(("spec", "templates", "*", "template")),),
    "AnalysisTemplate": (Template(("spec", "metrics", "*", "provider", "job", "spec", "template")),),
    "ClusterAnalysisTemplate": (Template(("spec", "metrics", "*", "provider", "job", "spec", "template")),),
    "AnalysisRun": (Template(("spec", "metrics", "*", "provider", "job", "spec", "template")),),
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


def writes_pod_spec(kind: str) -> bool:
    """Whether a kind's pods are written as Kubernetes pod templates, where a fix may add a pod-level
    field (``automountServiceAccountToken``, ``securityContext``): not when the operator builds the
    pod out of fields of its own (Argo templates, Tekton steps, Spark, runners, SidecarSet)."""
    places = KINDS.get(kind)
    return places is None or all(isinstance(place, Template) for place in places)


def pods(obj: YMap, lines: Sequence[str] = ()) -> list[Pod] | None:
    """The pods of an operator's object, or None when its kind is not in the table (``lines``: its
    file's, where text embedded in a string is looked up for its positions)."""
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
            out += place(obj, kind, lines)
    return out


def embedded(obj: YMap) -> Any:
    """The object an embedding kind carries (a mapping to parse on its own), or None."""
    path = EMBEDDING.get(obj.get("kind"))  # type: ignore[arg-type]
    return _get(obj, path) if path is not None else None
