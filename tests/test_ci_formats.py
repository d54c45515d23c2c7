"""CI formats as their consumers read them, the text output a person reads, and the smaller CLI
items (issue 14, items 5, 6 and 9), end to end through the CLI.

- Paths relative to the repository root (git top-level, else the working directory), never an
  absolute path of the machine that ran the job (SARIF ``originalUriBaseIds`` included).
- GitLab Code Quality has an entry for a file that could not be linted (validated against GitLab's
  documented shape, tests/data/gitlab-codequality.schema.json).
- JUnit test cases keep their names when lines shift, and fail only for findings that fail the gate.
- SARIF: the rule a result points to carries the result's ``security-severity`` (what GitHub reads).
- ``--format github``: capped, most severe first, a summary annotation last.
- Text: one line per finding grouped by file, the code frame with ``--show-source``, ``--statistics``.
- ``explain``/``--select`` suggest close names, ``rules --format json``, ``--output`` creates
  folders, a path that does not exist is exit 2, a file error's frame is a short escaped excerpt.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from jsonschema import Draft4Validator, Draft202012Validator

from isolint.cli import main
from isolint.sources import excerpt

from .cli_helpers import write

DATA = Path(__file__).resolve().parent / "data"

# a Pod that breaks isolation (privileged: gates by default) and leaves hardening unset (does not)
POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostPID: true
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
"""
# hostPID without privileged: NS002 at its default severity (high), not raised to critical
PLAIN_HOSTPID = """\
apiVersion: v1
kind: Pod
metadata:
  name: peek
spec:
  hostPID: true
  containers:
    - name: app
      image: nginx:1.27
"""
BROKEN = "apiVersion: v1\nkind: Pod\nmetadata: {name: x\nspec: [\n"


def _run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["check", "--color", "never", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository (``.git`` marks its top level) with manifests under ``deploy/k8s``."""
    (tmp_path / ".git").mkdir()
    write(tmp_path, "deploy/k8s/pod.yaml", POD)
    write(tmp_path, "deploy/k8s/peek.yaml", PLAIN_HOSTPID)
    write(tmp_path, "deploy/k8s/broken.yaml", BROKEN)
    return tmp_path


def _schema_errors(document: object, schema_file: str, validator: type) -> list[str]:
    schema = json.loads((DATA / schema_file).read_text(encoding="utf-8"))
    return [e.message for e in validator(schema).iter_errors(document)]


# --- item 5: paths -----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["sarif", "gitlab", "github", "junit"])
def test_ci_paths_are_relative_to_the_repository_root_from_a_subfolder(capsys, monkeypatch, repo, fmt):
    monkeypatch.chdir(repo / "deploy")
    code, out, _ = _run(capsys, "--format", fmt, "k8s")
    assert code == 1
    assert "deploy/k8s/pod.yaml" in out and "deploy/k8s/broken.yaml" in out
    assert str(repo) not in out and "file://" not in out  # no path of the machine that ran it


@pytest.mark.parametrize("fmt", ["sarif", "gitlab", "github", "junit"])
def test_outside_a_repository_paths_are_relative_to_the_working_directory(capsys, monkeypatch, tmp_path, fmt):
    project = tmp_path / "project"
    write(project, "k8s/pod.yaml", POD)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(project)
    code, out, _ = _run(capsys, "--format", fmt, str(project / "k8s"))  # named by an absolute path
    assert code == 1 and str(tmp_path) not in out
    assert re.search(r"(?<![/\w.])k8s/pod\.yaml", out), out


def test_sarif_has_no_runner_path_and_validates(capsys, monkeypatch, repo):
    monkeypatch.chdir(repo / "deploy")
    _, out, _ = _run(capsys, "--format", "sarif", "k8s")
    sarif = json.loads(out)
    assert not _schema_errors(sarif, "sarif-schema-2.1.0.json", Draft4Validator)
    run = sarif["runs"][0]
    assert "uri" not in run["originalUriBaseIds"]["SRCROOT"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"deploy/k8s/pod.yaml", "deploy/k8s/peek.yaml"}


# --- item 5: SARIF severity per result as GitHub reads it -------------------------------------

def test_sarif_rule_of_each_result_carries_its_security_severity(capsys, monkeypatch, repo):
    monkeypatch.chdir(repo)
    _, out, _ = _run(capsys, "--format", "sarif", "--select", "NS002", "deploy")
    run = json.loads(out)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_resource = {}
    for result in run["results"]:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        assert rule["properties"]["security-severity"] == result["properties"]["security-severity"]
        by_resource[result["locations"][0]["logicalLocations"][0]["name"]] = (result["ruleId"],
                                                                                result["properties"]["severity"])
    # the high result is not shown as Critical, the critical one (privileged too) not as High
    assert by_resource == {"peek": ("NS002", "high"), "web": ("NS002/critical", "critical")}
    assert {r["id"] for r in rules} == {"NS002", "NS002/critical"}


# --- item 5: GitLab -----------------------------------------------------------------------------

def test_gitlab_reports_files_that_could_not_be_linted(capsys, monkeypatch, repo):
    monkeypatch.chdir(repo / "deploy")
    _, out, _ = _run(capsys, "--format", "gitlab", "k8s")
    issues = json.loads(out)
    assert not _schema_errors(issues, "gitlab-codequality.schema.json", Draft202012Validator)
    errors = [i for i in issues if i["check_name"] == "isolint/cannot-lint"]
    assert [e["location"]["path"] for e in errors] == ["deploy/k8s/broken.yaml"]
    assert errors[0]["location"]["lines"]["begin"] == 4 and "invalid YAML" in errors[0]["description"]
    assert len({i["fingerprint"] for i in issues}) == len(issues)


# --- item 5: JUnit ------------------------------------------------------------------------------

def _junit(capsys, *args: str) -> ET.Element:
    _, out, _ = _run(capsys, "--format", "junit", *args)
    suite = ET.fromstring(out.encode("utf-8")).find("testsuite")
    assert suite is not None
    return suite


def test_junit_names_survive_a_line_shift(capsys, monkeypatch, repo):
    monkeypatch.chdir(repo)
    before = [c.get("name") for c in _junit(capsys, "deploy/k8s/pod.yaml").findall("testcase")]
    pod = repo / "deploy/k8s/pod.yaml"
    pod.write_text("# a comment\n# and another\n" + pod.read_text())
    after_suite = _junit(capsys, "deploy/k8s/pod.yaml")
    after = [c.get("name") for c in after_suite.findall("testcase")]
    assert before == after and len(before) > 2
    assert len(set(after)) == len(after)  # unique within the file
    assert all("line" not in name for name in after)


def test_junit_fails_only_for_gating_findings(capsys, monkeypatch, repo):
    monkeypatch.chdir(repo)
    _, doc, _ = _run(capsys, "--format", "json", "deploy/k8s/pod.yaml")
    findings = json.loads(doc)["findings"]
    gating = sum(1 for f in findings if f["gating"])
    assert 0 < gating < len(findings)
    suite = _junit(capsys, "deploy/k8s/pod.yaml")
    assert len(suite.findall("testcase/failure")) == int(suite.get("failures", "-1")) == gating
    skipped = suite.findall("testcase/skipped")
    assert len(skipped) == int(suite.get("skipped", "-1")) == len(findings) - gating
    assert all(s.get("message", "").startswith("below the gate (recommended tier, fail-on low)") for s in skipped)
    # a higher threshold: fewer failures (peek's NS002 is high), the same cases
    both = ("deploy/k8s/pod.yaml", "deploy/k8s/peek.yaml")
    low, high = _junit(capsys, *both), _junit(capsys, "--fail-on", "critical", *both)
    assert 0 < len(high.findall("testcase/failure")) < len(low.findall("testcase/failure"))
    assert [c.get("name") for c in high.findall("testcase")] == [c.get("name") for c in low.findall("testcase")]


# --- item 5: GitHub annotations -----------------------------------------------------------------

def test_github_annotations_are_capped_most_severe_first_with_a_summary(capsys, monkeypatch, repo):
    monkeypatch.chdir(repo)
    _, out, _ = _run(capsys, "--format", "github", "--max-annotations", "3", "deploy")
    lines = out.splitlines()
    assert len(lines) == 4, lines
    assert lines[0].startswith("::error file=deploy/k8s/broken.yaml,line=4")  # a file not linted comes first
    assert lines[1].startswith("::error file=deploy/k8s/pod.yaml") and "[critical]" in lines[1]
    assert re.match(r"^::error title=isolint summary::\d+ findings .*annotated the 3 most severe, \d+ more", lines[3])
    assert "failed (recommended tier, fail-on low)" in lines[3]
    _, every, _ = _run(capsys, "--format", "github", "--max-annotations", "0", "deploy")
    annotations = every.splitlines()[:-1]
    kinds = [line.split(" ", 1)[0] for line in annotations]
    assert len(annotations) > 4 and kinds == sorted(kinds, key=["::error", "::warning", "::notice"].index)
    assert "below the gate" in every  # hardening gaps: shown, not as errors


def test_github_default_cap_is_fifty(capsys, monkeypatch, tmp_path):
    (tmp_path / ".git").mkdir()
    for i in range(12):
        write(tmp_path, f"pod{i}.yaml", POD)
    monkeypatch.chdir(tmp_path)
    _, out, _ = _run(capsys, "--format", "github", ".")
    lines = out.splitlines()
    assert len(lines) == 51 and "annotated the 50 most severe" in lines[-1]
    assert lines[-1].startswith("::error title=isolint summary::")


# --- item 6: text -------------------------------------------------------------------------------

def test_text_is_one_line_per_finding_grouped_by_file_with_the_verdict(capsys, monkeypatch, repo):
    monkeypatch.chdir(repo)
    code, out, _ = _run(capsys, "deploy/k8s/pod.yaml", "deploy/k8s/peek.yaml")
    blocks = out.rstrip("\n").split("\n\n")
    assert code == 1 and len(blocks) == 2
    finding = re.compile(r"^deploy/k8s/(\w+)\.yaml:\d+:\d+: [A-Z]+\d+ \[(critical|high|medium|low|info)[^\]]*\] \S")
    first = blocks[0].splitlines()
    assert all(finding.match(line) for line in first)
    files = [finding.match(line).group(1) for line in first + blocks[1].splitlines()[:-2]]
    assert files == sorted(files) and set(files) == {"peek", "pod"}
    assert max(len(line) for line in out.splitlines()) < 200
    summary, verdict = out.splitlines()[-2:]
    assert re.match(r"^\d+ findings \(.*\), 0 errors in 2 files$", summary)
    assert verdict.startswith("failed (recommended tier, fail-on low): ")


def test_text_says_passed_and_the_threshold(capsys, monkeypatch, repo):
    monkeypatch.chdir(repo)
    code, out, _ = _run(capsys, "--select", "NS002", "--fail-on", "critical", "deploy/k8s/peek.yaml")
    assert code == 0
    assert out.splitlines()[-1] == "passed (recommended tier, fail-on critical): 1 finding below the gate"


def test_show_source_prints_the_code_frame(capsys, monkeypatch, repo):
    monkeypatch.chdir(repo)
    _, plain, _ = _run(capsys, "--select", "PRV001", "deploy/k8s/pod.yaml")
    _, framed, _ = _run(capsys, "--select", "PRV001", "--show-source", "deploy/k8s/pod.yaml")
    assert "|" not in plain
    lines = framed.splitlines()
    assert lines[1] == "  11 |         privileged: true" and lines[2].index("^") == lines[1].index("privileged")


def test_statistics_counts_findings_per_rule(capsys, monkeypatch, repo):
    monkeypatch.chdir(repo)
    _, doc, _ = _run(capsys, "--format", "json", "deploy/k8s")
    findings = json.loads(doc)["findings"]
    code, out, _ = _run(capsys, "--statistics", "deploy/k8s")
    rows = [line.split() for line in out.splitlines()[:-3]]  # then the error, the summary, the verdict
    counts = {row[1]: int(row[0]) for row in rows}
    expected: dict[str, int] = {}
    for f in findings:
        expected[f["rule"]] = expected.get(f["rule"], 0) + 1
    assert code == 1 and counts == expected
    assert [int(r[0]) for r in rows] == sorted((int(r[0]) for r in rows), reverse=True)
    assert "deploy/k8s/broken.yaml:4:5: error:" in out


# --- item 9: smaller CLI items ------------------------------------------------------------------

def test_explain_suggests_close_names(capsys):
    assert main(["explain", "privileged-containr"]) == 2
    assert "; did you mean PRV001 (privileged-container)" in capsys.readouterr().err
    assert main(["explain", "PRV01"]) == 2
    assert "did you mean PRV001" in capsys.readouterr().err


def test_select_suggests_close_names(capsys, repo):
    assert main(["check", "--select", "host-pd", str(repo)]) == 2
    assert "unknown rule selector(s): host-pd; did you mean NS002 (host-pid)" in capsys.readouterr().err


def test_rules_as_json(capsys):
    assert main(["rules", "--format", "json"]) == 0
    rules = json.loads(capsys.readouterr().out)["rules"]
    prv = next(r for r in rules if r["code"] == "PRV001")
    assert prv["name"] == "privileged-container" and prv["severity"] == "critical" and prv["tier"] == "recommended"
    assert {"kubernetes", "compose"} <= set(prv["formats"]) and len({r["code"] for r in rules}) == len(rules)


def test_output_creates_missing_folders(capsys, monkeypatch, repo):
    monkeypatch.chdir(repo)
    code, _, _ = _run(capsys, "--format", "sarif", "--output", "reports/ci/isolint.sarif", "deploy/k8s/pod.yaml")
    assert code == 1 and json.loads((repo / "reports/ci/isolint.sarif").read_text())["version"] == "2.1.0"


def test_a_path_that_does_not_exist_is_a_usage_error(capsys, repo):
    code, out, err = _run(capsys, str(repo / "deploy"), str(repo / "no-such-folder"))
    assert code == 2 and out == ""
    assert "no such file or directory: " in err and "no-such-folder" in err


def test_a_file_error_gets_a_short_escaped_frame(capsys, tmp_path):
    secret = "A" * 300
    write(tmp_path, "bad.yaml", f"apiVersion: v1\nkind: Pod\nmetadata: {{name: x\nspec: [{secret}\n")
    _, out, _ = _run(capsys, "--show-source", str(tmp_path))
    frame = [line for line in out.splitlines() if line.startswith("  4 | ")]
    assert frame == ["  4 | " + excerpt("spec: [" + secret)], out  # sources.excerpt: 40 characters
    assert secret not in out


def test_output_creates_no_folder_through_a_link_out(capsys, monkeypatch, repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (repo / "reports").symlink_to(outside, target_is_directory=True)
    monkeypatch.chdir(repo)
    code, _, err = _run(capsys, "--format", "sarif", "--output", "reports/ci/isolint.sarif", "deploy/k8s/pod.yaml")
    assert code == 2 and "not written" in err
    assert list(outside.iterdir()) == []
