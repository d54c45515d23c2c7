"""The wheel installs one top-level package, ``isolint``, with the built-in rules inside it.

Built from a copy of the project in a temporary folder: a build in the checkout would leave a
``build/lib/isolint/`` copy of every engine file behind.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILT_FROM = ("pyproject.toml", "README.md", "LICENSE", "lint", "rules")  # what pyproject.toml names


def test_wheel_holds_only_the_isolint_package(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in BUILT_FROM:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path), str(source)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("isolint-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"isolint", f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"}
    rules = {Path(n).stem for n in names if n.startswith("isolint/rules/") and n.endswith(".py")}
    shipped = {p.stem for p in (ROOT / "rules").glob("*.py")}
    assert rules == shipped
    assert "isolint/cli.py" in names and "isolint/parsers/kubernetes.py" in names
