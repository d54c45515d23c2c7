"""Kustomize built in-process, for the part of Kustomize real repositories use.

``kubectl kustomize`` costs a process per root (about 35 ms before it reads a file, 60 ms more to
load its OpenAPI schema for a strategic-merge patch) and its origin annotations cost more than the
build itself: on ../shared/corpus/real its 53 builds took 6.6 s of CPU, four times the rest of the
run. This module builds a root as Kustomize does (``api/internal/target/kusttarget.go``):

* each kustomization accumulates its ``resources`` (files, and folders built recursively) and
  ``bases``, then runs its ``components`` over what it accumulated (a component's resources, its
  generators and transformers act on its includer's resources), then its generators, then its
  transformers in Kustomize's order: ``patchesStrategicMerge``, ``patches``, ``namespace``,
  ``namePrefix``, ``nameSuffix``, ``labels``/``commonLabels``, ``commonAnnotations``,
  ``patchesJson6902``, ``replicas``, ``images``;
* at the root, generated names get their hash suffix and references to renamed ConfigMaps,
  Secrets, service accounts, claims and priority classes in pod specs follow the new names
  (Kustomize's ``nameReference``).

Patches are :mod:`~isolint.render.kustomize_patch`'s, transformers and generators
:mod:`~isolint.render.kustomize_transform`'s. Anything not modelled (``replacements``, ``vars``,
Helm inflation, plug-ins, an error Kustomize would report, a value YAML 1.1 and Kustomize read
otherwise...) raises :class:`~isolint.render.kustomize_patch.Unsupported`: the root is then built by
the binary, exactly as before; a missing resource or generator file fails as the binary fails
(:class:`Failed`, its message). The output keeps the binary's contract for
:func:`~isolint.render.kustomize_map.parse_built`: the documents isolint reads (other kinds are left
out), each with Kustomize's ``config.kubernetes.io/origin`` annotation, positioned as their text
would be read (:func:`text` writes it, for comparing a build with the binary's:
``benchmarks/kustomize_native.py``, ``tests/test_kustomize_native.py``).
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..parsers.kubernetes import kept
from ..sources import ReadError, contained, read_bytes, read_text, realpaths
from ..yamlsource import BoolWord, YMap, YSeq, load_all
from . import kustomize_transform as transform
from .kustomize_patch import Unsupported, copy_value, json6902, split_patch, strategic_merge
from .kustomize_select import Resource, matches_selector

_KEYS = frozenset({
    "apiVersion", "kind", "metadata", "resources", "bases", "components", "patches", "patchesStrategicMerge",
    "patchesJson6902", "images", "namespace", "namePrefix", "nameSuffix", "commonLabels", "labels",
    "commonAnnotations", "configMapGenerator", "secretGenerator", "generatorOptions", "replicas"})
_ORDER_FIRST = ("Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
                "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret",
                "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume", "PersistentVolumeClaim",
                "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget")
_ORDER_LAST = ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")
_TYPE_ORDER = {**{k: i - len(_ORDER_FIRST) for i, k in enumerate(_ORDER_FIRST)},
               **{k: i + 1 for i, k in enumerate(_ORDER_LAST)}}
MAX_TREE_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 100  # kustomizations including one another


def supported(graph: Any, folder: str) -> bool:
    """Whether every kustomization of the root's tree uses only what this module models (a build
    may still meet something it does not, and the binary builds it then)."""
    return all(not (set(graph.nodes[f].doc) - _KEYS) for f in graph.closure(folder))


@dataclass(slots=True)
class Res:
    doc: dict[str, Any]
    origin: str  # the file it was read from (a generator's kustomization file)
    ids: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, namespace, name): first the original
    generated: bool = False
    hashed: bool = False  # a generated name that gets Kustomize's hash suffix

    def current(self) -> tuple[str, str, str]:
        meta = self.doc.get("metadata") or {}
        return self.doc.get("kind"), meta.get("namespace") or "", meta.get("name")

    def note_id(self) -> None:
        now = self.current()
        if now != self.ids[-1]:
            self.ids.append(now)

    def copy(self) -> Res:
        return Res(copy_value(self.doc), self.origin, list(self.ids), self.generated, self.hashed)

    def gvk(self) -> tuple[str, str, str]:
        group, _, version = str(self.doc.get("apiVersion") or "").rpartition("/")
        return group, version, self.doc.get("kind")


def _plain(value: Any) -> Any:
    """A copy of a loaded value as plain ``dict``/``list``; Unsupported for what JSON would not
    give back as isolint's loader read it (a plain y/n, a non-text key, a float written with an
    exponent or not finite, a duplicate key); a float with no fraction becomes an int, as the
    binary writes it."""
    if isinstance(value, dict):
        if isinstance(value, YMap) and (value.duplicates or value.complex_keys):
            raise Unsupported("a duplicate or complex key")
        out = {}
        for key, item in value.items():
            if not isinstance(key, str) or isinstance(key, BoolWord):
                raise Unsupported("a key that is not text")
            out[key] = _plain(item)
        return out
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, BoolWord):
        raise Unsupported("a plain y/n value")
    if isinstance(value, float):
        if not math.isfinite(value) or "e" in repr(value) or abs(value) >= 1e21:
            raise Unsupported("a float JSON would write otherwise")
        return int(value) if value.is_integer() else value  # Kustomize writes 2.0 as 2, as Go's JSON does
    if value is None or isinstance(value, (str, bool, int)):
        return value
    raise Unsupported(f"a {type(value).__name__} value")


_SEPARATOR = re.compile(rb"(?m)(^---[ \t]*(?:#[^\n]*)?\n)")
_CRD_KIND = re.compile(rb"(?m)^kind:[ \t]*[\"']?CustomResourceDefinition[\"']?[ \t]*\r?$")
_CRD_API = re.compile(rb"(?m)^apiVersion:[ \t]*([\"']?apiextensions\.k8s\.io/[\w.]+[\"']?)[ \t]*\r?$")
_METADATA = re.compile(rb"(?m)^metadata:[ \t]*\r?\n((?:(?:[ \t][^\n]*)?\n)*)")
_NAME = re.compile(rb"^([ \t]+)name:[ \t]*([^\s#][^\n#]*?)[ \t]*\r?$")


def slim_definitions(data: bytes) -> bytes:
    """``data`` with each CustomResourceDefinition document cut to its ``apiVersion``, ``kind`` and
    ``metadata.name`` (the same bytes when it holds none). A definition holds no pod, but its
    OpenAPI schema is most of a typical install's bytes: on ../shared/corpus/real, argo-cd's HA
    install copies 2.0 MB of which 1.8 MB are definitions, and its build takes 0.97 s whole and
    0.25 s slimmed (kube-prometheus: 1.08 s and 0.18 s). The stub keeps the resource's identity, so
    a patch that targets the definition still finds it; a build that fails on a slimmed tree is
    built again whole (:func:`build`). Only a document written in block style with its
    ``metadata.name`` found on a line of its own is cut; blank lines take the place of the rest, so
    that every other document keeps its line numbers (the in-process build's parse of a file is
    also its origin index, :func:`cached`)."""
    if not _CRD_KIND.search(data):
        return data
    parts = _SEPARATOR.split(data)
    for i in range(0, len(parts), 2):  # documents at even places, separators between them
        document = parts[i]
        api = _CRD_API.search(document)
        meta = _METADATA.search(document)
        if not (api and meta and _CRD_KIND.search(document)):
            continue
        lines = [line for line in meta.group(1).split(b"\n") if line.strip()]
        indent = lines[0][:len(lines[0]) - len(lines[0].lstrip())] if lines else b""
        name = next((m.group(2) for line in lines if (m := _NAME.match(line)) and m.group(1) == indent), None)
        if name is not None:
            stub = b"apiVersion: %s\nkind: CustomResourceDefinition\nmetadata:\n  name: %s\n" % (api.group(1), name)
            parts[i] = stub + b"\n" * max(0, document.count(b"\n") - 4)  # the lines after it keep their numbers
    return b"".join(parts)


class Failed(Exception):
    """The build fails as the binary's would, with the binary's message (as
    :func:`isolint.render.kustomize.cause` cleans it): a resource that does not exist."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Build:
    def __init__(self, graph: Any, root: str) -> None:
        self.graph = graph
        self.root = graph.nodes[root].root
        self.read_total = 0
        self.base = os.path.commonpath(graph.closure(root))  # the folder the binary's copy starts at
        self.stack: list[str] = []  # the kustomizations being built, outermost first

    # -- reading ------------------------------------------------------------------------------------
    def text(self, path: str) -> str:
        try:
            data = read_bytes(contained(path, self.root))
        except ReadError as exc:
            raise Unsupported(exc.message) from None
        self.count(len(data))
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise Unsupported("not UTF-8") from None

    def documents(self, path: str) -> list[Any]:
        real = _REAL[0](path)
        found = _FILES.get(real)
        if found is None:
            try:
                text = read_text(contained(path, self.root))
            except ReadError as exc:
                raise Unsupported(exc.message) from None
            docs = []
            text = slim_definitions(text.encode()).decode()
            for doc, error in load_all(text):
                if error is not None:
                    raise Unsupported(error.message)
                if doc is not None:
                    docs.append(doc)
            found = _FILES[real] = (docs, len(text), _read_otherwise(text, docs))
        self.count(found[1])
        if found[2]:
            raise Unsupported(f"{found[2]}: a plain value Kustomize reads otherwise than YAML 1.1")
        return found[0]

    def count(self, size: int) -> None:
        self.read_total += size
        if self.read_total > MAX_TREE_BYTES:
            raise Unsupported("the tree is larger than the binary's copy allows")

    # -- one kustomization --------------------------------------------------------------------------
    def run(self, folder: str, acc: list[Res], component: bool = False) -> list[Res]:
        node = self.graph.nodes.get(folder)
        if node is None:
            raise Unsupported("not a kustomization")
        if folder in self.stack or len(self.stack) > MAX_DEPTH:
            raise Unsupported("a cycle of kustomizations, or a chain too deep")
        shared = not component and not acc  # a kustomization's own build: the same in every root including it
        key = (folder, self.root)
        if shared and key in _SUBTREES:
            built, size = _SUBTREES[key]
            self.count(size)
            return [res.copy() for res in built]
        self.stack.append(folder)
        before = self.read_total
        try:
            built = self._run(node, folder, acc, component)
        finally:
            self.stack.pop()
        if shared:
            _SUBTREES[key] = ([res.copy() for res in built], self.read_total - before)
        return built

    def _run(self, node: Any, folder: str, acc: list[Res], component: bool) -> list[Res]:
        doc = node.doc
        if set(doc) - _KEYS:
            raise Unsupported(f"{', '.join(sorted(map(str, set(doc) - _KEYS)))} in {os.path.basename(node.path)}")
        if (doc.get("kind") == "Component") != component:
            raise Unsupported("a component among resources, or a kustomization among components")
        for entry in [*_strings(doc, "resources"), *_strings(doc, "bases")]:
            path = os.path.join(folder, entry)
            if os.path.isdir(path):
                self.add(acc, self.run(_REAL[0](path), []))
            elif os.path.isfile(path):
                self.add(acc, [self.load(d, path) for d in _inline_lists(self.documents(path))])
            elif os.path.commonpath([self.base, os.path.realpath(path)]) == self.base and not os.path.lexists(path):
                raise Failed(f"{os.path.relpath(os.path.realpath(path), self.base)}: no such file or directory")
            else:
                raise Unsupported(f"{entry}: not found")
        for entry in _strings(doc, "components"):
            path = os.path.join(folder, entry)
            if not os.path.isdir(path):
                raise Unsupported(f"{entry}: not a folder")
            acc = self.run(_REAL[0](path), acc, component=True)
        self.generate(doc, folder, node.path, acc)
        self.transform(doc, folder, acc)
        return acc

    def load(self, doc: Any, path: str) -> Res:
        if not isinstance(doc, dict):
            raise Unsupported("a document that is not one object")
        res = Res(_plain(doc), path)
        kind, _, name = res.current()
        if not isinstance(kind, str) or not kind or not isinstance(name, str) or not name:
            raise Unsupported("an object without kind or name")
        res.ids.append(res.current())
        return res

    def add(self, acc: list[Res], new: list[Res]) -> None:
        have = {(r.gvk(), _effective(r.current())) for r in acc}
        for res in new:
            key = (res.gvk(), _effective(res.current()))
            if key in have:
                raise Unsupported("an id already registered")
            have.add(key)
            acc.append(res)

    # -- generators ---------------------------------------------------------------------------------
    def generate(self, doc: Any, folder: str, path: str, acc: list[Res]) -> None:
        options = doc.get("generatorOptions")
        for kind, key in (("ConfigMap", "configMapGenerator"), ("Secret", "secretGenerator")):
            for entry in doc.get(key) or ():
                if not isinstance(entry, dict):
                    raise Unsupported("a generator entry that is not a mapping")
                made = _plain(transform.generate(kind, entry, options, self.source_reader(folder, entry)))
                res = Res(made, path, generated=True, hashed=transform.needs_hash(entry, options))
                res.ids.append(res.current())
                behavior = entry.get("behavior") or "create"
                if behavior == "create":
                    self.add(acc, [res])
                    continue
                if behavior not in ("merge", "replace"):
                    raise Unsupported(f"generator behavior {behavior}")
                old = _merge_target(acc, res)
                meta, was = made["metadata"], old.doc.get("metadata") or {}
                for part in ("labels", "annotations"):  # Kustomize's CopyMergeMetaDataFieldsFrom
                    merged = {**(was.get(part) or {}), **(meta.get(part) or {})}
                    if merged:
                        meta[part] = merged
                meta["name"] = was.get("name")
                if was.get("namespace"):
                    meta["namespace"] = was["namespace"]
                else:
                    meta.pop("namespace", None)
                if behavior == "merge":
                    for part in ("data", "binaryData"):
                        if old.doc.get(part) or made.get(part):
                            made[part] = {**(old.doc.get(part) or {}), **(made.get(part) or {})}
                old.doc, old.origin, old.hashed = made, path, res.hashed

    def source_reader(self, folder: str, entry: dict[str, Any]) -> Callable[[str], str]:
        """How a generator reads its ``files``/``envs``: a file missing inside the build's tree fails
        with the binary's message (its ``evalsymlink failure`` as :func:`~isolint.render.kustomize.cause`
        words it)."""

        def read(name: str) -> str:
            path = os.path.join(folder, name)
            real = _REAL[0](path)
            if not os.path.lexists(path) and os.path.commonpath([self.base, real]) == self.base:
                envs, files = entry.get("envs") or [], entry.get("files") or []
                listed = [e for e in files if isinstance(e, str) and e.rpartition("=")[2] == name]
                which, sources = ("file sources", files) if listed else ("env source files", envs)
                if not listed and name not in envs:
                    raise Unsupported(f"{name}: not found")
                raise Failed(f"loading KV pairs: {which}: [{' '.join(map(str, sources))}]: "
                             f"{os.path.relpath(real, self.base)}: no such file or directory")
            return self.text(path)

        return read

    # -- transformers -------------------------------------------------------------------------------
    def transform(self, doc: Any, folder: str, acc: list[Res]) -> None:
        for entry in doc.get("patchesStrategicMerge") or ():
            if not isinstance(entry, str):
                raise Unsupported("a patch that is not text")
            path = os.path.join(folder, entry)
            text = self.text(path) if "\n" not in entry and os.path.isfile(path) else entry
            self.patch(acc, text, None)
        for entry in doc.get("patches") or ():
            if not isinstance(entry, dict) or entry.get("options") or ("path" in entry) == ("patch" in entry):
                raise Unsupported("a patch entry not modelled")
            text = self.text(os.path.join(folder, entry["path"])) if "path" in entry else entry["patch"]
            self.patch(acc, text, entry.get("target"))
        docs = [r.doc for r in acc]
        namespace = doc.get("namespace")
        if namespace:
            transform.set_namespace(docs, namespace)
        if doc.get("namePrefix") or doc.get("nameSuffix"):
            transform.add_prefix_suffix(docs, doc.get("namePrefix") or "", doc.get("nameSuffix") or "")
        for entry in doc.get("labels") or ():
            transform.add_label_entry(docs, entry)
        if doc.get("commonLabels"):
            transform.add_labels(docs, doc["commonLabels"], True, True)
        if doc.get("commonAnnotations"):
            transform.add_annotations(docs, doc["commonAnnotations"])
        for res in acc:
            res.note_id()
        for entry in doc.get("patchesJson6902") or ():
            if not isinstance(entry, dict) or ("path" in entry) == ("patch" in entry) or "target" not in entry:
                raise Unsupported("a patchesJson6902 entry not modelled")
            text = self.text(os.path.join(folder, entry["path"])) if "path" in entry else entry["patch"]
            kind, ops = split_patch(text)
            if kind != "json6902":
                raise Unsupported("patchesJson6902 holding a strategic-merge patch")
            self.apply_json(acc, ops, entry["target"])
        if doc.get("replicas"):
            names = {id(r.doc): [name for _, _, name in r.ids] for r in acc}  # Kustomize matches any id
            transform.set_replicas([r.doc for r in acc], doc["replicas"], lambda d: names.get(id(d), ()))
        if doc.get("images"):
            transform.set_images([r.doc for r in acc], doc["images"])

    def patch(self, acc: list[Res], text: Any, target: Any) -> None:
        if not isinstance(text, str):
            raise Unsupported("a patch that is not text")
        kind, content = split_patch(text)
        if kind == "json6902":
            if target is None:
                raise Unsupported("a JSON 6902 patch without a target")
            self.apply_json(acc, content, target)
            return
        for patch in content:
            if not isinstance(patch, dict):
                raise Unsupported("a patch document that is not a mapping")
            if target is None:
                chosen = _by_any_id(acc, patch)
                self.apply_smp(acc, chosen, patch)
                continue
            for res in _select(acc, target):
                meta = dict(patch.get("metadata") or {})
                kind_, namespace, name = res.current()
                meta["name"] = name
                if namespace:
                    meta["namespace"] = namespace
                else:
                    meta.pop("namespace", None)
                copy = {**patch, "apiVersion": res.doc.get("apiVersion"), "kind": kind_, "metadata": meta}
                self.apply_smp(acc, res, copy)

    def apply_smp(self, acc: list[Res], res: Res, patch: dict[str, Any]) -> None:
        done = strategic_merge(res.doc, patch)
        if done is None:
            acc.remove(res)
        else:
            res.doc = done
            res.note_id()

    def apply_json(self, acc: list[Res], ops: list[Any], target: Any) -> None:
        for res in _select(acc, target):
            res.doc = json6902(res.doc, ops)
            res.note_id()

    # -- the root -----------------------------------------------------------------------------------
    def finish(self, acc: list[Res]) -> None:
        for res in acc:
            if res.hashed:
                res.doc["metadata"]["name"] = f"{res.current()[2]}-{transform.hash_suffix(res.doc)}"
                res.note_id()
        _name_references(acc)


# per process: a resource file is parsed once for all the roots using it (documents, size, what
# Kustomize reads otherwise)
_FILES: dict[str, tuple[list[Any], int, str | None]] = {}


_REAL = [realpaths()]  # per run: each folder resolved once (0.05 s of the corpus's builds)


# per process: each kustomization's own build (its resources, bases, generators, transformers), copied
# for every root that includes it (the corpus's 53 roots in one process: 207 kustomization builds and
# 0.43 s of CPU without it, 0.26 s with it)
_SUBTREES: dict[tuple[str, str], tuple[list[Res], int]] = {}


def forget() -> None:
    _FILES.clear()
    _SUBTREES.clear()
    _REAL[0] = realpaths()


# A plain scalar isolint's loader (YAML 1.1, as Kubernetes reads a manifest) and Kustomize (kyaml,
# then JSON) read differently: old booleans and base-60 numbers (text to Kustomize, written quoted),
# timestamps (kept as written), exponents and 0o octals (numbers to Kustomize), infinities (an error).
# Over-matching (a comment, a block scalar's line) only leaves the root to the binary.
_READ_OTHERWISE = re.compile(r"""(?mx)
    (?:[:?-][ \t]+|[\[{,][ \t]*)
    (
        (?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)
      | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
      | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt \t][^\n\#,\]}]*)?
      | [-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+
      | [-+]?0o[0-7_]+
      | [-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)
    )
    [ \t]*(?:\#[^\n]*)?(?=\n|$|[,\]}])
""")


def _read_otherwise(text: str, docs: list[Any]) -> str | None:
    """The first such plain value written in a document isolint reads (``docs``' kinds decide:
    what Kustomize reads of the other documents never reaches a pod), or None."""
    found = None
    for match in _READ_OTHERWISE.finditer(text):
        line = text.count("\n", 0, match.start(1)) + 1
        doc = next((d for d in reversed(docs) if isinstance(d, YMap) and d.pos[0] <= line), None)
        if doc is None or kept(doc) or str(doc.get("kind", "")).endswith("List"):
            found = match.group(1)
            break
    return found


def real_path(path: str) -> str:
    """``os.path.realpath`` within a run (each folder resolved once)."""
    return _REAL[0](path)


def cached(path: str) -> list[Any] | None:
    """The documents of a resource file the in-process build has read (its definitions slimmed, every
    other document at its lines), or None."""
    found = _FILES.get(_REAL[0](path))
    return found[0] if found is not None else None


def _inline_lists(docs: list[Any]) -> list[Any]:
    """Each document, a ``...List`` kind replaced by its ``items`` (an empty one dropped), as
    Kustomize's ``inlineAnyEmbeddedLists`` reads a resource file."""
    out, todo = [], list(reversed(docs))
    while todo:
        doc = todo.pop()
        kind = doc.get("kind") if isinstance(doc, dict) else None
        if isinstance(kind, str) and kind.endswith("List") and "items" in doc:
            items = doc["items"]
            if not isinstance(items, list):
                raise Unsupported("a list whose items are not a list")
            todo.extend(reversed(items))
        else:
            out.append(doc)
    return out


def _strings(doc: Any, key: str) -> list[str]:
    entries = doc.get(key)
    if entries is None:
        return []
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise Unsupported(f"{key} not a list of paths")
    return list(entries)


def _effective(resid: tuple[str, str, str]) -> tuple[str, str, str]:
    kind, namespace, name = resid
    return kind, namespace or "default", name


def _by_any_id(acc: list[Res], patch: dict[str, Any]) -> Res:
    """The one resource a strategic-merge patch without a target names (its kind, name and
    namespace against any id the resource has had: Kustomize's ``GetMatchingResourcesByAnyId``)."""
    meta = patch.get("metadata") or {}
    want = _effective((patch.get("kind"), meta.get("namespace") or "", meta.get("name")))
    api = patch.get("apiVersion")
    found = [r for r in acc if r.doc.get("apiVersion") == api and any(_effective(i) == want for i in r.ids)]
    if len(found) != 1:
        raise Unsupported("a patch that matches no resource, or several")
    return found[0]


def _merge_target(acc: list[Res], new: Res) -> Res:
    """The resource a generator with ``behavior: merge|replace`` changes: the one with any id equal
    to the new object's, else the one of its kind and name in any namespace (Kustomize's
    ``appendReplaceOrMerge``)."""
    want = _effective(new.current())
    found = [r for r in acc if r.gvk() == new.gvk() and any(_effective(i) == want for i in r.ids)]
    if not found:
        found = [r for r in acc if r.gvk() == new.gvk() and r.current()[2] == new.current()[2]]
    if len(found) != 1:
        raise Unsupported("a generator merging into no resource, or several")
    return found[0]


def _select(acc: list[Res], target: Any) -> list[Res]:
    """The resources a ``target`` selects (Kustomize's ``resWrangler.Select``: the original or the
    current namespace and name, as :func:`~isolint.render.kustomize_select.matches_selector` reads a
    selector); a set-based label selector is Unsupported."""
    if not isinstance(target, dict) or set(target) - {"group", "version", "kind", "name", "namespace",
                                                       "labelSelector", "annotationSelector"} \
            or not all(isinstance(value, str) for value in target.values()):
        raise Unsupported("a target not modelled")
    out = []
    for res in acc:
        (_, original_namespace, original), (kind, namespace, name) = res.ids[0], res.current()
        meta = res.doc.get("metadata") or {}
        verdicts = {matches_selector(target, Resource(kind, frozenset({original, name}), effective or "default",
                                                      meta.get("labels") or {}, meta.get("annotations") or {},
                                                      res.doc.get("apiVersion")))
                    for effective in {original_namespace, namespace}}
        if None in verdicts:
            raise Unsupported("a set-based selector")
        if True in verdicts:
            out.append(res)
    return out


# Kustomize's nameReference for the fields of a pod spec isolint reads: (referred kind, path).
_POD_REFERENCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ConfigMap", ("volumes", "*", "configMap", "name")),
    ("ConfigMap", ("volumes", "*", "projected", "sources", "*", "configMap", "name")),
    ("Secret", ("volumes", "*", "secret", "secretName")),
    ("Secret", ("volumes", "*", "projected", "sources", "*", "secret", "name")),
    ("PersistentVolumeClaim", ("volumes", "*", "persistentVolumeClaim", "claimName")),
    ("ServiceAccount", ("serviceAccountName",)),
    ("ServiceAccount", ("serviceAccount",)),
    ("PriorityClass", ("priorityClassName",)),
    ("Secret", ("imagePullSecrets", "*", "name")),
    *((kind, (containers, "*", *rest)) for containers in ("containers", "initContainers")
      for kind, rest in (("ConfigMap", ("env", "*", "valueFrom", "configMapKeyRef", "name")),
                         ("Secret", ("env", "*", "valueFrom", "secretKeyRef", "name")),
                         ("ConfigMap", ("envFrom", "*", "configMapRef", "name")),
                         ("Secret", ("envFrom", "*", "secretRef", "name")))),
)
_POD_SPECS = {"Pod": ("spec",), "Deployment": ("spec", "template", "spec"), "ReplicaSet": ("spec", "template", "spec"),
              "DaemonSet": ("spec", "template", "spec"), "StatefulSet": ("spec", "template", "spec"),
              "Job": ("spec", "template", "spec"), "ReplicationController": ("spec", "template", "spec"),
              "CronJob": ("spec", "jobTemplate", "spec", "template", "spec")}


def _name_references(acc: list[Res]) -> None:
    renamed: dict[tuple[str, str], list[Res]] = {}
    for res in acc:
        if len({i[2] for i in res.ids}) > 1:
            for old in {i[2] for i in res.ids[:-1]}:
                renamed.setdefault((res.current()[0], old), []).append(res)
    for res in acc:
        path = _POD_SPECS.get(res.current()[0])
        pod = _holders(res.doc, path) if path else None  # Unsupported where a level is not a mapping
        pod = pod[0][0].get(pod[0][1]) if pod else None
        if not isinstance(pod, dict):
            if pod is not None:
                raise Unsupported("a pod spec that is not a mapping")
            continue
        namespace = res.current()[1] or "default"
        for kind, field_path in _POD_REFERENCES:
            for holder, key in _holders(pod, field_path):
                value = holder.get(key)
                candidates = renamed.get((kind, value)) if isinstance(value, str) else None
                if not candidates:
                    continue
                same = [c for c in candidates if (c.current()[1] or "default") == namespace]
                if len(same) != 1:
                    raise Unsupported("a reference to a renamed object not modelled")
                holder[key] = same[0].current()[2]


def _holders(node: Any, path: tuple[str, ...]) -> list[tuple[dict[str, Any], str]]:
    """The mappings holding the field ``path`` leads to (``*``: each item of a list). Kustomize's
    nameReference fails where the path meets a value that is not the mapping or list it walks
    (``env: x``), even when nothing is renamed: Unsupported, the binary says so."""
    if node is None:
        return []
    head, rest = path[0], path[1:]
    if head == "*" and isinstance(node, dict):
        node = [node]  # kyaml walks a mapping written where a list belongs as its one item
    if not isinstance(node, list if head == "*" else dict):
        raise Unsupported("a pod spec field of the wrong type (Kustomize's nameReference fails on it)")
    if head == "*":
        return [h for item in node for h in _holders(item, rest)]
    if not rest:
        return [(node, head)] if head in node else []
    return _holders(node.get(head), rest)


def _sort_key(res: Res) -> tuple[Any, ...]:
    group, version, kind = res.gvk()
    _, namespace, name = res.current()
    return (_TYPE_ORDER.get(kind, 0), f"{group or '~G'}_{version or '~V'}_{kind}", namespace or "~X", name)


def build(graph: Any, folder: str) -> tuple[list[YMap], str]:
    """The root ``folder`` built in-process: the documents isolint reads, as the binary writes them
    (each with its origin annotation; positioned as :func:`text` would write them, without writing
    and reading that text again: 0.065-0.079 s of CPU to parse the corpus's 1 MB of builds, 0.02 s
    to write it, against 0.03 s to position them), and the folder origin paths
    are relative to. Raises :class:`Unsupported` for anything not modelled, :class:`Failed` where
    the binary would fail."""
    try:
        acc, base = resources(graph, folder)
        lines = [0]
        return [_positioned(doc, lines) for doc in _output(acc, base)], base
    except RecursionError:  # values nested about as deep as the loader allows (1000)
        raise Unsupported("values nested too deep") from None


def resources(graph: Any, folder: str) -> tuple[list[Res], str]:
    """Every resource of the root ``folder`` built in-process (each kind, no origin annotation yet)
    and the folder the binary's copy starts at."""
    build = _Build(graph, folder)
    acc = build.run(folder, [])
    build.finish(acc)
    return acc, build.base


def _output(acc: list[Res], base: str) -> list[dict[str, Any]]:
    """The documents isolint reads, in the binary's order, each with its origin annotation."""
    out = []
    for res in sorted(acc, key=_sort_key):
        if not kept(res.doc):
            continue
        meta = res.doc.setdefault("metadata", {})
        annotations = meta.get("annotations")
        if not isinstance(annotations, dict):
            annotations = meta["annotations"] = {}
        if not all(isinstance(v, str) for v in annotations.values()):
            raise Unsupported("an annotation that is not text (Kustomize writes it as it was written)")
        annotations["config.kubernetes.io/origin"] = f"path: ../src/{os.path.relpath(res.origin, base)}\n"
        out.append(res.doc)
    return out


def _positioned(value: Any, lines: list[int]) -> Any:
    """``value`` as :func:`isolint.yamlsource.load_all` would read it from :func:`text`: a mapping
    at its first key, each key and list item at a place of its own (a line of ``lines``' count)."""
    if isinstance(value, dict):
        mapping = YMap()
        for key, item in value.items():
            lines[0] += 1
            mapping.key_pos[key] = (lines[0], 1)
            mapping[key] = _positioned(item, lines)
        lines[0] += not value
        mapping.pos = next(iter(mapping.key_pos.values()), (lines[0], 2))
        return mapping
    if isinstance(value, list):
        sequence = YSeq()
        lines[0] += 1
        sequence.pos = (lines[0], 3)  # the dash of its first item
        for item in value:
            converted = _positioned(item, lines)
            if not isinstance(item, dict) or not item:
                lines[0] += 1
                sequence.item_pos.append((lines[0], 4))
            else:
                sequence.item_pos.append(converted.pos)
            sequence.append(converted)
        return sequence
    return value


def text(docs: list[dict[str, Any]]) -> str:
    """The documents as YAML (block style, JSON scalars), for comparing a build with the binary's."""
    out: list[str] = []
    for doc in docs:
        out.append("---\n")
        _emit(doc, "", out)
    written = "".join(out)
    if any(c in written for c in _BREAKS):
        raise Unsupported("a character YAML reads as a line break")
    return written


_BREAKS = ("\x85", "\u2028", "\u2029", "\ufeff")
_scalar = json.JSONEncoder(ensure_ascii=False).encode


def _emit(value: dict[str, Any] | list[Any], indent: str, out: list[str], lead: str = "") -> None:
    """Block YAML whose scalars are JSON (valid YAML) of a non-empty ``value``: as the binary writes
    it, a mapping starts at its first key and a list item at its content, where
    :mod:`~isolint.render.kustomize_map` expects them. ``lead``: ``- `` when ``value`` is a list
    item (its first line then starts with the dash)."""
    child = indent + " " * len(lead)
    prefix = indent + lead
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out.append(f"{prefix}{_scalar(key)}:\n")
                _emit(item, child + "  ", out)
            else:
                out.append(f"{prefix}{_scalar(key)}: {_scalar(item)}\n")
            prefix = child
        return
    if lead:
        raise Unsupported("a list in a list")
    for item in value:
        if isinstance(item, (dict, list)) and item:
            _emit(item, indent, out, "- ")
        else:
            out.append(f"{indent}- {_scalar(item)}\n")
