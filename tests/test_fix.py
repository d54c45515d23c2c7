"""`isolint fix`: each fixable rule's fixture pair (fixtures/fix/<CODE>/before -> after), run by the
same command a user runs; a second run changes nothing; what must stay untouched stays untouched."""

from __future__ import annotations

import difflib
import filecmp
import shutil
from pathlib import Path

import pytest

from isolint import Applicability, Format
from isolint.cli import main
from isolint.registry import load_rules

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAIRS = FIXTURES / "fix"
RULES = load_rules().rules
FIXABLE = [r for r in RULES if r.meta.fix is not None]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _format(name: str) -> Format:
    if name.startswith("Dockerfile"):
        return Format.DOCKERFILE
    return Format.COMPOSE if "compose" in name else Format.KUBERNETES


def _fix(tmp_path: Path, source: Path, *args: str) -> tuple[Path, int]:
    work = tmp_path / "work"
    shutil.copytree(source, work)
    return work, main(["fix", *args, str(work)])


def test_every_fixable_rule_has_a_pair_per_format_and_documents_its_safety():
    assert FIXABLE, "no rule declares a fix"
    for rule in FIXABLE:
        before = PAIRS / rule.code / "before"
        assert (PAIRS / rule.code / "after").is_dir(), f"{rule.code}: no fixtures/fix/{rule.code}/after"
        formats = {_format(p.name) for p in before.rglob("*") if p.is_file()}
        missing = set(rule.meta.formats) - formats
        assert not missing, f"{rule.code}: no before/after pair for {missing}"
        assert "## Fix safety" in rule.doc, f"{rule.code}: docstring does not say why its fix is {rule.meta.fix.value}"
        assert rule.meta.fix.value.capitalize() in rule.doc.split("## Fix safety", 1)[1][:20]
    for rule in RULES:
        if rule.meta.fix is None:
            assert "## Fix safety" not in rule.doc, f"{rule.code} documents a fix it does not have"


@pytest.mark.parametrize("code", sorted(p.name for p in PAIRS.iterdir()))
def test_fix_turns_before_into_after_and_a_second_run_changes_nothing(tmp_path, code, capsys):
    work, _ = _fix(tmp_path, PAIRS / code / "before", "--unsafe-fixes", "--select", code)
    assert _files(work) == _files(PAIRS / code / "after")
    capsys.readouterr()
    main(["fix", "--unsafe-fixes", "--select", code, str(work)])
    assert _files(work) == _files(PAIRS / code / "after")
    assert "fixed 0 findings in 0 files" in capsys.readouterr().err
    # and the rule no longer finds anything there
    assert main(["check", "--select", code, "--fail-on", "info", "-q", str(work)]) == 0


def test_only_safe_fixes_apply_without_the_unsafe_flag(tmp_path, capsys):
    work, _ = _fix(tmp_path, PAIRS / "PRV001" / "before", "--select", "PRV001")
    assert _files(work) == _files(PAIRS / "PRV001" / "before")
    assert "available with --unsafe-fixes" in capsys.readouterr().err
    safe = [r.code for r in FIXABLE if r.meta.fix is Applicability.SAFE]
    assert {"PRV004", "MAC002"} <= set(safe)


def test_diff_prints_and_writes_nothing(tmp_path, capsys):
    work = tmp_path / "work"
    shutil.copytree(PAIRS / "PRV004" / "before", work)
    assert main(["fix", "--diff", "--select", "PRV004", str(work)]) == 1
    out = capsys.readouterr().out
    assert "+          securityContext:\n+            allowPrivilegeEscalation: false\n" in out
    assert "+      - no-new-privileges:true\n" in out
    assert _files(work) == _files(PAIRS / "PRV004" / "before")
    shutil.rmtree(work)
    shutil.copytree(PAIRS / "PRV004" / "after", work)
    assert main(["fix", "--diff", "--select", "PRV004", str(work)]) == 0
    assert capsys.readouterr().out == ""
    assert main(["check", "--diff", "--select", "PRV004", str(work)]) == 0  # check --diff is the same


def test_check_fix_is_an_alias(tmp_path):
    work = tmp_path / "work"
    shutil.copytree(PAIRS / "MAC002" / "before", work)
    main(["check", "--fix", "--select", "MAC002", str(work)])
    assert _files(work) == _files(PAIRS / "MAC002" / "after")


def test_crlf_kept(tmp_path):
    work, _ = _fix(tmp_path, PAIRS / "CAP004" / "before", "--unsafe-fixes", "--select", "CAP004")
    text = (work / "job.yaml").read_bytes()
    assert b"drop:\r\n" in text and text.count(b"\n") == text.count(b"\r\n")


def test_hardened_fixtures_stay_byte_identical(tmp_path):
    work, _ = _fix(tmp_path, FIXTURES / "hardened", "--unsafe-fixes", "--select", "ALL")
    assert not filecmp.dircmp(work, FIXTURES / "hardened").diff_files
    assert _files(work) == _files(FIXTURES / "hardened")


def test_suppressed_findings_are_not_fixed(tmp_path):
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: a\n"
        "      securityContext:\n        # isolint: ignore[PRV001] device plugin, reviewed\n        privileged: true\n")
    before = (tmp_path / "pod.yaml").read_text()
    main(["fix", "--unsafe-fixes", "--select", "PRV001", str(tmp_path)])
    assert (tmp_path / "pod.yaml").read_text() == before


def test_a_value_shared_through_an_anchor_is_left_alone(tmp_path, capsys):
    text = ("x-common: &common\n  image: app:1\n  privileged: true\nservices:\n  a:\n    <<: *common\n"
            "  b:\n    <<: *common\n")
    (tmp_path / "compose.yaml").write_text(text)
    main(["fix", "--unsafe-fixes", "--select", "PRV001", str(tmp_path)])
    assert (tmp_path / "compose.yaml").read_text() == text
    assert "not fixed" in capsys.readouterr().err


def test_other_lines_byte_identical():
    """Fixes only add lines, or rewrite the one line whose value they change (same key, same
    indentation); every other line of the original stays byte for byte, in order."""
    for code in sorted(p.name for p in PAIRS.iterdir()):
        before, after = _files(PAIRS / code / "before"), _files(PAIRS / code / "after")
        for name, old in before.items():
            a, b = old.splitlines(keepends=True), after[name].splitlines(keepends=True)
            for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
                assert op != "delete", (code, name, a[i1:i2])
                if op == "replace":  # rewritten lines, then any added ones
                    assert i2 - i1 <= j2 - j1, (code, name, a[i1:i2], b[j1:j2])
                    for x, y in zip(a[i1:i2], b[j1:j1 + i2 - i1], strict=True):
                        key = x.split(b":")[0]
                        appended = y.startswith(x.rstrip(b"\r\n"))  # JSON: keys added after a line's last value
                        assert appended or (y.startswith(key) and b":" in x), (code, name, x, y)


def test_sarif_results_carry_the_same_edits(tmp_path, capsys):
    """SARIF ``fixes``: applying every result's replacements gives the file ``isolint fix`` writes."""
    import json
    from urllib.parse import unquote

    import jsonschema

    work = tmp_path / "work"
    shutil.copytree(PAIRS / "PRV004" / "before", work)
    main(["check", "--select", "PRV004", "--format", "sarif", str(work)])
    sarif = json.loads(capsys.readouterr().out)
    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(sarif, schema)
    edits: dict[str, list[tuple[int, int, int, int, str]]] = {}
    results = sarif["runs"][0]["results"]
    assert results and all("fixes" in r for r in results)
    for result in results:
        (fix,) = result["fixes"]
        assert fix["properties"]["applicability"] == "safe"
        for change in fix["artifactChanges"]:
            uri = change["artifactLocation"]["uri"]
            for r in change["replacements"]:
                region = r["deletedRegion"]
                where = Path(unquote(uri[len("file://"):])) if uri.startswith("file://") else Path.cwd() / unquote(uri)
                edits.setdefault(str(where.resolve().relative_to(work.resolve())), []).append(
                    (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"],
                     r["insertedContent"]["text"]))
    for name, changes in edits.items():
        lines = (work / name).read_text().splitlines(keepends=True)
        text = "".join(lines)
        offset = [0]
        for line in lines:
            offset.append(offset[-1] + len(line))
        for sl, sc, el, ec, new in sorted(changes, reverse=True):
            text = text[:offset[sl - 1] + sc - 1] + new + text[offset[el - 1] + ec - 1:]
        assert text == (PAIRS / "PRV004" / "after" / name).read_text(), name


def test_baselined_findings_are_not_fixed_and_the_baseline_is_not_touched(tmp_path):
    work = tmp_path / "work"
    shutil.copytree(PAIRS / "PRV004" / "before", work)
    baseline = tmp_path / "baseline.json"
    assert main(["baseline", "--select", "PRV004", "--baseline", str(baseline), str(work)]) == 0
    recorded = baseline.read_bytes()
    main(["fix", "--select", "PRV004", "--baseline", str(baseline), str(work)])
    assert _files(work) == _files(PAIRS / "PRV004" / "before")
    assert baseline.read_bytes() == recorded


def test_helm_templates_are_not_rewritten_and_the_values_line_is_named(tmp_path, capsys):
    chart = FIXTURES / "deployments" / "chart"
    work, _ = _fix(tmp_path, chart, "--unsafe-fixes")
    assert _files(work) == _files(chart)
    err = capsys.readouterr().err
    assert "deployment.yaml:18: PRV001 is in a Helm template, not rewritten" in err
    assert f"the chart sets it at {work}/values.yaml:3" in err
    assert "set securityContext.allowPrivilegeEscalation: false" in err


def test_kustomize_fixes_land_in_the_base_and_in_the_patch_that_set_the_value(tmp_path):
    source = FIXTURES / "deployments" / "kustomize"
    work, _ = _fix(tmp_path, source, "--unsafe-fixes", "--select", "PRV001,PRV004")
    before, after = _files(source), _files(work)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"base/deployment.yaml", "overlays/prod/privileged.yaml"}
    assert b"allowPrivilegeEscalation: false" in after["base/deployment.yaml"]
    assert b"privileged: false" in after["overlays/prod/privileged.yaml"]


def test_fix_exit_code_is_the_gates_verdict_on_what_remains(tmp_path, capsys):
    work = tmp_path / "work"
    shutil.copytree(PAIRS / "PRV004" / "before", work)
    # PRV004 is a hardening gap (strict tier): what remains never fails the default gate
    assert main(["fix", "--select", "PRV004", "--diff", str(work)]) == 1  # --diff: there is something to fix
    assert main(["fix", "--select", "PRV001", str(work)]) == 0
    shutil.rmtree(work)
    shutil.copytree(PAIRS / "PRV001" / "before", work)
    assert main(["fix", "--select", "PRV001", str(work)]) == 1  # privileged stays (unsafe fix not applied)
    assert "after fixing" in capsys.readouterr().err
    assert main(["fix", "--select", "PRV001", "--exit-zero", str(work)]) == 0
    assert main(["fix", "--select", "PRV001", "--unsafe-fixes", str(work)]) == 0
