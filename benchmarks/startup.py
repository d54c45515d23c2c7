"""Where the time of a one-file run goes: the floors under ``isolint check one.yaml``.

    python benchmarks/startup.py [--repeat 15]

Issue 6 asks for a one-file run within 1.5 x ``python -c "import yaml"``. This measures, in one
invocation and as ratios to that reference, the commands that bound it from below:

* ``import yaml, dataclasses``: the model is frozen slotted dataclasses (the design card), so any
  run pays for importing ``dataclasses`` (it imports ``inspect``, ``ast``, ``dis`` ...);
* ``import yaml, isolint.model``: building the model's classes, before any parser or rule;
* ``import yaml`` + as many *empty* modules as a one-file run of isolint imports: the cost of the
  import system alone for code split into that many modules (one module per rule);
* ``isolint check --format json one.yaml`` itself.

Each figure is the median of ``--repeat`` runs, taken in interleaved rounds so that a busy machine
disturbs every command alike. Byte-code caching is on, as in a normal installation.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

from bench import ENV, SINGLE_MANIFEST, isolint_command, timed

COUNT_MODULES = """
import sys
from isolint.cli import main
before = set(sys.modules)
main(['check', '--format', 'json', '--no-gitignore', sys.argv[1]])
"""


def imported_by_a_run(single: str) -> int:
    """How many modules of isolint a one-file run imports (its rules included)."""
    probe = COUNT_MODULES + "print(sum(1 for m in sys.modules if m.startswith('isolint')), file=sys.stderr)\n"
    done = subprocess.run([sys.executable, "-c", probe, single], env=ENV, capture_output=True, text=True, check=False)
    return int(done.stderr.strip().splitlines()[-1])


def empty_package(folder: str, modules: int) -> str:
    package = os.path.join(folder, "floorpkg")
    os.makedirs(package)
    open(os.path.join(package, "__init__.py"), "w").close()
    for i in range(modules - 1):
        open(os.path.join(package, f"m{i}.py"), "w").close()
    return "import yaml, floorpkg; " + "; ".join(f"import floorpkg.m{i}" for i in range(modules - 1))


def main() -> None:
    parser = argparse.ArgumentParser(description="isolint start-up floors")
    parser.add_argument("--repeat", type=int, default=15, help="runs per command (median shown)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="isolint-startup-") as work:
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = os.path.join(work, "pycache")
        single = os.path.join(work, "single.yaml")
        with open(single, "w", encoding="utf-8") as handle:
            handle.write(SINGLE_MANIFEST)
        modules = imported_by_a_run(single)
        ENV["PYTHONPATH"] = work
        python = sys.executable
        commands = {
            "python -c pass": [python, "-c", "pass"],
            "python -c 'import yaml' (the reference)": [python, "-c", "import yaml"],
            "import yaml, dataclasses": [python, "-c", "import yaml, dataclasses"],
            "import yaml, isolint.model": [python, "-c", "import yaml, isolint.model"],
            f"import yaml + {modules} empty modules": [python, "-c", empty_package(work, modules)],
            "isolint check --format json one.yaml": isolint_command(single, None),
        }
        for command in commands.values():
            timed(command)  # byte-code and file caches
        runs: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                runs[name].append(timed(command)[0])
        medians = {name: statistics.median(times) for name, times in runs.items()}
        reference = medians["python -c 'import yaml' (the reference)"]
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, median of {args.repeat}; "
              f"a one-file run imports {modules} modules of isolint")
        for name, seconds in medians.items():
            print(f"{name:45} {seconds * 1000:6.1f} ms  {seconds / reference:4.2f} x")
        print(f"1.5 x the reference leaves {reference * 500:.1f} ms for all of isolint")


if __name__ == "__main__":
    main()
