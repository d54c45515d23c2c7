"""The in-process Kustomize build against the binary, root by root, on a corpus.

    python benchmarks/kustomize_native.py ../shared/corpus/real [-v]

For every root kustomization isolint would build (``isolint.render.kustomize.scan``, roots with no
remote base that may hold a workload), builds it in-process
(:mod:`isolint.render.kustomize_native`) and with the binary (``kubectl kustomize``, as a run does),
and compares the documents isolint reads (each kept kind, origin annotation included), as parsed
by ``yaml.safe_load``; then every document of the build (origin annotations left out). Prints how
many roots the in-process build handles, how many of those are identical to the binary's, the
reasons it gave the others to the binary, and both builds' CPU.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections import Counter

import yaml

from isolint.parsers.kubernetes import kept
from isolint.render import kustomize, kustomize_native
from isolint.render.kustomize_patch import Unsupported


def _kept(text: str) -> list[tuple[str, str, str, str]]:
    out = []
    for doc in yaml.safe_load_all(text):
        if isinstance(doc, dict) and kept(doc):
            meta = doc.get("metadata") or {}
            text = yaml.safe_dump(doc, sort_keys=True)
            out.append((doc["kind"], meta.get("namespace") or "", meta.get("name"), text))
    return sorted(out)


def _without_origin(doc: dict) -> str:
    annotations = (doc.get("metadata") or {}).get("annotations") or {}
    annotations.pop("config.kubernetes.io/origin", None)
    if not annotations and "annotations" in (doc.get("metadata") or {}):
        del doc["metadata"]["annotations"]
    return yaml.safe_dump(doc, sort_keys=True)


def _all(graph, folder: str) -> list[str]:
    acc, _ = kustomize_native.resources(graph, folder)
    return sorted(_without_origin(yaml.safe_load(yaml.safe_dump(r.doc))) for r in acc)


def _all_binary(text: str) -> list[str]:
    return sorted(_without_origin(doc) for doc in yaml.safe_load_all(text) if isinstance(doc, dict))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    corpus = os.path.realpath(args.corpus)
    graph = kustomize.scan((folder, corpus) for folder, _, _ in os.walk(corpus))
    command = kustomize.builder()
    if command is None:
        print("no kustomize or kubectl: nothing to compare with", file=sys.stderr)
        return 2
    roots = [f for f in graph.roots() if not graph.remote(f) and kustomize._may_hold_workloads(graph, f)]
    native_cpu = binary_cpu = 0.0
    reasons: Counter[str] = Counter()
    same = differ = binary_failed = other_kinds = 0
    for folder in roots:
        shown = os.path.relpath(folder, corpus)
        start = time.process_time()
        try:
            mine = kustomize_native.text(kustomize_native.build(graph, folder)[0])
        except kustomize_native.Failed as exc:
            mine = exc
        except Unsupported as exc:
            mine = None
            reasons[str(exc)] += 1
            if args.verbose:
                print(f"binary   {shown}: {exc}")
        native_cpu += time.process_time() - start
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            theirs, _ = kustomize.build(graph, folder, command, native=False)
        except kustomize.BuildError as exc:
            theirs = exc
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        binary_cpu += after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        if mine is None:
            continue
        if isinstance(mine, Exception) or isinstance(theirs, Exception):
            same_error = isinstance(mine, Exception) and isinstance(theirs, Exception) \
                and mine.message == theirs.message
            same += same_error
            binary_failed += not same_error
            if not same_error:
                print(f"DIFFERS  {shown}: in-process {mine if isinstance(mine, Exception) else 'built'}, "
                      f"binary {theirs if isinstance(theirs, Exception) else 'built'}")
            continue
        if _kept(mine) == _kept(theirs):
            same += 1
            if _all(graph, folder) != _all_binary(theirs):
                other_kinds += 1
                if args.verbose:
                    print(f"other    {shown}: a kind isolint does not read differs")
        else:
            differ += 1
            print(f"DIFFERS  {shown}")
            if args.verbose:
                a, b = _kept(mine), _kept(theirs)
                for x, y in zip(a, b, strict=False):
                    if x != y:
                        print("  in-process:", x[:3], "\n", x[3][:3000], "\n  binary:", y[:3], "\n", y[3][:3000])
                        break
                if len(a) != len(b):
                    print(f"  {len(a)} documents in-process, {len(b)} by the binary")
    native = same + differ + binary_failed
    print(f"{len(roots)} roots: {native} built in-process ({same} identical to the binary, "
          f"{differ + binary_failed} not), {len(roots) - native} given to the binary")
    print(f"  of the identical ones, {other_kinds} differ in a kind isolint does not read (RBAC, services...: "
          "the in-process build renames references in pod specs only)")
    for reason, count in reasons.most_common():
        print(f"  {count:3} {reason}")
    print(f"CPU: in-process {native_cpu:.2f} s (the roots it built or gave up on), "
          f"binary {binary_cpu:.2f} s (all roots)")
    return 1 if differ or binary_failed else 0


if __name__ == "__main__":
    sys.exit(main())
