"""Configuration files: discovery upward, every source format, validation errors that name the key."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from isolint.cli import main
from isolint.config import ConfigError, find_config, read_config, schema

from .cli_helpers import found, run_json, write

PRIVILEGED_HOST_PID = """
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  hostPID: true
  containers:
    - name: agent
      image: registry.example/agent:1.2
      securityContext:
        privileged: true
"""


def codes(doc):
    return sorted({f["rule"] for f in doc["findings"]})


def test_schema_is_a_valid_json_schema():
    Draft202012Validator.check_schema(schema())


@pytest.mark.parametrize("name, text", [
    ("pyproject.toml", '[project]\nname = "x"\n\n[tool.isolint]\nselect = ["PRV001"]\n'),
    (".isolint.toml", 'select = ["PRV001"]\n'),
    (".isolint.yaml", "select: [PRV001]\n"),
    (".isolint.yml", "select:\n  - PRV001\n"),
])
def test_discovered_upward_from_the_target(capsys, tmp_path, name, text):
    write(tmp_path, name, text)
    target = write(tmp_path, "deploy/k8s/pod.yaml", PRIVILEGED_HOST_PID)
    code, doc = run_json(capsys, str(target.parent))
    assert code == 1 and codes(doc) == ["PRV001"]
    assert find_config(str(target)) == str(tmp_path / name)


def test_pyproject_without_the_table_is_skipped(tmp_path):
    write(tmp_path, ".isolint.toml", 'select = ["PRV001"]\n')
    write(tmp_path, "sub/pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(str(tmp_path / "sub")) == str(tmp_path / ".isolint.toml")


def test_nearest_configuration_wins(tmp_path):
    write(tmp_path, ".isolint.toml", 'select = ["PRV001"]\n')
    write(tmp_path, "team/.isolint.yaml", "select: [NS002]\n")
    assert find_config(str(tmp_path / "team" / "x.yaml")) == str(tmp_path / "team" / ".isolint.yaml")


def test_explicit_config_flag(capsys, tmp_path):
    config = write(tmp_path, "elsewhere/isolint.toml", 'select = ["NS002"]\n')
    write(tmp_path, "pod.yaml", PRIVILEGED_HOST_PID)
    code, doc = run_json(capsys, "--config", str(config), str(tmp_path / "pod.yaml"))
    assert code == 1 and codes(doc) == ["NS002"]


def test_misspelled_key_fails_naming_it(capsys, tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.isolint]\nfial-on = "high"\n')
    write(tmp_path, "pod.yaml", PRIVILEGED_HOST_PID)
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown [tool.isolint] key 'fial-on'" in err and "did you mean 'fail-on'" in err


def test_snake_case_spelling_suggests_the_kebab_key(tmp_path):
    write(tmp_path, ".isolint.toml", 'fail_on = "high"\n')
    with pytest.raises(ConfigError, match=r"unknown configuration key 'fail_on'.*did you mean 'fail-on'"):
        read_config(str(tmp_path / ".isolint.toml"))


@pytest.mark.parametrize("text, key", [
    ('fail-on = "urgent"', "fail-on"),
    ("kubernetes-version = 1.30", "kubernetes-version"),
    ('select = "PRV001"', "select"),
    ('[trust]\nuntrusted-imgs = ["x/*"]', "trust.untrusted-imgs"),
    ('[rules.PRV001]\nseverity = "severe"', "rules.PRV001.severity"),
    ('[per-path-ignores]\n"tests/*" = "PRV001"', "per-path-ignores.tests/*"),
])
def test_bad_values_name_the_key(capsys, tmp_path, text, key):
    write(tmp_path, ".isolint.toml", text + "\n")
    write(tmp_path, "pod.yaml", PRIVILEGED_HOST_PID)
    assert main(["check", str(tmp_path)]) == 2
    assert f"'{key}'" in capsys.readouterr().err


def test_invalid_toml_is_a_usage_error(capsys, tmp_path):
    write(tmp_path, ".isolint.toml", "select = [\n")
    assert main(["check", str(tmp_path)]) == 2
    assert "invalid TOML" in capsys.readouterr().err


def test_yaml_config_is_data_only(tmp_path):
    write(tmp_path, ".isolint.yaml", "select: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        read_config(str(tmp_path / ".isolint.yaml"))


def test_rule_severity_and_fail_on(capsys, tmp_path):
    write(tmp_path, ".isolint.toml", '''
        select = ["PRV001", "NS002"]
        fail-on = "critical"
        [rules.host-pid]
        severity = "low"
        ''')
    write(tmp_path, "pod.yaml", PRIVILEGED_HOST_PID.replace("privileged: true", "privileged: false"))
    code, doc = run_json(capsys, str(tmp_path))
    assert [(f["rule"], f["severity"]) for f in doc["findings"]] == [("NS002", "low")]
    assert code == 0  # nothing at or above critical
    code, _ = run_json(capsys, "--fail-on", "low", str(tmp_path))
    assert code == 1  # the flag beats the file


def test_rule_options_are_checked_against_the_rule(capsys, tmp_path):
    write(tmp_path, "pod.yaml", PRIVILEGED_HOST_PID)
    write(tmp_path, ".isolint.toml", '[rules.MNT002]\nsokets = ["/run/x.sock"]\n')
    assert main(["check", str(tmp_path)]) == 2
    assert "unknown configuration key 'rules.MNT002.sokets': MNT002 has no option" in capsys.readouterr().err
    write(tmp_path, ".isolint.toml", '[rules.MNT002]\nsockets = "/run/x.sock"\n')
    assert main(["check", str(tmp_path)]) == 2
    assert "expected list" in capsys.readouterr().err
    write(tmp_path, ".isolint.toml", '[rules.PRV999]\nseverity = "low"\n')
    assert main(["check", str(tmp_path)]) == 2
    assert "unknown configuration key 'rules.PRV999': no such rule" in capsys.readouterr().err


def test_rule_option_reaches_the_rule(capsys, tmp_path):
    write(tmp_path, "pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: agent}
        spec:
          containers:
            - name: agent
              image: registry.example/agent:1.2
              volumeMounts: [{name: s, mountPath: /run/x.sock}]
          volumes:
            - name: s
              hostPath: {path: /run/custom-runtime.sock}
        """)
    _, before = run_json(capsys, "--select", "MNT002", str(tmp_path))
    write(tmp_path, ".isolint.toml", '[rules.runtime-socket-mounted]\nsockets = ["/run/custom-runtime.sock"]\n')
    _, after = run_json(capsys, "--select", "MNT002", str(tmp_path))
    assert codes(before) == [] and codes(after) == ["MNT002"]


def test_per_path_ignores_are_relative_to_the_config(capsys, tmp_path):
    write(tmp_path, ".isolint.toml", '[per-path-ignores]\n"labs/**" = ["PRV001"]\n"*.json" = ["NS"]\n')
    write(tmp_path, "labs/a/pod.yaml", PRIVILEGED_HOST_PID)
    write(tmp_path, "prod/pod.yaml", PRIVILEGED_HOST_PID)
    _, doc = run_json(capsys, "--select", "PRV001,NS002", str(tmp_path))
    assert sorted((f["path"].split("/")[-2], f["rule"]) for f in doc["findings"]) == [
        ("a", "NS002"), ("prod", "NS002"), ("prod", "PRV001")]


def test_select_ignore_profile_and_cli_extension(capsys, tmp_path):
    write(tmp_path, ".isolint.yaml", "select: [PRV001, NS002]\nignore: [NS002]\n")
    write(tmp_path, "pod.yaml", PRIVILEGED_HOST_PID)
    _, doc = run_json(capsys, str(tmp_path))
    assert codes(doc) == ["PRV001"]
    _, doc = run_json(capsys, "--ignore", "PRV001", str(tmp_path))
    assert codes(doc) == []  # CLI --ignore adds to the file's
    _, doc = run_json(capsys, "--select", "NS", "--config", str(tmp_path / ".isolint.yaml"), str(tmp_path))
    assert codes(doc) == []  # CLI --select replaces, the file's ignore still holds


def test_unknown_selector_in_config(capsys, tmp_path):
    write(tmp_path, ".isolint.toml", 'ignore = ["PRV9"]\n')
    assert main(["check", str(tmp_path)]) == 2
    assert "PRV9" in capsys.readouterr().err


def test_kubernetes_version_and_trust(tmp_path):
    from isolint.cli import settings_from_argv

    write(tmp_path, ".isolint.toml", 'kubernetes-version = "1.30"\nsuppressions = false\n'
          '[trust]\nuntrusted-images = ["acme/runner*"]\nextra-tenant-label-keys = ["team"]\n')
    settings = settings_from_argv(["check", str(tmp_path)])
    assert settings.kubernetes_version == (1, 30) and settings.suppressions is False
    assert settings.trust == {"untrusted_images": ["acme/runner*"], "extra_tenant_label_keys": ["team"]}


def test_every_trust_setting_is_configurable():
    from isolint.trust import DEFAULTS

    trust = schema()["properties"]["trust"]["properties"]
    assert {k.replace("_", "-") for k in DEFAULTS} <= set(trust)


def test_baseline_path_is_relative_to_the_config(capsys, tmp_path):
    write(tmp_path, "pod.yaml", PRIVILEGED_HOST_PID)
    write(tmp_path, ".isolint.toml", 'select = ["PRV001"]\nbaseline = "ci/baseline.json"\n')
    (tmp_path / "ci").mkdir()
    assert main(["baseline", str(tmp_path)]) == 0
    recorded = json.loads((tmp_path / "ci" / "baseline.json").read_text())
    assert [f["rule"] for f in recorded["findings"]] == ["PRV001"]
    code, doc = run_json(capsys, str(tmp_path))
    assert code == 0 and found(doc) == []


def test_yaml_config_alias_bomb_is_refused_not_expanded(tmp_path):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    (tmp_path / ".isolint.yaml").write_text("\n".join(lines) + "\nselect: *a8\n")
    with pytest.raises(ConfigError) as info:
        read_config(str(tmp_path / ".isolint.yaml"))
    assert ".isolint.yaml" in str(info.value)
