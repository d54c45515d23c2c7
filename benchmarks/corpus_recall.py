"""Corpus recall: the risky spellings of the precision/recall review, each flagged at its line?

    python benchmarks/corpus_recall.py ../shared/corpus/real [--isolint .venv/bin/isolint] [-v]

Every pattern of the review's list (privileged, host namespaces, runtime sockets, dangerous and
non-Baseline capabilities, seccomp/AppArmor/SELinux switched off, host paths and sensitive binds,
root users, `FROM scratch` without `USER`, devices, sysctls, escalation, HostProcess) is grepped
line by line. An occurrence counts ("lintable", as the review counted) when it is not in a
comment and lies in a Kubernetes document isolint reads as a workload, a Compose file with
services, or a Dockerfile; it is flagged when the run (`--select ALL`) reports one of the
pattern's rules on that line. Prints per pattern lintable/flagged and the misses, and the total.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import defaultdict

from isolint.discovery import discover
from isolint.loader import load_file
from isolint.model import Format

SOCK = r"(docker|containerd|crio|podman|cri-dockerd|buildkitd)\.sock"
CAPS_DANGEROUS = "SYS_ADMIN|NET_ADMIN|SYS_MODULE|SYS_TIME|SYS_PTRACE|SYS_RAWIO|DAC_READ_SEARCH|BPF|PERFMON|ALL"
CAPS_OUTSIDE = "NET_RAW|IPC_LOCK|SYS_NICE|SYS_RESOURCE"
SENSITIVE = r"/|/etc(/\S*)?|/proc(/\S*)?|/sys(/\S*)?|/boot|/lib/modules|/usr(/\S*)?|/var/log(/\S*)?|/run(/\S*)?" \
            r"|/var/run(/\S*)?|/var/lib/(kubelet|docker|containerd)(/\S*)?|/dev(/\S*)?|/root(/\S*)?"

# (name, formats, line regex, rules any of which must report the line)
PATTERNS: list[tuple[str, tuple[str, ...], str, tuple[str, ...]]] = [
    ("privileged: true", ("kubernetes", "compose"), r"\bprivileged\"?:\s*(true|True|yes|\"true\")\b", ("PRV001",)),
    ("hostPID: true", ("kubernetes",), r"\bhostPID:\s*true\b", ("NS002",)),
    ("hostIPC: true", ("kubernetes",), r"\bhostIPC:\s*true\b", ("NS003",)),
    ("hostNetwork: true", ("kubernetes",), r"\bhostNetwork:\s*true\b", ("NS001",)),
    ("network_mode: host", ("compose",), r"^\s*network_mode:\s*[\"']?host[\"']?\s*$", ("NS001",)),
    ("pid: host", ("compose",), r"^\s*pid:\s*[\"']?host[\"']?\s*$", ("NS002",)),
    ("ipc: host", ("compose",), r"^\s*ipc:\s*[\"']?host[\"']?\s*$", ("NS003",)),
    ("uts: host", ("compose",), r"^\s*uts:\s*[\"']?host[\"']?\s*$", ("NS004",)),
    ("userns_mode: host", ("compose",), r"^\s*userns_mode:\s*[\"']?host[\"']?\s*$", ("NS005",)),
    ("cgroup: host", ("compose",), r"^\s*cgroup:\s*[\"']?host[\"']?\s*$", ("NS006",)),
    ("network_mode: container:X", ("compose",), r"^\s*network_mode:\s*[\"']?container:", ("NS008",)),
    ("runtime socket bind (Compose)", ("compose",),
     r"^(__VOLUME__)?\s*(-\s*[\"']?[^\s#]*" + SOCK + r"[^\s]*:|source:\s*\S*" + SOCK + ")", ("MNT002",)),
    ("bind from an unset variable (Compose)", ("compose",), r"^__VOLUME__\s*-\s*[\"']?\$\{?[A-Za-z_]+\}?:/",
     ("MNT001", "MNT002", "MNT003", "MNT004", "MNT006")),
    ("runtime socket hostPath", ("kubernetes",), r"\bpath:\s*[\"']?\S*" + SOCK, ("MNT002",)),
    ("dangerous capability added", ("kubernetes", "compose"),
     r"^__CAPADD__\s*-\s*[\"']?(CAP_)?(" + CAPS_DANGEROUS + r")[\"']?\s*$", ("CAP001",)),
    ("capability outside Baseline added", ("kubernetes", "compose"),
     r"^__CAPADD__\s*-\s*[\"']?(CAP_)?(" + CAPS_OUTSIDE + r")[\"']?\s*$", ("CAP002", "CAP003")),
    ("capabilities added inline", ("kubernetes", "compose"), r"\b(cap_add|add):\s*\[[^\]]*\b(" + CAPS_DANGEROUS + "|"
     + CAPS_OUTSIDE + r")\b", ("CAP001", "CAP002", "CAP003")),
    ("seccomp unconfined", ("kubernetes", "compose"),
     r"(seccomp[:=]unconfined|seccomp\.security\.alpha\.kubernetes\.io/[^:]+:\s*[\"']?unconfined)", ("MAC001",)),
    ("seccompProfile Unconfined", ("kubernetes",), r"seccompProfile:\s*\{\s*type:\s*Unconfined", ("MAC001",)),
    ("AppArmor unconfined", ("kubernetes", "compose"),
     r"(apparmor[:=]unconfined|apparmor\.security\.beta\.kubernetes\.io/[^:]+:\s*[\"']?unconfined"
     r"|appArmorProfile:\s*\{\s*type:\s*Unconfined)", ("MAC003",)),
    ("SELinux label disabled", ("compose",), r"^\s*-\s*[\"']?(label[:=])?disable[\"']?\s*$", ("MAC004",)),
    ("procMount: Unmasked", ("kubernetes",), r"\bprocMount:\s*Unmasked\b", ("MAC005",)),
    ("hostPath", ("kubernetes",), r"hostPath:\s*\{[^}]*path:|^__HOSTPATH__", ("MNT001", "MNT002", "MNT003", "MNT004",
                                                                             "MNT006")),
    ("sensitive bind (Compose)", ("compose",), r"^__VOLUME__\s*-\s*[\"']?(" + SENSITIVE + r"):",
     ("MNT001", "MNT002", "MNT003", "MNT004", "MNT006")),
    ("runAsUser: 0", ("kubernetes",), r"\brunAsUser:\s*0(\.0)?\s*[,}\n]?\s*$|\brunAsUser:\s*0\s*[,}]", ("USR002",)),
    ("user: root (Compose)", ("compose",), r"^\s*user:\s*[\"']?(root|0)(:\S*)?[\"']?\s*$", ("USR002",)),
    ("devices (Compose)", ("compose",), r"^__DEVICE__", ("MNT006",)),
    ("sysctls (Compose)", ("compose",), r"^__SYSCTL__", ("NS013",)),
    ("allowPrivilegeEscalation: true", ("kubernetes",), r"\ballowPrivilegeEscalation:\s*true\b", ("PRV004",)),
    ("no-new-privileges:false", ("compose",), r"no-new-privileges[:=]false", ("PRV004",)),
    ("hostProcess: true", ("kubernetes",), r"\bhostProcess:\s*true\b", ("PRV005",)),
]
COMPILED = [(name, fmts, re.compile(rx), rules) for name, fmts, rx, rules in PATTERNS]


def _context_markers(lines: list[str]) -> list[str]:
    """Mark block-style hostPath ``path:`` lines, capability ``add``/``cap_add`` items, Compose
    ``volumes:`` items (binds, not ``tmpfs`` or a healthcheck's arguments), ``devices:`` items and
    ``sysctls:`` entries, which a single-line pattern cannot tell from other ``path:`` or list lines."""
    marked = list(lines)
    stack: list[tuple[int, str]] = []  # (indent, key) of the enclosing block keys
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" -"))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1] if stack else ""
        key = re.match(r"^\s*-?\s*([A-Za-z_.\-/]+):\s*$", line)
        if parent == "hostPath" and re.match(r"^\s*path:", line):
            marked[i] = "__HOSTPATH__" + line
        elif parent == "devices" and stripped.startswith("-"):
            marked[i] = "__DEVICE__" + line
        elif parent == "volumes" and stripped.startswith("-"):
            marked[i] = "__VOLUME__" + line
        elif parent in ("add", "cap_add") and stripped.startswith("-"):
            marked[i] = "__CAPADD__" + line
        elif parent == "sysctls" and not key:
            marked[i] = "__SYSCTL__" + line
        if key:
            stack.append((indent, key.group(1)))
    return marked


def _workload_ranges(path: str, kind, text: str) -> tuple[str | None, list[tuple[int, int]]]:
    """The format isolint reads the file as, and the line ranges of the documents that hold workloads."""
    model = load_file(path, kind, text=text)
    if not model.workloads:
        return None, []
    fmt = model.workloads[0].format
    lines = text.splitlines()
    if fmt is not Format.KUBERNETES:
        return fmt.value, [(1, len(lines))]
    starts = [1] + [i + 2 for i, line in enumerate(lines) if line.rstrip() == "---" or line.startswith("--- ")]
    bounds = list(zip(starts, [s - 1 for s in starts[1:]] + [len(lines)], strict=True))
    held = {w.loc.line for w in model.workloads}
    return fmt.value, [(a, b) for a, b in bounds if any(a <= line <= b for line in held)]


def _dockerfile_roots(text: str) -> list[tuple[str, int, tuple[str, ...]]]:
    """The final stage's root: its last ``USER`` when that is ``root``/``0`` (USR002), or its
    ``FROM scratch`` line when it sets no ``USER`` at all (runs as UID 0: USR003)."""
    stages: list[tuple[int, str, int | None, str]] = []  # FROM line, base, last USER line, its user
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if words and words[0].upper() == "FROM" and len(words) > 1:
            base = [w for w in words[1:] if not w.startswith("--")]
            stages.append((number, base[0].lower() if base else "", None, ""))
        elif words and words[0].upper() == "USER" and len(words) > 1 and stages:
            stages[-1] = (stages[-1][0], stages[-1][1], number, words[1].strip("\"'").split(":")[0])
    if not stages:
        return []
    from_line, base, user_line, user = stages[-1]
    if user_line is not None and user in ("root", "0"):
        return [("final-stage USER root", user_line, ("USR002",))]
    if user_line is None and base == "scratch":
        return [("FROM scratch without USER", from_line, ("USR003",))]
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--isolint", default=os.path.join(os.path.dirname(sys.executable), "isolint"))
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    corpus = os.path.abspath(args.corpus)
    out = subprocess.run([args.isolint, "check", "--format", "json", "--select", "ALL", "."], cwd=corpus,
                         capture_output=True, text=True, check=False).stdout
    flagged: dict[tuple[str, int], set[str]] = defaultdict(set)
    for finding in json.loads(out)["findings"]:
        flagged[(os.path.normpath(finding["path"]), finding["line"])].add(finding["rule"])
    counts: dict[str, list[int]] = {name: [0, 0] for name, *_ in PATTERNS}
    counts["FROM scratch without USER"] = [0, 0]
    counts["final-stage USER root"] = [0, 0]
    misses: list[str] = []
    for candidate in discover([corpus]):
        path = candidate.path
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        fmt, ranges = _workload_ranges(path, candidate.kind, text)
        if fmt is None:
            continue
        rel = os.path.normpath(os.path.relpath(path, corpus))
        occurrences: list[tuple[str, int, tuple[str, ...]]] = []
        if fmt == "dockerfile":
            occurrences += _dockerfile_roots(text)
        lines = _context_markers(text.splitlines())
        for number, line in enumerate(lines, start=1):
            if line.lstrip().startswith("#") or not any(a <= number <= b for a, b in ranges):
                continue
            code = line.split(" #", 1)[0]
            for name, fmts, regex, rules in COMPILED:
                if fmt in fmts and regex.search(code):
                    occurrences.append((name, number, rules))
                    break
        for name, number, rules in occurrences:
            counts[name][0] += 1
            if flagged.get((rel, number), set()) & set(rules):
                counts[name][1] += 1
            else:
                misses.append(f"  {name}: {rel}:{number} (wanted {'/'.join(rules)}; "
                              f"got {sorted(flagged.get((rel, number), ())) or 'nothing'})")
    # Dockerfiles named Dockerfile-<x> / Dockerfile_<x> must be read at all
    read = {os.path.normpath(c.path) for c in discover([corpus])}
    for folder, _, files in os.walk(corpus):
        for name in files:
            if re.match(r"^(Dockerfile|Containerfile)[-_]", name) and not name.endswith((".template", ".j2", ".tmpl")):
                path = os.path.normpath(os.path.join(folder, name))
                counts.setdefault("Dockerfile-<x> read", [0, 0])
                counts["Dockerfile-<x> read"][0] += 1
                if path in read:
                    counts["Dockerfile-<x> read"][1] += 1
                else:
                    misses.append(f"  Dockerfile-<x> read: {os.path.relpath(path, corpus)} (not discovered)")
    total = sum(c[0] for c in counts.values())
    hit = sum(c[1] for c in counts.values())
    for name, (lintable, found) in counts.items():
        if lintable:
            print(f"{name:40} {found:4}/{lintable:<4}")
    if misses:
        print("misses:")
        print("\n".join(misses))
    share = 100 * hit / max(total, 1)
    print(f"corpus recall: {hit}/{total} lintable occurrences flagged at their line ({share:.1f} %)")
    return 0 if hit == total else 1


if __name__ == "__main__":
    sys.exit(main())
