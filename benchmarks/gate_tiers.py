"""How many workloads each gate fails on a corpus: the figures behind the README's table of tiers.

    python benchmarks/gate_tiers.py ../shared/corpus/real [--by-rule]

A workload is one resource (path, kind, name, namespace): a Kubernetes pod template, a Compose
service, a Dockerfile stage. For each gate (the default recommended tier, the strict tier, and
the strict tier at fail-on medium and high) it prints how many workloads have at least one
finding that fails it, and checks that every workload with a privileged, host-namespace,
runtime-socket, sensitive-mount or dangerous-capability finding fails the default gate.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from isolint.gate import Gate
from isolint.registry import load_rules
from isolint.rule import Severity
from isolint.runner import run
from isolint.settings import Settings

# what must always fail the default gate (issue 14's acceptance)
MUST_FAIL = {"PRV001", "PRV002", "PRV005", "NS001", "NS002", "NS003", "NS004", "NS005", "NS006", "MNT002", "MNT003",
             "CAP001"}


def key(d) -> tuple[str, str, str, str]:
    r = d.resource
    return (d.location.path, r.kind, r.name, r.namespace or "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--by-rule", action="store_true", help="workloads failing each gate, per rule")
    args = parser.parse_args()
    settings = Settings()
    registry = load_rules(False)
    result = run([args.corpus], settings, registry, keep_models=True)
    workloads = {(w.loc.path, w.resource.kind, w.resource.name, w.resource.namespace or "")
                 for m in result.models for w in m.workloads}
    findings = list(result.diagnostics)
    workloads |= {key(d) for d in findings}
    total = len(workloads)
    gates = {
        "recommended (default)": Gate.build(result.rules, Severity.LOW, "recommended"),
        "strict": Gate.build(result.rules, Severity.LOW, "strict"),
        "strict, fail-on medium": Gate.build(result.rules, Severity.MEDIUM, "strict"),
        "strict, fail-on high": Gate.build(result.rules, Severity.HIGH, "strict"),
    }
    print(f"{total} workloads, {len(findings)} findings, {len(result.errors)} errors, {result.files} files")
    for label, gate in gates.items():
        failing = {key(d) for d in findings if gate.gating(d)}
        print(f"{label}: {len(failing)} workloads fail ({100 * len(failing) / total:.1f} %), "
              f"{sum(1 for d in findings if gate.gating(d))} gating findings")
        if args.by_rule:
            per_rule = Counter(code for code, _ in {(d.rule, key(d)) for d in findings if gate.gating(d)})
            for code, n in sorted(per_rule.items(), key=lambda kv: -kv[1]):
                print(f"    {code} {n}")
    default = gates["recommended (default)"]
    must = {key(d) for d in findings if d.rule in MUST_FAIL}
    failing = {key(d) for d in findings if default.gating(d)}
    missed = sorted(must - failing)
    print(f"workloads with a privileged, host-namespace, socket, sensitive-mount or dangerous-capability finding: "
          f"{len(must)}, failing the default gate: {len(must & failing)}")
    for item in missed:
        print("    NOT FAILING:", item)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
