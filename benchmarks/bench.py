"""Benchmark isolint against the cost of merely loading every YAML document, in one invocation.

    python benchmarks/bench.py [CORPUS] [--repeat 3] [--jobs N] [--no-scaling]

Without CORPUS a synthetic corpus (benchmarks/corpus.py, 20 MB) is generated in a temporary
folder, so it runs on a fresh machine. Printed, each the median of ``--repeat`` runs:

* large repository: wall time of ``isolint check --no-render --format json CORPUS`` (the engine:
  every file linted as written) against the reference,
  a Python process loading every ``.yaml``/``.yml``/``.json`` file of CORPUS with
  ``yaml.load_all(..., Loader=yaml.CSafeLoader)``; files/s, MB/s and peak memory (the largest
  resident set of the isolint process and of the worker processes it waited for, from
  ``wait4``'s rusage), with the JSON report and with a quiet text report;
* rendering: the same run with Helm charts rendered and Kustomize roots built (in-process where
  isolint models the root, else by whatever this machine has: ``helm``/``kustomize``/``kubectl`` on
  PATH, the ``helm``/``kustomize`` extras), against the engine's time (issue 13's budget: <= 1.5)
  and its peak, which counts the builders' own memory;
* one file: ``isolint check`` of a single manifest against ``python -c "import yaml"``;
* scaling: the corpus copied 10 times (hard links where possible) against 10x the 1x time, and
  its peak memory with both reports (target: under 150 MiB; every finding is held until the
  report, so memory grows with them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence

HERE = os.path.dirname(os.path.abspath(__file__))

REFERENCE = """
import os, sys, yaml
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(files):
        if name.endswith(('.yaml', '.yml', '.json')):
            with open(os.path.join(folder, name), 'rb') as handle:
                text = handle.read().decode('utf-8', 'replace')
            try:
                for _ in yaml.load_all(text, Loader=yaml.CSafeLoader):
                    pass
            except Exception:
                pass
"""
SINGLE_MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        securityContext:
          privileged: true
"""


ENV = dict(os.environ)


def timed(command: Sequence[str], output: str = os.devnull) -> tuple[float, int]:
    """Wall seconds and peak resident KiB (the process and the children it waited for); stdout
    goes to ``output``. Nothing large is read into this process: a child's peak as wait4 reports
    it includes the memory of this process at the fork."""
    with open(output, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, env=ENV)
        _, _, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = 0  # reaped by wait4
    return elapsed, usage.ru_maxrss


def median_run(command: Sequence[str], repeat: int, output: str = os.devnull) -> tuple[float, int]:
    runs = [timed(command, output) for _ in range(repeat)]
    runs.sort(key=lambda r: r[0])
    return runs[len(runs) // 2][0], max(r[1] for r in runs)


def summary_of(report: str) -> dict[str, int]:
    """The ``summary`` of a JSON report, read in another process (see :func:`timed`)."""
    script = "import json, sys; print(json.dumps(json.load(open(sys.argv[1]))['summary']))"
    return json.loads(subprocess.run([sys.executable, "-c", script, report], check=True, capture_output=True,
                                     text=True).stdout)


def corpus_size(path: str) -> tuple[int, int]:
    count = size = 0
    for folder, _, files in os.walk(path):
        for name in files:
            count += 1
            size += os.path.getsize(os.path.join(folder, name))
    return count, size


def replicate(src: str, dst: str, times: int) -> None:
    for i in range(times):
        shutil.copytree(src, os.path.join(dst, f"copy{i}"), copy_function=_link_or_copy, symlinks=True)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def isolint_command(path: str, jobs: int | None, render: bool = False) -> list[str]:
    script = os.path.join(os.path.dirname(sys.executable), "isolint")  # the console script users run
    launcher = [script] if os.path.exists(script) else [sys.executable, "-m", "isolint.cli"]
    command = [*launcher, "check", "--format", "json", "--no-gitignore", *(() if render else ("--no-render",))]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    return [*command, path]


def quiet_command(path: str, jobs: int | None) -> list[str]:
    """:func:`isolint_command` with the quiet text report (findings only) instead of JSON."""
    command = [*isolint_command(path, jobs)[:-1], "--quiet", path]
    command[command.index("json")] = "text"
    return command


def main() -> None:
    parser = argparse.ArgumentParser(description="isolint benchmark")
    parser.add_argument("corpus", nargs="?", help="folder to lint (default: a generated 20 MB corpus)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median shown)")
    parser.add_argument("--jobs", type=int, default=None, help="passed to isolint --jobs")
    parser.add_argument("--mb", type=float, default=20.0, help="size of the generated corpus")
    parser.add_argument("--no-scaling", action="store_true", help="skip the 10x run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="isolint-bench-") as work:
        # byte-code cached as in a normal installation (some environments disable writing it)
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = os.path.join(work, "pycache")
        corpus = args.corpus
        if corpus is None:
            corpus = os.path.join(work, "corpus")
            # in another process: peak memory read from wait4 includes what a child inherits at fork
            subprocess.run([sys.executable, os.path.join(HERE, "corpus.py"), corpus, "--mb", str(args.mb)],
                           check=True, stdout=subprocess.DEVNULL)
        files, size = corpus_size(corpus)
        print(f"corpus: {corpus}: {files} files, {size / 1e6:.1f} MB; {os.cpu_count()} CPUs; "
              f"python {sys.version.split()[0]}; median of {args.repeat}")

        single = os.path.join(work, "single.yaml")
        with open(single, "w", encoding="utf-8") as handle:
            handle.write(SINGLE_MANIFEST)
        timed(isolint_command(single, args.jobs))  # warm up: byte-code and file caches
        timed([sys.executable, "-c", REFERENCE, corpus])
        ref, ref_mem = median_run([sys.executable, "-c", REFERENCE, corpus], args.repeat)
        report = os.path.join(work, "report.json")
        lint, lint_mem = median_run(isolint_command(corpus, args.jobs), args.repeat, report)
        summary = summary_of(report)
        _, quiet_mem = timed(quiet_command(corpus, args.jobs))
        print(f"reference (C loader, every document): {ref:.2f} s, peak {ref_mem / 1024:.0f} MiB")
        print(f"isolint check: {lint:.2f} s, peak {lint_mem / 1024:.0f} MiB ({quiet_mem / 1024:.0f} MiB with the "
              f"quiet text report), {summary['files']} files linted, {summary['findings']} findings, "
              f"{summary['errors']} errors")
        print(f"  ratio isolint/reference: {lint / ref:.2f} (target <= 0.5); "
              f"{files / lint:.0f} files/s, {size / 1e6 / lint:.1f} MB/s")
        rendered, rendered_mem = median_run(isolint_command(corpus, args.jobs, render=True), args.repeat, report)
        rendered_summary = summary_of(report)
        print(f"isolint check with rendering: {rendered:.2f} s, peak {rendered_mem / 1024:.0f} MiB, "
              f"{rendered_summary['files']} files linted, {rendered_summary['errors']} errors; "
              f"ratio to the engine {rendered / lint:.2f} (target <= 1.5), to the reference {rendered / ref:.2f}")

        repeat = max(args.repeat, 7)
        start, _ = median_run([sys.executable, "-c", "import yaml"], repeat)
        one, one_mem = median_run(isolint_command(single, args.jobs), repeat)
        print(f"one file: isolint {one * 1000:.0f} ms, python -c 'import yaml' {start * 1000:.0f} ms, "
              f"ratio {one / start:.2f} (target <= 1.5), peak {one_mem / 1024:.0f} MiB")

        if not args.no_scaling:
            big = os.path.join(work, "x10")
            replicate(corpus, big, 10)
            ten, ten_mem = median_run(isolint_command(big, args.jobs), max(1, args.repeat // 2), report)
            ten_summary = summary_of(report)
            _, ten_quiet_mem = timed(quiet_command(big, args.jobs))
            print(f"10x corpus: {ten:.2f} s (10x the 1x time: {10 * lint:.2f} s), ratio to linear "
                  f"{ten / (10 * lint):.2f} (target <= 1.1), peak {ten_mem / 1024:.0f} MiB "
                  f"({ten_quiet_mem / 1024:.0f} MiB with the quiet text report; target < 150 MiB), "
                  f"{ten_summary['findings']} findings")


if __name__ == "__main__":
    main()
