"""Rendering what teams deploy before it is linted: Helm charts (:mod:`.charts`, renderer adapter
:mod:`.helm`) and the mapping of rendered YAML back to the lines people edit (:mod:`.mapping`).

Files are classified here (:func:`classify`): a YAML file under a chart's ``templates/`` and the
chart's ``Chart.yaml`` are :attr:`~isolint.discovery.Kind.HELM`; the loader hands them to
:func:`isolint.render.charts.load_chart_file`. A file that a kustomization of the run uses as a
patch (``patches``, ``patchesStrategicMerge``, ``patchesJson6902``) is not linted on its own: it
is a fragment, not a workload. The run's rendering settings are set once, before any worker is
forked (:func:`configure`), and read by the workers.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from typing import Any

from ..discovery import Candidate, Kind

CHART_FILE = "Chart.yaml"
_settings: dict[str, Any] = {}  # the run's [helm] table (kebab-case keys) and its folder


def configure(helm: dict[str, Any] | None, root: str | None) -> None:
    """The run's ``[helm]`` configuration (see docs/deployments.md) and the folder of its file."""
    _settings.clear()
    _settings.update(helm or {})
    _settings["config-root"] = root
    charts = sys.modules.get(f"{__name__}.charts")  # not imported: nothing rendered yet
    if charts is not None:
        charts.forget_renders()


def setting(key: str, default: Any = None) -> Any:
    return _settings.get(key, default)


def _has_chart_file(directory: str, memo: dict[str, bool]) -> bool:
    found = memo.get(directory)
    if found is None:
        found = memo[directory] = os.path.isfile(os.path.join(directory, CHART_FILE))
    return found


def chart_of(path: str, memo: dict[str, bool] | None = None) -> tuple[str, str] | None:
    """``(outermost chart folder, nearest chart folder)`` when ``path`` is a chart's ``Chart.yaml``
    or a file under its ``templates/``; a subchart (``<chart>/charts/<name>/``) renders with its
    parent, so the outermost chart is the one rendered."""
    memo = memo if memo is not None else {}
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.basename(path) == CHART_FILE:
        nearest = directory if _has_chart_file(directory, memo) else None
    else:
        nearest = None
        probe = directory
        while True:
            parent = os.path.dirname(probe)
            if os.path.basename(probe) == "templates" and _has_chart_file(parent, memo):
                nearest = parent
                break
            if parent == probe:
                return None
            probe = parent
    if nearest is None:
        return None
    outer = nearest
    while os.path.basename(os.path.dirname(outer)) == "charts" and \
            _has_chart_file(os.path.dirname(os.path.dirname(outer)), memo):
        outer = os.path.dirname(os.path.dirname(outer))
    return outer, nearest


def classify(candidates: Iterable[Candidate], scope: AbstractSet[str] | None = None, render: bool = True
             ) -> tuple[list[Candidate], list[Candidate]]:
    """The candidates to lint, those of a chart (its ``Chart.yaml``, its templates) made
    :attr:`Kind.HELM`, the root kustomizations :attr:`Kind.KUSTOMIZE`, the Kustomize patches and the
    files the builds lint left out; and the candidates read for their facts only.

    ``scope``: the real paths a changed-files run reports on (None: all). Then only what holds a
    file of the scope is linted: the file itself, every file of a chart holding one (the chart is
    rendered whole: its other templates' objects are its context), a root kustomization whose tree
    (:meth:`~isolint.render.kustomize.Graph.closure`: its folders, its resources) holds one, and
    only those roots are built; the other plain files (an unbuilt root's resources among them) are
    the facts-only candidates, an untouched chart is neither rendered nor read. Without ``render``
    (``--no-render``) a chart's files are left out too and no kustomization is built: its resources
    are linted as plain manifests."""
    from ..sources import realpaths

    memo: dict[str, bool] = {}
    realpath = realpaths()
    candidates = list(candidates)
    folders = {os.path.dirname(os.path.abspath(c.path)) for c in candidates}
    patches = kustomize_patches(folders)
    around = _folders_holding(scope) if scope is not None else None
    spelled = dict.fromkeys((os.path.dirname(c.path), c.root) for c in candidates)  # a realpath per folder
    roots, resources = ({}, set()) if not render else _kustomize_roots(
        {realpath(folder or "."): (folder, root) for folder, root in spelled}, scope, around)
    linted: list[Candidate] = []
    context: list[Candidate] = []
    seen: set[str] = set()
    for candidate in candidates:
        real = realpath(candidate.path) if scope is not None or patches or resources or roots else ""
        if scope is not None:  # a file named and found by the repository's walk too: the first
            if real in seen:
                continue
            seen.add(real)
        if candidate.kind in (Kind.YAML, Kind.KUBERNETES):
            if real in patches or real in resources:
                continue
            if real in roots:
                candidate = Candidate(candidate.path, Kind.KUSTOMIZE, candidate.explicit, candidate.root)
                roots.pop(real)
            path = candidate.path.replace(os.sep, "/")
            if ("/templates/" in path or path.startswith("templates/") or path.endswith("/" + CHART_FILE)
                    or path == CHART_FILE) and (chart := chart_of(candidate.path, memo)) is not None:
                if render and (around is None or os.path.realpath(chart[0]) in around):
                    linted.append(Candidate(candidate.path, Kind.HELM, candidate.explicit))
                continue
        if scope is None or real in scope or candidate.kind is Kind.KUSTOMIZE:
            linted.append(candidate)
        elif candidate.kind in (Kind.YAML, Kind.KUBERNETES):
            context.append(candidate)
    for path, root in roots.values():  # a root the walk does not yield (`Kustomization`, a file named alone)
        linted.append(Candidate(path, Kind.KUSTOMIZE, False, root))
    return linted, context


def _folders_holding(paths: Iterable[str]) -> set[str]:
    """Every folder that holds one of ``paths``, at any depth."""
    out: set[str] = set()
    for path in paths:
        folder = os.path.dirname(path)
        while folder not in out:
            out.add(folder)
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
    return out


def _kustomize_roots(folders: dict[str, tuple[str, str | None]], scope: AbstractSet[str] | None = None,
                     around: AbstractSet[str] | None = None
                     ) -> tuple[dict[str, tuple[str, str | None]], set[str]]:
    """The run's root kustomizations among ``folders`` (real path -> as spelled; each root's real
    kustomization file -> its path as spelled) and the files their builds lint (their resources: not
    linted again as plain manifests). Without a builder, a root isolint does not build in-process
    (:func:`~isolint.render.kustomize.in_process`) is still reported (one error) and its resources
    linted as plain manifests. With a ``scope`` (and ``around``, the folders
    holding its files), only the roots whose tree holds one of its files: the others are not built."""
    if not any(os.path.isfile(os.path.join(f, n)) for f in folders for n in KUSTOMIZATION_FILES):
        return {}, set()
    from .kustomize import builder, in_process, prebuild, scan

    graph = scan((folder, root) for folder, (_, root) in folders.items())
    roots = [f for f in graph.roots() if f in folders]
    if scope is not None and around is not None:
        roots = [f for f in roots if any(folder in around for folder in graph.closure(f))
                 or not scope.isdisjoint(graph.resource_files(f))]
    resources: set[str] = set()
    installed = builder() is not None
    for folder in roots:  # a root that is built: its resources are linted through the build only
        if not graph.remote(folder) and (installed or in_process(graph, folder)):
            resources |= graph.resource_files(folder)
    prebuild(graph, roots)
    out = {}
    for folder in roots:
        name = os.path.basename(graph.nodes[folder].path)
        spelled, root = folders[folder]
        out[os.path.realpath(graph.nodes[folder].path)] = (os.path.normpath(os.path.join(spelled, name)), root)
    return out, resources


from .kustomize import KUSTOMIZATION_FILES  # noqa: E402  (it imports nothing of this package)


def kustomize_patches(folders: Iterable[str]) -> set[str]:
    """Real paths of the files the kustomizations in ``folders`` use as patches (inside the run's root)."""
    from ..sources import ReadError, contained, read_text, run_root
    from ..yamlsource import load_all

    out: set[str] = set()
    for folder in sorted(folders):
        for name in KUSTOMIZATION_FILES:
            path = os.path.join(folder, name)
            if not os.path.isfile(path):
                continue
            root = run_root(folder)
            try:
                doc = next((d for d, error in load_all(read_text(contained(path, root))) if error is None), None)
            except ReadError:
                continue
            for ref in _patch_paths(doc):
                real = os.path.realpath(os.path.join(folder, ref))
                if real == root or real.startswith(root.rstrip(os.sep) + os.sep):
                    out.add(real)
    return out


def _patch_paths(doc: Any) -> Iterator[str]:
    if not isinstance(doc, dict):
        return
    for key in ("patches", "patchesStrategicMerge", "patchesJson6902"):
        entries = doc.get(key)
        for entry in entries if isinstance(entries, list) else ():
            ref = entry.get("path") if isinstance(entry, dict) else entry
            if isinstance(ref, str) and "\n" not in ref and "://" not in ref:
                yield ref
