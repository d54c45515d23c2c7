"""Corpus recall cross-check that does not ask isolint what it can read.

    isolint check --select ALL --format json CORPUS > all.json
    python benchmarks/recall_grep.py CORPUS all.json [-v]

`corpus_recall.py` (issue 15, Kubernetes side) decides which occurrences are lintable with isolint's own discovery and
loader, so a file or a document isolint fails to read drops out of its denominator. This script
greps the risky spellings of the precision/recall review over *every* file of the corpus (any
name, YAML, JSON, Dockerfile, text; JSON's quoted keys included), skipping only comment lines, and
counts a hit as flagged when one of the pattern's rules is reported on its line (for a block
``hostPath:`` key, on its ``path:`` line within the next three lines). Every hit that is not
flagged is printed for a human to classify (comment text, CRD schema description, a policy
object, a command string, a non-final build stage ...); docs/precision-review.md records the
classification of the last run. Exit status 0 always: the verdict is the reader's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from collections import Counter, defaultdict

Q = r"[\"']?"  # an optional quote: JSON keys and quoted YAML values
SOCK = r"(docker|containerd|crio|podman|cri-dockerd|buildkitd)\.sock"
CAPS = (r"SYS_ADMIN|NET_ADMIN|SYS_MODULE|SYS_TIME|SYS_PTRACE|SYS_RAWIO|DAC_READ_SEARCH|BPF|PERFMON|NET_RAW|IPC_LOCK"
        r"|SYS_NICE|SYS_RESOURCE|SYS_BOOT|MAC_ADMIN|SYSLOG")
MOUNT_RULES = ("MNT001", "MNT002", "MNT003", "MNT004", "MNT006")
# (name, regex searched on the line without its trailing comment, rules any of which must report the line)
PATTERNS = [
    ("privileged: true", r"\bprivileged" + Q + r":\s*" + Q + r"(true|True|yes)\b", ("PRV001",)),
    ("hostPID: true", r"\bhostPID" + Q + r":\s*true\b", ("NS002",)),
    ("hostIPC: true", r"\bhostIPC" + Q + r":\s*true\b", ("NS003",)),
    ("hostNetwork: true", r"\bhostNetwork" + Q + r":\s*true\b", ("NS001",)),
    ("Compose namespace: host", r"^\s*(network_mode|pid|ipc|uts|userns_mode|cgroup):\s*" + Q + r"host\b",
     ("NS001", "NS002", "NS003", "NS004", "NS005", "NS006")),
    ("network_mode: container/service", r"^\s*network_mode:\s*" + Q + r"(container|service):", ("NS008",)),
    ("runtime socket", SOCK, ("MNT002",)),
    ("capability name", r"\b(CAP_)?(" + CAPS + r")\b", ("CAP001", "CAP002", "CAP003")),
    ("capability ALL added", r"(cap_add|add)" + Q + r":\s*\[?\s*" + Q + r"ALL\b", ("CAP001",)),
    ("unconfined", r"[Uu]nconfined", ("MAC001", "MAC003")),
    ("SELinux label disabled", r"label[:=]disable|^\s*-\s*" + Q + r"disable" + Q + r"\s*$", ("MAC004",)),
    ("procMount Unmasked", r"\bUnmasked\b", ("MAC005",)),
    ("runAsUser: 0", r"\brunAsUser" + Q + r":\s*" + Q + r"0(\.0)?\b", ("USR002",)),
    ("Compose user: root", r"^\s*user:\s*" + Q + r"(root|0)(:\S*)?" + Q + r"\s*$", ("USR002",)),
    ("USER root", r"^\s*USER\s+(root|0)\b", ("USR002",)),
    ("escalation allowed", r"allowPrivilegeEscalation" + Q + r":\s*true|no-new-privileges[:=]false", ("PRV004",)),
    ("hostProcess: true", r"hostProcess" + Q + r":\s*true", ("PRV005",)),
    ("sysctl entry", r"^\s*(-\s*)?" + Q + r"(net|kernel|vm|fs)\.[a-z0-9_.]+" + Q + r"\s*[:=]", ("NS013",)),
    ("device path item", r"^\s*-\s*" + Q + r"/dev/[a-z]", ("MNT006", "MNT001", "MNT003")),
    ("hostPath", r"\bhostPath" + Q + r":", MOUNT_RULES),
]
COMPILED = [(name, re.compile(regex), set(rules)) for name, regex, rules in PATTERNS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("report", help="JSON output of isolint check --select ALL --format json, run in CORPUS")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the flagged hits too")
    args = parser.parse_args()
    with open(args.report, encoding="utf-8") as handle:
        findings = json.load(handle)["findings"]
    flagged: dict[tuple[str, int], set[str]] = defaultdict(set)
    for finding in findings:
        flagged[(os.path.normpath(finding["path"]), finding["line"])].add(finding["rule"])
    counts: Counter[tuple[str, bool]] = Counter()
    for folder, dirs, files in os.walk(args.corpus):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            rel = os.path.normpath(os.path.relpath(path, args.corpus))
            with open(path, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
            for number, line in enumerate(lines, start=1):
                stripped = line.strip()
                if stripped.startswith(("#", "//")):
                    continue
                code = line.split(" #", 1)[0]
                for pattern, regex, rules in COMPILED:
                    if not regex.search(code):
                        continue
                    at = [number] + ([number + 1, number + 2, number + 3] if pattern == "hostPath" else [])
                    got = set().union(*(flagged.get((rel, n), set()) for n in at))
                    hit = bool(got & rules)
                    counts[(pattern, hit)] += 1
                    if args.verbose or not hit:
                        print(f"{'flagged' if hit else 'NOT FLAGGED'}\t{pattern}\t{rel}:{number}\t"
                              f"{','.join(sorted(got)) or '-'}\t{stripped[:100]}")
    print(f"{'pattern':34} {'flagged':>8} {'not':>5}")
    for pattern, *_ in PATTERNS:
        print(f"{pattern:34} {counts[(pattern, True)]:8} {counts[(pattern, False)]:5}")
    flagged_hits = sum(v for (_, hit), v in counts.items() if hit)
    print(f"total grep hits {sum(counts.values())}: flagged at their line {flagged_hits}, "
          f"not flagged {sum(counts.values()) - flagged_hits} (classify each above)")


if __name__ == "__main__":
    main()
