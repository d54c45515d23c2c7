"""Workloads linted per source (plain manifests, Helm, Kustomize, operator kinds), from the JSON report.

    python benchmarks/workloads_by_source.py ../shared/corpus/real [--isolint .venv/bin/isolint]

Runs ``isolint check --format json --select ALL`` (every workload gets at least one
finding with every rule on) and counts the distinct workloads (path, kind, name, namespace) of
the findings, by where they come from: *Kustomize* when a finding names the kustomization that
built it, *Helm* when its file is under a chart's ``templates/`` (a folder whose parent holds
``Chart.yaml``), *operator* when its kind is one of ``isolint.parsers.operators`` or a kind of
no built-in workload, *plain* otherwise (Kubernetes manifests only; Compose and Dockerfiles are
counted apart). These are the figures of issue 13's closing note.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from isolint.parsers.kubernetes import TEMPLATE_PATHS
from isolint.parsers.operators import EMBEDDING, KINDS


def source(finding: dict, root: Path) -> str:
    if finding.get("format") != "kubernetes":
        return finding.get("format", "?")
    if any("built by the kustomization" in r.get("message", "") for r in finding.get("related", ())):
        return "kustomize"
    path = Path(finding["path"])
    for parent in path.parents:
        if parent.name == "templates" and (root / parent.parent / "Chart.yaml").is_file():
            return "helm"
    kind = finding["resource"]["kind"]
    if kind in KINDS or kind in EMBEDDING or kind not in TEMPLATE_PATHS:
        return "operator"
    return "plain"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--isolint", default=str(Path(sys.executable).with_name("isolint")))
    args = parser.parse_args()
    start = time.perf_counter()
    out = subprocess.run([args.isolint, "check", "--format", "json", "--select", "ALL", args.corpus],  # any exit
                         capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    report = json.loads(out.stdout)
    workloads: dict[tuple[str, ...], str] = {}
    kinds: Counter[str] = Counter()
    for f in report["findings"]:
        r = f["resource"]
        key = (f["path"], r["kind"], r["name"], r.get("namespace") or "")
        if key not in workloads:
            workloads[key] = source(f, Path.cwd())
            if workloads[key] == "operator":
                kinds[r["kind"]] += 1
    per_source = Counter(workloads.values())
    print(f"{len(workloads)} workloads, {len(report['findings'])} findings, {len(report['errors'])} errors, "
          f"wall {wall:.1f} s")
    for name in ("plain", "helm", "kustomize", "operator", "compose", "dockerfile"):
        print(f"  {name}: {per_source.get(name, 0)}")
    print("  operator kinds: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
