"""Output formats: a golden file per format, schema validation (SARIF 2.1.0, GitLab Code Quality),
JUnit structure, GitHub workflow-command escaping, and several --format/--output pairs in one run.

Regenerate the golden files after an intended change with ``ISOLINT_UPDATE_GOLDEN=1 pytest``.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator, Draft202012Validator

from isolint import jsonstream
from isolint.cli import main
from isolint.registry import load_rules
from isolint.reporters.github import command

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
INPUT = GOLDEN / "input"
SELECT = ("--select", "PRV001,NS002,USR002,SUP")
FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The golden input as the ``deploy/`` folder of a git repository (a ``.git`` is all it takes to
    be one): CI formats name files from the repository root, whatever folder the run starts in."""
    root = tmp_path_factory.mktemp("repo")
    (root / ".git").mkdir()
    shutil.copytree(INPUT, root / "deploy")
    return root / "deploy"


def render(capsys, monkeypatch, fmt: str, *extra: str) -> tuple[int, str]:
    monkeypatch.chdir(INPUT)
    monkeypatch.setenv("NO_COLOR", "1")
    capsys.readouterr()
    code = main(["check", "--format", fmt, *SELECT, *extra, "."])
    return code, capsys.readouterr().out


def normalised(fmt: str, text: str) -> str:
    """Run-specific values (the version) and the rules' own documentation (checked separately, owned
    by each rule) replaced by placeholders."""
    if fmt != "sarif":
        return text
    sarif = json.loads(text)
    run = sarif["runs"][0]
    assert "uri" not in run["originalUriBaseIds"]["SRCROOT"]  # no path of the machine that ran it
    driver = run["tool"]["driver"]
    driver["version"] = driver["semanticVersion"] = "VERSION"
    docs = {r.code: r.doc for r in load_rules(plugins=False).rules}
    for rule in driver["rules"]:
        doc = docs[rule["id"].split("/")[0]]
        assert rule["help"] == {"text": doc, "markdown": doc}
        assert rule["fullDescription"]["text"] and "\n" not in rule["fullDescription"]["text"]
        rule["help"] = rule["fullDescription"] = "<the rule's documentation>"
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(capsys, monkeypatch, fmt, repo):
    monkeypatch.chdir(repo)
    monkeypatch.setenv("NO_COLOR", "1")
    capsys.readouterr()
    code = main(["check", "--format", fmt, *SELECT, "."])
    out = capsys.readouterr().out
    assert code == 1
    golden = GOLDEN / f"report.{fmt}"
    text = normalised(fmt, out)
    if os.environ.get("ISOLINT_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def validated(capsys, monkeypatch, fmt: str, schema_file: str, validator: type) -> Any:
    """The format's output on the golden input, asserted valid against a schema in tests/data."""
    _, out = render(capsys, monkeypatch, fmt)
    document = json.loads(out)
    schema = json.loads((HERE / "data" / schema_file).read_text(encoding="utf-8"))
    errors = list(validator(schema).iter_errors(document))
    assert not errors, [e.message for e in errors[:5]]
    return document


def test_sarif_validates_against_the_sarif_schema(capsys, monkeypatch):
    sarif = validated(capsys, monkeypatch, "sarif", "sarif-schema-2.1.0.json", Draft4Validator)
    run = sarif["runs"][0]
    results = run["results"]
    assert {r["ruleId"].split("/")[0] for r in results} == {"PRV001", "NS002", "USR002", "SUP001"}
    rules = run["tool"]["driver"]["rules"]
    for result in results:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        # GitHub ranks an alert by its rule's security-severity: the rule a result points to has the result's
        assert rule["properties"]["security-severity"] == result["properties"]["security-severity"]
        assert rule["helpUri"].endswith(f"/docs/rules/{rule['id'].split('/')[0]}.md")
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert not result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith(("/", "."))
    prv = next(r for r in rules if r["id"] == "PRV001")
    assert prv["properties"]["security-severity"] == "9.5" and prv["defaultConfiguration"]["level"] == "error"
    prints = [r["partialFingerprints"]["isolint/v1"] for r in results]
    assert len(set(prints)) == len(prints)


def test_sarif_fingerprints_survive_line_shifts(capsys, monkeypatch, tmp_path):
    pod = tmp_path / "pod.yaml"
    body = (INPUT / "k8s" / "agent.yaml").read_text()
    pod.write_text(body)
    monkeypatch.chdir(tmp_path)
    main(["check", "--format", "sarif", *SELECT, "pod.yaml"])
    before = {r["ruleId"]: r["partialFingerprints"] for r in json.loads(capsys.readouterr().out)["runs"][0]["results"]}
    pod.write_text("# moved\n# down\n" + body)
    main(["check", "--format", "sarif", *SELECT, "pod.yaml"])
    after = {r["ruleId"]: r["partialFingerprints"] for r in json.loads(capsys.readouterr().out)["runs"][0]["results"]}
    assert before == after and before


def test_junit_has_one_failure_per_finding(capsys, monkeypatch):
    _, findings = render(capsys, monkeypatch, "json")
    count = len(json.loads(findings)["findings"])
    _, out = render(capsys, monkeypatch, "junit")
    root = ET.fromstring(out.encode("utf-8"))
    suite = root.find("testsuite")
    assert suite is not None
    failures = suite.findall("testcase/failure")
    assert len(failures) == count == int(suite.get("failures", "-1")) and count > 0
    assert int(suite.get("tests", "0")) == len(suite.findall("testcase"))


def test_junit_of_a_clean_run_is_one_passing_case(capsys, monkeypatch, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM scratch\nUSER 1000:1000\n")  # linted, no finding
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--format", "junit", "."]) == 0
    suite = ET.fromstring(capsys.readouterr().out.encode()).find("testsuite")
    assert suite is not None and suite.get("failures") == "0" and len(suite.findall("testcase")) == 1


def test_gitlab_validates_against_the_documented_shape(capsys, monkeypatch):
    issues = validated(capsys, monkeypatch, "gitlab", "gitlab-codequality.schema.json", Draft202012Validator)
    assert len({i["fingerprint"] for i in issues}) == len(issues) > 0
    assert {i["severity"] for i in issues} == {"blocker", "critical", "minor"}


def test_github_workflow_commands(capsys, monkeypatch):
    _, out = render(capsys, monkeypatch, "github")
    commands = [line for line in out.splitlines() if line.startswith("::")]
    pattern = re.compile(r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,title=[^:,]+::.+$")
    summary = re.compile(r"^::(error|notice) title=isolint summary::.+$")
    assert commands and all(pattern.match(c) for c in commands[:-1]), commands
    assert summary.match(commands[-1]), commands[-1]
    assert "::error file=tests/golden/input/compose.yaml,line=6,col=5,title=PRV001 privileged-container::" in out


def test_github_escaping():
    line = command("error", "50% done\nnext", "a,b:c.yaml", 3, None, "T: x, y")
    assert line == "::error file=a%2Cb%3Ac.yaml,line=3,title=T%3A x%2C y::50%25 done%0Anext"


def test_several_formats_and_outputs_in_one_run(capsys, monkeypatch, tmp_path):
    sarif, junit = tmp_path / "out.sarif", tmp_path / "out.xml"
    monkeypatch.chdir(INPUT)
    code = main(["check", *SELECT, "--format", "sarif", "--output", str(sarif), "--format", "junit", "--output",
                 str(junit), "--format", "text", "--color", "never", "."])
    out = capsys.readouterr().out
    assert code == 1
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert ET.fromstring(junit.read_bytes()).tag == "testsuites"
    assert "PRV001 [critical]" in out and not out.lstrip().startswith(("{", "<"))


def test_comma_separated_formats_need_outputs(capsys, monkeypatch):
    monkeypatch.chdir(INPUT)
    assert main(["check", "--format", "json,sarif", "."]) == 2
    assert "several formats would write to stdout" in capsys.readouterr().err
    assert main(["check", "--format", "yaml", "."]) == 2
    assert "unknown format 'yaml'" in capsys.readouterr().err


def test_quiet_prints_findings_only(capsys, monkeypatch):
    code, out = render(capsys, monkeypatch, "text", "--quiet")
    lines = out.splitlines()
    assert code == 1 and lines and all(re.match(r"^\./\S+:\d+:\d+: [A-Z]+\d+ \[", line) for line in lines)


def test_no_color_is_respected_even_when_forced_auto(capsys, monkeypatch):
    _, out = render(capsys, monkeypatch, "text")
    assert "\x1b[" not in out


def test_no_progress_when_stderr_is_not_a_terminal(capsys, monkeypatch):
    render(capsys, monkeypatch, "text")
    assert capsys.readouterr().err == ""


def test_progress_line_is_drawn_and_cleared():
    import io
    import time

    from isolint.progress import Progress

    stream = io.StringIO()
    with Progress(True, stream, delay=0.0, interval=0.01):
        time.sleep(0.05)
    text = stream.getvalue()
    assert "isolint: linting..." in text and text.endswith("\r\x1b[2K")
    silent = io.StringIO()
    with Progress(False, silent, delay=0.0):
        time.sleep(0.02)
    assert silent.getvalue() == ""


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20)


@given(JSON_VALUES)
@settings(max_examples=300, deadline=None)
def test_streamed_json_is_what_json_dumps_writes(document):
    expected = json.dumps(document, indent=2, ensure_ascii=False)
    assert jsonstream.encode(document) == expected
    out = io.StringIO()
    jsonstream.write(out, _streamed(document))
    assert out.getvalue() == expected


def _streamed(value: Any) -> Any:
    """``value`` with its lists (outside streamed arrays) turned into streamed arrays."""
    if isinstance(value, dict):
        return {key: _streamed(item) for key, item in value.items()}
    if isinstance(value, list):
        return jsonstream.Items(iter(value))
    return value


def _run_with_an_error(tmp_path: Path, monkeypatch, capsys, fmt: str) -> str:
    shutil.copytree(INPUT, tmp_path / "input")
    (tmp_path / "input" / "broken.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: \"é\\t\"\nspec: [\n")
    monkeypatch.chdir(tmp_path / "input")
    capsys.readouterr()
    main(["check", "--format", fmt, *SELECT, "."])
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab"])
def test_streamed_json_reports_are_what_json_dumps_writes(capsys, monkeypatch, tmp_path, fmt):
    out = _run_with_an_error(tmp_path, monkeypatch, capsys, fmt)
    document = json.loads(out)
    assert "USR002" in out and ("broken.yaml" in out or fmt == "gitlab")  # GitLab's format has no errors
    assert out == json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def test_streamed_junit_is_what_elementtree_writes_for_the_whole_tree(capsys, monkeypatch, tmp_path):
    out = _run_with_an_error(tmp_path, monkeypatch, capsys, "junit")
    header = '<?xml version="1.0" encoding="UTF-8"?>\n'
    root = ET.fromstring(out[len(header):])
    assert root.findall("testsuite/testcase/failure") and root.findall("testsuite/testcase/error")
    ET.indent(root)
    assert out == header + ET.tostring(root, encoding="unicode") + "\n"


@pytest.mark.parametrize("fmt", FORMATS)
def test_reports_are_written_finding_by_finding(monkeypatch, fmt):
    """No format builds its whole text first: no single write holds two findings."""
    from isolint.reporters import Report, writer
    from isolint.runner import run
    from isolint.settings import Settings

    monkeypatch.chdir(INPUT)
    result = run(["."], Settings(select=["PRV001", "NS002", "USR002", "SUP"]), keep_models=False)
    writes: list[str] = []

    class Recorder(io.StringIO):
        def write(self, text: str) -> int:
            writes.append(text)
            return len(text)

    writer(fmt)(Report(result.diagnostics, result.errors, result.files, result.rules, result.sources), Recorder())
    findings = len(result.diagnostics)
    assert findings > 2
    assert len(writes) > findings
    messages = {d.message for d in result.diagnostics}
    assert len(messages) > 2
    assert all(len({m for m in messages if m in chunk}) <= 1 for chunk in writes)
