"""Draw a seeded random sample of findings for a precision review (docs/precision-review.md).

    isolint check --select ALL --format json CORPUS > all.json
    python benchmarks/sample_findings.py all.json --seed 41 --uniform 20 --per-rule 20

Half the draw is uniform over every finding (what a user reads most: the hygiene rules), the
other half takes one finding from each of ``--per-rule`` rules picked at random among the rules
the uniform half missed (so rare, severe rules get read too). Findings are sorted before drawing,
so one seed and one JSON file always give the same sample. Prints one tab-separated row per draw.
"""

from __future__ import annotations

import argparse
import json
import random


def draw(findings: list[dict], seed: int, uniform: int, per_rule: int) -> list[dict]:
    findings = sorted(findings, key=lambda f: (f["path"], f["line"], f.get("column") or 0, f["rule"]))
    rng = random.Random(seed)
    sample = rng.sample(findings, min(uniform, len(findings)))
    seen = {f["rule"] for f in sample}
    rest = sorted({f["rule"] for f in findings} - seen)
    for rule in rng.sample(rest, min(per_rule, len(rest))):
        sample.append(rng.choice([f for f in findings if f["rule"] == rule]))
    return sample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", help="JSON output of isolint check --format json")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--uniform", type=int, default=20)
    parser.add_argument("--per-rule", type=int, default=20)
    args = parser.parse_args()
    with open(args.report, encoding="utf-8") as handle:
        findings = json.load(handle)["findings"]
    for number, f in enumerate(draw(findings, args.seed, args.uniform, args.per_rule)):
        print(f"{number}\t{f['rule']}\t{f['severity']}\t{f['path'].removeprefix('./')}:{f['line']}\t{f['message']}")


if __name__ == "__main__":
    main()
