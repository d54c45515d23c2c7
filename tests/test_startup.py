"""Start-up stays cheap without losing anything: the costly modules only some runs need
(``multiprocessing``, ``importlib.metadata``, ``jsonschema``, the other formats' parsers) are
imported only by them, and the plug-in look-up never misses a plug-in importlib.metadata would find."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from isolint.registry import ENTRY_POINT_GROUP, may_declare_plugins

DEPLOYMENT = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n"


def _dist_info(site: Path, entry_points_txt: str) -> None:
    dist = site / "demo-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: demo\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(entry_points_txt, encoding="utf-8")


def test_plugin_lookup_never_misses_what_importlib_metadata_finds():
    assert may_declare_plugins() or not entry_points(group=ENTRY_POINT_GROUP)


def test_plugin_lookup_sees_a_distribution_declaring_the_group(tmp_path, monkeypatch):
    _dist_info(tmp_path, "[isolint.rules]\ndemo = demo_rule\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert may_declare_plugins()
    assert entry_points(group=ENTRY_POINT_GROUP)


def test_plugin_lookup_is_conservative_with_an_archive_on_the_path(tmp_path, monkeypatch):
    archive = tmp_path / "plugins.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip
    monkeypatch.syspath_prepend(str(archive))
    assert may_declare_plugins()


def test_linting_one_file_imports_no_costly_module_it_does_not_need(tmp_path):
    manifest = tmp_path / "pod.yaml"
    manifest.write_text(DEPLOYMENT, encoding="utf-8")
    probe = ("import sys\nfrom isolint.cli import main\nmain(['check', '--no-gitignore', sys.argv[1]])\n"
             "print(' '.join(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", probe, str(manifest)], capture_output=True, text=True, check=False,
                         cwd=tmp_path)
    loaded = set(out.stdout.split("\n")[-2].split())
    assert "isolint.rules.privileged_container" in loaded  # the probe did lint
    # a Kubernetes file: neither of the other formats' parsers proper (the compose package is looked at)
    costly = {"multiprocessing", "jsonschema", "isolint.parsers.compose.project", "isolint.parsers.dockerfile"}
    if not may_declare_plugins():
        costly.add("importlib.metadata")
    assert loaded.isdisjoint(costly), loaded & costly
