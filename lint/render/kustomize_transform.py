"""Kustomize's built-in transformers and generators in-process (images, namespace, name prefix and
suffix, labels, annotations, replicas, ConfigMap/Secret generators and their name hash).

Used by :mod:`isolint.render.kustomize_native`; whatever is not modelled raises
:class:`~isolint.render.kustomize_patch.Unsupported`, and the root is built by the binary instead.
Each function mutates the resources it is given in place (no copies) and models Kustomize 5.5-5.8
(kubectl 1.32-1.37), checked against the binary by ``tests/test_kustomize_transform.py``.

Field specs. Kustomize locates the fields a transformer writes with *field specs*: a path
(``spec/template/metadata/labels``; a list met on the way is walked item by item, ``[]`` marks a
list that is never created) for the resources of a group/version/kind (empty: any). A missing
field, or a null one, is created when the spec says ``create`` (a null list field becomes ``[]``);
otherwise the path stops there. A scalar met before the end is Kustomize's error, hence
:class:`Unsupported`. :func:`_walk` is that filter; the tables below are Kustomize's defaults.

What each transformer does (and what raises :class:`Unsupported`) is in its docstring; the order in
which a kustomization runs them is the caller's: namespace, prefix/suffix, ``labels`` entries then
``commonLabels``, ``commonAnnotations``, replicas, images (after patches); generators before all.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from ..yamlsource import BoolWord
from .kustomize_patch import Unsupported

# (group, version, kind, path, create); "" matches any.
FieldSpec = tuple[str, str, str, tuple[str, ...], bool]


def _specs(text: str) -> tuple[FieldSpec, ...]:
    """``"group/version/Kind path [create]"`` lines (``-`` for an empty group or version)."""
    specs = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        gvk, path, *create = line.split()
        group, version, kind = (part if part != "-" else "" for part in gvk.split("/"))
        kind = "" if kind == "*" else kind
        specs.append((group, version, kind, tuple(path.split("/")), bool(create)))
    return tuple(specs)


_TEMPLATE_LABELS = """
-/-/* metadata/labels create
-/v1/ReplicationController spec/template/metadata/labels create
-/-/Deployment spec/template/metadata/labels create
-/-/ReplicaSet spec/template/metadata/labels create
-/-/DaemonSet spec/template/metadata/labels create
apps/-/StatefulSet spec/template/metadata/labels create
batch/-/Job spec/template/metadata/labels create
batch/-/CronJob spec/jobTemplate/metadata/labels create
batch/-/CronJob spec/jobTemplate/spec/template/metadata/labels create
"""
_POD_SELECTORS = "".join(
    f"apps/-/{kind} spec/template/spec/{path}/labelSelector/matchLabels\n"
    for kind in ("Deployment", "StatefulSet")
    for path in (
        "affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm",
        "affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution",
        "affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm",
        "affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution",
        "topologySpreadConstraints",
    )
)
_VOLUME_CLAIM_LABELS = """
apps/-/StatefulSet spec/volumeClaimTemplates[]/metadata/labels create
"""
_COMMON_LABELS = _TEMPLATE_LABELS + _VOLUME_CLAIM_LABELS + """
-/v1/Service spec/selector create
-/v1/ReplicationController spec/selector create
-/-/Deployment spec/selector/matchLabels create
-/-/ReplicaSet spec/selector/matchLabels create
-/-/DaemonSet spec/selector/matchLabels create
apps/-/StatefulSet spec/selector/matchLabels create
batch/-/Job spec/selector/matchLabels
batch/-/CronJob spec/jobTemplate/spec/selector/matchLabels
policy/-/PodDisruptionBudget spec/selector/matchLabels
networking.k8s.io/-/NetworkPolicy spec/podSelector/matchLabels
networking.k8s.io/-/NetworkPolicy spec/ingress/from/podSelector/matchLabels
networking.k8s.io/-/NetworkPolicy spec/egress/to/podSelector/matchLabels
""" + _POD_SELECTORS

TEMPLATE_LABELS = _specs(_TEMPLATE_LABELS + _VOLUME_CLAIM_LABELS)
COMMON_LABELS = _specs(_COMMON_LABELS)
METADATA_LABELS = _specs("-/-/* metadata/labels create")
COMMON_ANNOTATIONS = _specs(_TEMPLATE_LABELS.replace("/labels", "/annotations"))
NAMESPACE = _specs("""
apiregistration.k8s.io/-/APIService spec/service/namespace create
apiextensions.k8s.io/-/CustomResourceDefinition spec/conversion/webhook/clientConfig/service/namespace
""")
IMAGES = _specs("""
-/-/* spec/containers[]/image
-/-/* spec/initContainers[]/image
-/-/* spec/template/spec/containers[]/image
-/-/* spec/template/spec/initContainers[]/image
""")
REPLICAS = _specs("""
-/-/Deployment spec/replicas create
-/-/ReplicationController spec/replicas create
-/-/ReplicaSet spec/replicas create
-/-/StatefulSet spec/replicas create
""")

# Kustomize's (kyaml's) table of the built-in kinds it knows to be cluster-scoped, by exact
# apiVersion and kind; any other kind (every custom resource too) is namespaced to it.
CLUSTER_SCOPED = frozenset(
    (api, kind)
    for line in """
admissionregistration.k8s.io/v1 admissionregistration.k8s.io/v1beta1 :
    MutatingWebhookConfiguration ValidatingWebhookConfiguration
apiextensions.k8s.io/v1 apiextensions.k8s.io/v1beta1 : CustomResourceDefinition
apiregistration.k8s.io/v1 apiregistration.k8s.io/v1beta1 : APIService
certificates.k8s.io/v1 certificates.k8s.io/v1beta1 : CertificateSigningRequest
flowcontrol.apiserver.k8s.io/v1beta1 : FlowSchema PriorityLevelConfiguration
networking.k8s.io/v1 networking.k8s.io/v1beta1 : IngressClass
node.k8s.io/v1 node.k8s.io/v1beta1 : RuntimeClass
policy/v1beta1 : PodSecurityPolicy
rbac.authorization.k8s.io/v1 rbac.authorization.k8s.io/v1beta1 : ClusterRole ClusterRoleBinding
scheduling.k8s.io/v1 scheduling.k8s.io/v1beta1 : PriorityClass
storage.k8s.io/v1 : CSIDriver CSINode StorageClass VolumeAttachment
storage.k8s.io/v1beta1 : CSIDriver CSINode StorageClass VolumeAttachment
v1 : ComponentStatus Namespace Node NodeProxyOptions PersistentVolume
""".replace(":\n", ":").strip().splitlines()
    for apis, kinds in [line.split(":")]
    for api in apis.split()
    for kind in kinds.split()
)


def _gvk(resource: dict[str, Any]) -> tuple[str, str, str]:
    api, kind = resource.get("apiVersion"), resource.get("kind")
    if not isinstance(api, str) or not isinstance(kind, str) or api.count("/") > 1:
        raise Unsupported("a resource without a plain apiVersion and kind")
    group, _, version = api.rpartition("/")
    return group, version, kind


def _selected(spec: FieldSpec, gvk: tuple[str, str, str]) -> bool:
    return all(not want or want == have for want, have in zip(spec[:3], gvk, strict=True))


def cluster_scoped(resource: dict[str, Any]) -> bool:
    """Whether Kustomize takes the resource as cluster-scoped (never given a namespace)."""
    return (resource.get("apiVersion"), resource.get("kind")) in CLUSTER_SCOPED


_Setter = Callable[[dict[str, Any], str], None]


def _walk(node: Any, path: tuple[str, ...], create: bool, setter: _Setter, leaf: Callable[[], Any]) -> None:
    """Kustomize's field-spec filter: ``setter(mapping, key)`` at the field ``path`` names from
    ``node`` (every item of a list met on the way); ``leaf()`` makes a missing last field."""
    if isinstance(node, list):
        for item in node:
            if item is not None:
                _walk(item, path, create, setter, leaf)
        return
    if not isinstance(node, dict):
        raise Unsupported("a field spec's path meets a scalar")
    name, rest = path[0], path[1:]
    listed = name.endswith("[]")
    if listed:
        name = name[:-2]
    value = node.get(name)
    if value is None:
        if listed:
            if name in node:
                node[name] = []
            return
        if not create:
            return
        if rest:
            value = node[name] = {}
        else:
            node[name] = leaf()
    if rest:
        _walk(value, rest, create, setter, leaf)
    else:
        setter(node, name)


def _apply(resources: Iterable[dict[str, Any]], specs: Iterable[FieldSpec], setter: _Setter,
           leaf: Callable[[], Any]) -> None:
    specs = tuple(specs)
    for resource in resources:
        gvk = _gvk(resource)
        for spec in specs:
            if _selected(spec, gvk):
                _walk(resource, spec[3], spec[4], setter, leaf)


def _text(value: Any) -> bool:
    """A string to Kustomize reading a kustomization (go-yaml v2: a plain y or n is a boolean)."""
    return isinstance(value, str) and not isinstance(value, BoolWord)


def _string_map(value: Any, what: str) -> dict[str, str]:
    """A ``map[string]string`` of a kustomization (anything else is Kustomize's error)."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        _text(k) and _text(v) for k, v in value.items()
    ):
        raise Unsupported(f"{what} that is not a map of strings")
    return value


def _entries_setter(entries: dict[str, str]) -> _Setter:
    def setter(node: dict[str, Any], key: str) -> None:
        target = node[key]
        if not isinstance(target, dict):
            raise Unsupported("labels or annotations that are not a mapping")
        target.update(entries)

    return setter


# --- labels and annotations -----------------------------------------------------------------


def add_labels(resources: list[dict[str, Any]], labels: dict[str, Any], selectors: bool, templates: bool) -> None:
    """``commonLabels`` (``selectors=templates=True``) or one ``labels`` entry (its ``pairs``,
    ``includeSelectors``, ``includeTemplates``; the caller raises :class:`Unsupported` for
    ``fields``). With selectors: metadata, pod templates, the selectors of Service,
    ReplicationController, Deployment, ReplicaSet, DaemonSet, StatefulSet (and its
    volumeClaimTemplates) created where missing, and of Job, CronJob, PodDisruptionBudget,
    NetworkPolicy and the pod (anti-)affinity and topology-spread terms of Deployment and
    StatefulSet where present. Without: metadata only, plus pod templates with ``templates``."""
    labels = _string_map(labels, "labels")
    if not labels:
        return
    specs = COMMON_LABELS if selectors else TEMPLATE_LABELS if templates else METADATA_LABELS
    _apply(resources, specs, _entries_setter(labels), dict)


def add_label_entry(resources: list[dict[str, Any]], entry: Any) -> None:
    """One entry of a kustomization's ``labels`` list (``pairs``, ``includeSelectors``,
    ``includeTemplates``) through :func:`add_labels`; custom ``fields`` raise :class:`Unsupported`."""
    if not isinstance(entry, dict) or set(entry) - {"pairs", "includeSelectors", "includeTemplates"}:
        raise Unsupported("a labels entry with fields (or keys) this build does not model")
    selectors, templates = entry.get("includeSelectors", False), entry.get("includeTemplates", False)
    if not isinstance(selectors, bool) or not isinstance(templates, bool):
        raise Unsupported("labels includeSelectors/includeTemplates that are not booleans")
    add_labels(resources, entry.get("pairs"), selectors, templates)


def add_annotations(resources: list[dict[str, Any]], annotations: dict[str, Any]) -> None:
    """``commonAnnotations``: metadata of every resource, and the pod templates of
    ReplicationController, Deployment, ReplicaSet, DaemonSet, StatefulSet, Job and CronJob (its
    jobTemplate too), created where missing."""
    annotations = _string_map(annotations, "commonAnnotations")
    if annotations:
        _apply(resources, COMMON_ANNOTATIONS, _entries_setter(annotations), dict)


# --- namespace ------------------------------------------------------------------------------


def _scalar_setter(value: Any) -> _Setter:
    def setter(node: dict[str, Any], key: str) -> None:
        if isinstance(node[key], (dict, list)):
            raise Unsupported("a field spec that names a mapping or list, not a scalar")
        node[key] = value

    return setter


def set_namespace(resources: list[dict[str, Any]], namespace: str) -> None:
    """``namespace:``: ``metadata.namespace`` of every resource not in :data:`CLUSTER_SCOPED` (a
    custom resource's kind is namespaced to Kustomize), set or replaced; a cluster-scoped one keeps
    whatever it has. The ``v1`` Namespace objects are *renamed* to it; APIService's
    ``spec.service.namespace`` is set (created), a CRD's conversion webhook service's replaced.
    (Cluster)RoleBinding subjects *named* ``default`` (any kind) get it; other subjects are left to
    the name-reference step. Two resources left with one identity: :class:`Unsupported`."""
    if not namespace:
        return
    if not _text(namespace):
        raise Unsupported("a namespace that is not a string")
    setter = _scalar_setter(namespace)
    seen = set()
    for resource in resources:
        gvk = _gvk(resource)
        if not cluster_scoped(resource):
            _walk(resource, ("metadata", "namespace"), True, setter, str)
        if gvk == ("", "v1", "Namespace"):  # the core Namespace only (apiVersion "v1")
            _walk(resource, ("metadata", "name"), True, setter, str)
        if gvk[2] in ("RoleBinding", "ClusterRoleBinding"):
            _subjects(resource.get("subjects"), namespace)
        for spec in NAMESPACE:
            if _selected(spec, gvk):
                _walk(resource, spec[3], spec[4], setter, str)
        metadata = resource.get("metadata")
        if isinstance(metadata, dict):
            key = (*gvk, metadata.get("namespace"), metadata.get("name"))
            if key in seen:
                raise Unsupported("the namespace makes two resources one")
            seen.add(key)


def _subjects(subjects: Any, namespace: str) -> None:
    if subjects is None:
        return
    if not isinstance(subjects, list):
        raise Unsupported("RoleBinding subjects that are not a list")
    for subject in subjects:
        if subject is None:
            continue
        if not isinstance(subject, dict):
            raise Unsupported("a RoleBinding subject that is not a mapping")
        if subject.get("name") == "default":
            if isinstance(subject.get("namespace"), (dict, list)):
                raise Unsupported("a subject namespace that is not a scalar")
            subject["namespace"] = namespace


# --- names ----------------------------------------------------------------------------------

_NOT_RENAMED = (("", "CustomResourceDefinition"), ("apiregistration.k8s.io", "APIService"), ("", "Namespace"))


def add_prefix_suffix(resources: list[dict[str, Any]], prefix: str, suffix: str) -> None:
    """``namePrefix``/``nameSuffix``: ``metadata.name`` of every resource but CustomResourceDefinitions,
    APIServices (``apiregistration.k8s.io``) and Namespaces (any group)."""
    prefix, suffix = "" if prefix is None else prefix, "" if suffix is None else suffix
    if not _text(prefix) or not _text(suffix):
        raise Unsupported("a name prefix or suffix that is not a string")
    if not prefix and not suffix:
        return
    for resource in resources:
        group, _, kind = _gvk(resource)
        if any(kind == k and (not g or g == group) for g, k in _NOT_RENAMED):
            continue
        metadata = resource.get("metadata")
        name = metadata.get("name") if isinstance(metadata, dict) else None
        if name is None:
            continue
        if not isinstance(name, str):
            raise Unsupported("a resource name that is not a string")
        metadata["name"] = prefix + name + suffix


# --- replicas -------------------------------------------------------------------------------


def set_replicas(resources: list[dict[str, Any]], entries: list[Any],
                 names: Callable[[dict[str, Any]], Iterable[str]] | None = None) -> None:
    """``replicas:``: ``spec.replicas`` (created) of the Deployments, ReplicationControllers,
    ReplicaSets and StatefulSets whose name is the entry's: the current name, or any name it had
    before (``names(resource)``: Kustomize matches every previous id, before prefixes and suffixes).
    An entry matching nothing is Kustomize's error, hence :class:`Unsupported`."""
    for entry in entries or ():
        if not isinstance(entry, dict) or set(entry) - {"name", "count"}:
            raise Unsupported("a replicas entry Kustomize would not read")
        name, count = entry.get("name"), entry.get("count", 0)
        if not _text(name) or type(count) is not int:
            raise Unsupported("a replicas entry without a name or an integer count")
        found = False
        for resource in resources:
            gvk = _gvk(resource)
            metadata = resource.get("metadata")
            current = metadata.get("name") if isinstance(metadata, dict) else None
            if current != name and (names is None or name not in names(resource)):
                continue
            for spec in REPLICAS:
                if _selected(spec, gvk):
                    found = True
                    _walk(resource, spec[3], spec[4], _scalar_setter(count), int)
        if not found:
            raise Unsupported(f"replicas entry {name!r} matches no resource")


# --- images ---------------------------------------------------------------------------------

_IMAGE_KEYS = {"name", "newName", "newTag", "digest", "tagSuffix"}
_REGEX_SAFE = re.compile(r"[A-Za-z0-9._/:@-]+")


def set_images(resources: list[dict[str, Any]], entries: list[Any]) -> None:
    """``images:``, each entry in turn as Kustomize applies it: the ``image`` of every item of every
    ``containers``/``initContainers`` list at any depth of any resource (Kustomize's legacy scan),
    then its default field specs (``spec/[template/spec/]{containers,initContainers}[]/image``,
    which also reach a mapping written where the list belongs); CustomResourceDefinitions never.
    An image matches when it is the entry's ``name`` (a regular expression to Kustomize: ``.``
    matches any character) with an optional ``:tag`` and ``@sha256:digest``; ``newName`` replaces
    the name, ``newTag`` and/or ``digest`` replace both tag and digest; else ``tagSuffix`` is appended
    to the tag (the digest dropped), once per pass: twice where both passes reach the image (a pod
    spec, a pod template), unless ``newName`` no longer matches."""
    for entry in entries or ():
        if not isinstance(entry, dict) or set(entry) - _IMAGE_KEYS or not all(
            _text(v) for v in entry.values()
        ):
            raise Unsupported("an images entry Kustomize would not read")
        name = entry.get("name", "")
        if not _REGEX_SAFE.fullmatch(name):
            raise Unsupported("an image name with regular-expression characters")
        update = _image_updater(entry, re.compile(name + r"(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?"))
        for resource in resources:
            if resource.get("kind") == "CustomResourceDefinition":
                continue
            _legacy_images(resource, update)
            gvk = _gvk(resource)
            for spec in IMAGES:
                if _selected(spec, gvk):
                    _walk(resource, spec[3], False, update, str)


def _image_updater(entry: dict[str, str], pattern: re.Pattern[str]) -> _Setter:
    new_name, new_tag, new_digest = entry.get("newName", ""), entry.get("newTag", ""), entry.get("digest", "")
    tag_suffix = entry.get("tagSuffix", "")

    def update(node: dict[str, Any], key: str) -> None:
        value = node[key]
        if value is None and not any(pattern.fullmatch(text) for text in ("", "null", "~")):
            return
        if not isinstance(value, str):
            raise Unsupported("an image that is not a string")
        if not pattern.fullmatch(value):
            return
        name, tag, digest = split_image(value)
        name = new_name or name
        if new_tag:
            tag, digest = new_tag, new_digest
        elif new_digest:
            tag, digest = "", new_digest
        elif tag_suffix:
            tag, digest = tag + tag_suffix, ""
        node[key] = name + (":" + tag if tag else "") + ("@" + digest if digest else "")

    return update


def split_image(image: str) -> tuple[str, str, str]:
    """Kustomize's ``image.Split``: name, tag and digest (a port in the registry is no tag)."""
    slash = image.find("/")
    offset = slash if slash > 0 else 0
    search = image[offset:]
    at, colon = search.find("@"), search.find(":")
    if at < 0 and colon < 0:
        return image, "", ""
    if at >= 0 and (colon < 0 or at < colon):
        return image[: offset + at], "", image[offset + at + 1:]
    if at >= 0:
        return image[: offset + colon], image[offset + colon + 1: offset + at], image[offset + at + 1:]
    return image[: offset + colon], image[offset + colon + 1:], ""


def _legacy_images(node: Any, update: _Setter) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _legacy_images(value, update)
            if key in ("containers", "initContainers") and isinstance(value, list):
                for item in value:
                    if item is None:
                        continue
                    if not isinstance(item, dict):
                        raise Unsupported("a container that is not a mapping")
                    if "image" in item:
                        update(item, "image")
    elif isinstance(node, list):
        for item in node:
            _legacy_images(item, update)


# --- generators -----------------------------------------------------------------------------

_ENTRY_KEYS = {"name", "namespace", "behavior", "literals", "files", "envs", "env", "options"}
_OPTION_KEYS = {"labels", "annotations", "disableNameSuffixHash", "immutable"}
# Characters Kustomize fails to write back ("yaml: control characters are not allowed"), as found
# with kubectl 1.32 and 1.37: DEL, the C1 controls (NEL only in a key), U+FFFE and U+FFFF.
_UNWRITABLE_VALUE = re.compile("[\x7f-\x84\x86-\x9f\ufffe\uffff]")
_UNWRITABLE_KEY = re.compile("[\x7f-\x9f\ufffe\uffff]")
# Go's unicode.IsSpace: ASCII white space, NEL, NBSP and Unicode's other White_Space characters.
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
    "\u2028\u2029\u202f\u205f\u3000"


def _options(local: Any, merged: Any) -> dict[str, Any]:
    """``MergeGlobalOptionsIntoLocal``: the entry's options over the kustomization's."""
    result: dict[str, Any] = {}
    for options in (merged, local):
        if options is None:
            continue
        if not isinstance(options, dict) or set(options) - _OPTION_KEYS:
            raise Unsupported("generator options this build does not model")
        for key in ("disableNameSuffixHash", "immutable"):
            if key in options and not isinstance(options[key], bool):
                raise Unsupported(f"generator option {key} that is not a boolean")
    result["labels"] = {**_string_map((merged or {}).get("labels"), "generator labels"),
                        **_string_map((local or {}).get("labels"), "generator labels")}
    result["annotations"] = {**_string_map((merged or {}).get("annotations"), "generator annotations"),
                             **_string_map((local or {}).get("annotations"), "generator annotations")}
    for key in ("disableNameSuffixHash", "immutable"):
        result[key] = bool((merged or {}).get(key)) or bool((local or {}).get(key))
    return result


def needs_hash(entry: dict[str, Any], options: dict[str, Any] | None) -> bool:
    """Whether the generated object's name takes :func:`hash_suffix` (``disableNameSuffixHash`` off)."""
    return not _options(entry.get("options"), options)["disableNameSuffixHash"]


def _strings(entry: dict[str, Any], key: str) -> list[str]:
    values = entry.get(key)
    if values is None:
        return []
    if not isinstance(values, list) or not all(_text(v) for v in values):
        raise Unsupported(f"generator {key} that are not a list of strings")
    return values


def _env_pairs(text: str) -> list[tuple[str, str]]:
    pairs = []
    for number, line in enumerate(text.split("\n")):
        line = line.removesuffix("\r")
        if number == 0:
            line = line.removeprefix("\ufeff")
        if len(line) > 16000 and len(line.encode()) >= 65535:  # bufio.Scanner's token limit
            raise Unsupported("an env file line longer than Kustomize reads")
        line = line.lstrip(_GO_SPACE)
        if not line or line.startswith("#"):
            continue
        key, equals, value = line.partition("=")
        if not key:  # "=value": no key, skipped as Kustomize skips it
            continue
        if not equals:
            raise Unsupported("an env file line that takes its value from the environment")
        pairs.append((key, value))
    return pairs


def _literal(source: str) -> tuple[str, str]:
    key, equals, value = source.partition("=")
    if not equals or not key:
        raise Unsupported("a literal that is not key=value")
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return key, value


def _file(source: str, read: Callable[[str], str]) -> tuple[str, str]:
    if source.count("=") > 1 or source.startswith("=") or source.endswith("="):
        raise Unsupported("a generator file source Kustomize would refuse")
    key, _, path = source.rpartition("=")
    if not key:
        key = path.rstrip("/").rsplit("/", 1)[-1]
    return key, read(path)


def _base64(text: str) -> str:
    """Kustomize's ``encodeBase64``: 70-character lines, each ending in a newline once there are two."""
    encoded = base64.b64encode(text.encode()).decode()
    if len(encoded) < 70:
        return encoded
    return "".join(encoded[i:i + 70] + "\n" for i in range(0, len(encoded), 70))


def generate(kind: str, entry: dict[str, Any], options: dict[str, Any] | None,
             read: Callable[[str], str]) -> dict[str, Any]:
    """The ConfigMap or Secret a generator entry makes (its name without the hash suffix):
    ``envs`` (``KEY=value`` lines; a line without a key skipped), then ``literals`` (``key=value``,
    one pair of surrounding quotes dropped), then ``files`` (``path`` keyed by its base name, or
    ``key=path``), each key once (Kustomize validates no key: ``bad key`` is one);
    a Secret's values base64-encoded (in 70-character lines, each ending in a newline, once longer)
    and its ``type`` (default ``Opaque``); the entry's ``options`` over ``options`` (the
    kustomization's ``generatorOptions``): labels, annotations, ``immutable``. ``behavior`` is
    left to the caller; :func:`needs_hash` says whether to hash.
    Raises :class:`Unsupported` for an env line without ``=`` (Kustomize reads the environment),
    a file ``read`` cannot give as text, and whatever Kustomize would refuse."""
    if not isinstance(entry, dict) or set(entry) - _ENTRY_KEYS - ({"type"} if kind == "Secret" else set()):
        raise Unsupported("a generator entry this build does not model")
    if kind not in ("ConfigMap", "Secret"):
        raise Unsupported(f"a {kind} generator")
    name, namespace = entry.get("name"), entry.get("namespace")
    if not _text(name) or not name or _UNWRITABLE_KEY.search(name):
        raise Unsupported("a generator without a name Kustomize writes")  # any other text is taken as it is
    if namespace is not None and (not _text(namespace) or _UNWRITABLE_KEY.search(namespace)):
        raise Unsupported("a generator namespace that is not text")
    merged = _options(entry.get("options"), options)
    pairs: list[tuple[str, str]] = []
    for path in _strings(entry, "envs") + ([entry["env"]] if entry.get("env") else []):
        if not _text(path):
            raise Unsupported("a generator env that is not a string")
        pairs.extend(_env_pairs(read(path)))
    pairs.extend(_literal(source) for source in _strings(entry, "literals"))
    pairs.extend(_file(source, read) for source in _strings(entry, "files"))
    data: dict[str, str] = {}
    for key, value in pairs:
        if key in data:
            raise Unsupported("a generated key given twice (Kustomize refuses it)")
        if _UNWRITABLE_KEY.search(key):
            raise Unsupported("a generated key with a character Kustomize fails to write")
        if kind == "ConfigMap" and _UNWRITABLE_VALUE.search(value):  # a Secret's are base64
            raise Unsupported("ConfigMap data with a character Kustomize fails to write")
        data[key] = value
    metadata: dict[str, Any] = {"name": name}
    if namespace:
        metadata["namespace"] = namespace
    if merged["labels"]:
        metadata["labels"] = dict(merged["labels"])
    if merged["annotations"]:
        metadata["annotations"] = dict(merged["annotations"])
    resource: dict[str, Any] = {"apiVersion": "v1", "kind": kind, "metadata": metadata}
    if kind == "Secret":
        kind_type = entry.get("type") or "Opaque"
        if not _text(kind_type):
            raise Unsupported("a Secret type that is not a string")
        resource["type"] = kind_type
        data = {k: _base64(v) for k, v in data.items()}
    if data or kind == "Secret":  # a Secret always has its data mapping, a ConfigMap only when not empty
        resource["data"] = data
    if merged["immutable"]:
        resource["immutable"] = True
    return resource


# --- the name hash --------------------------------------------------------------------------

_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_GO_ESCAPED = re.compile("[<>&\u2028\u2029]")


def _go_json(value: Any) -> str:
    """``encoding/json.Marshal``: sorted keys, no spaces, HTML characters escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return _GO_ESCAPED.sub(lambda m: _GO_ESCAPES[m.group()], text)


def _hash_value(resource: dict[str, Any], key: str) -> Any:
    value = resource.get(key)
    if value is None:
        return ""
    if isinstance(value, dict):
        if any(isinstance(v, (float, dict, list)) for v in value.values()):
            raise Unsupported(f"{key} values this build does not hash")
        return value
    if isinstance(value, str):
        return value
    raise Unsupported(f"a {key} this build does not hash")


def hash_suffix(resource: dict[str, Any]) -> str:
    """Kustomize's content hash of a generated ConfigMap/Secret (the suffix after ``name-``): the
    sha256 of the JSON of its kind, an empty name (Kustomize's lookup of the name misses), ``data``
    (and ``binaryData``/``stringData`` when mappings; a Secret's ``type`` too), the first ten hex
    digits with ``0 1 3 a e`` mapped to ``g h k m t`` (``api/hasher``)."""
    kind = resource.get("kind")
    if kind not in ("ConfigMap", "Secret"):
        raise Unsupported("a hash suffix on something other than a ConfigMap or Secret")
    # api/hasher looks the name up as one field called "metadata/name": never found, always ""
    encoded: dict[str, Any] = {"kind": kind, "name": "", "data": _hash_value(resource, "data")}
    extra = "binaryData" if kind == "ConfigMap" else "stringData"
    if isinstance(resource.get(extra), dict):
        encoded[extra] = _hash_value(resource, extra)
    if kind == "Secret":
        encoded["type"] = _hash_value(resource, "type")
    try:
        digest = hashlib.sha256(_go_json(encoded).encode()).hexdigest()
    except UnicodeEncodeError:
        raise Unsupported("a name hash over text that is not valid UTF-8") from None
    return digest[:10].translate(_HASH_MAP)


_HASH_MAP = str.maketrans("013ae", "ghkmt")
