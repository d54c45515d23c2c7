"""The wheel installs one top-level package, ``isolint``, with the built-in rules inside it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_holds_only_the_isolint_package(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("isolint-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"isolint", f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"}
    rules = {Path(n).stem for n in names if n.startswith("isolint/rules/") and n.endswith(".py")}
    shipped = {p.stem for p in (ROOT / "rules").glob("*.py")}
    assert rules == shipped
    assert "isolint/cli.py" in names and "isolint/parsers/kubernetes.py" in names
