"""Start-up stays cheap without losing anything: modules only some runs need are imported only by
them, and the plug-in look-up never misses a plug-in importlib.metadata would find."""

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
    costly = {"multiprocessing", "hashlib", "subprocess", "jsonschema", "importlib.resources", "email", "shutil",
              "difflib", "threading", "isolint.parsers.compose.project",  # the parser proper, not the package
              "isolint.parsers.dockerfile"}  # a Kubernetes file
    if not may_declare_plugins():
        costly.add("importlib.metadata")
    assert loaded.isdisjoint(costly), loaded & costly


def test_console_holds_the_collector_off_only_until_the_run(tmp_path, monkeypatch):
    import gc

    from isolint import cli, registry, runner

    manifest = tmp_path / "pod.yaml"
    manifest.write_text(DEPLOYMENT, encoding="utf-8")
    seen: dict[str, bool] = {}

    def recording(name, real):
        def call(*args, **kwargs):
            seen[name] = gc.isenabled()
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(registry, "load_rules", recording("loading rules", registry.load_rules))
    monkeypatch.setattr(runner, "run", recording("linting", runner.run))
    monkeypatch.setattr(sys, "argv", ["isolint", "check", "--no-gitignore", "-q", str(manifest)])
    assert gc.isenabled()
    try:
        assert cli.console() == 1  # the pod has findings
    finally:
        gc.unfreeze()
        gc.enable()
    assert seen == {"loading rules": False, "linting": True}
