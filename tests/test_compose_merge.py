"""Compose multi-file merging: the implicit override file, ``!reset``/``!override``, and ``include``.

Attribution: a base Compose file (``compose.yaml`` ...) is linted merged with the override file
Compose would merge into it; every value keeps the file it was written in, so a finding caused by
the override points into the override. An override file whose base is in the same run is not
linted again on its own; alone, it is linted as itself.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from isolint.cli import settings_from_argv
from isolint.loader import overrides_with_base
from isolint.model import FileModel, Location
from isolint.parsers.compose import parse_compose, project
from isolint.parsers.compose.files import base_file_for, override_file_for
from isolint.runner import RunResult, run

from .compose_helpers import container, parse_file, service, write
from .fixture_harness import FIXTURES

E13 = FIXTURES / "compose-merge" / "e13"


def lint(*paths: Path, args: tuple[str, ...] = ()) -> RunResult:
    return run([str(p) for p in paths], settings_from_argv(["check", "--select", "ALL", *args, *map(str, paths)]))


def found(result: RunResult) -> set[tuple[str, str, int, str]]:
    return {(d.rule, Path(d.path).name, d.location.line, d.resource.name) for d in result.diagnostics}


def merged_pair(tmp_path: Path, base: str, override: str) -> FileModel:
    write(tmp_path, "compose.override.yaml", override)
    return parse_file(write(tmp_path, "compose.yaml", base))


# -- the E13 vector, end to end ----------------------------------------------------------------------
def test_e13_reset_cap_drop_and_privileged_override_are_reported_in_the_override() -> None:
    result = lint(E13)
    findings = found(result)
    assert ("PRV001", "compose.override.yaml", 5, "web") in findings
    assert ("CAP004", "compose.yaml", 12, "api") in findings  # cap_drop: [ALL] was reset
    assert ("MNT002", "compose.override.yaml", 7, "web") in findings  # socket bind replaced the /data volume
    assert ("PRV002", "compose.override.yaml", 15, "worker") in findings
    assert ("PRV004", "compose.yaml", 18, "worker") in findings  # security_opt: !override []
    assert ("NS001", "compose.override.yaml", 18, "debug") in findings  # a service only the override defines
    assert not [f for f in findings if f[3] == "web" and f[0] in ("CAP004", "PRV004")]  # left to PRV001
    assert result.errors == []


def test_e13_override_is_linted_once_as_part_of_its_base() -> None:
    result = lint(E13)
    keys = Counter((d.rule, d.path, d.location.line, d.resource.name) for d in result.diagnostics)
    assert [k for k, n in keys.items() if n > 1] == []
    assert result.files == 2
    # named explicitly, both files: still once
    explicit = lint(E13 / "compose.yaml", E13 / "compose.override.yaml")
    assert Counter((d.rule, d.location.line, d.resource.name) for d in explicit.diagnostics) == Counter(
        (d.rule, d.location.line, d.resource.name) for d in result.diagnostics)


def test_override_alone_is_linted_as_itself() -> None:
    result = lint(E13 / "compose.override.yaml")
    findings = found(result)
    assert ("PRV001", "compose.override.yaml", 5, "web") in findings
    assert ("NS001", "compose.override.yaml", 18, "debug") in findings
    assert {f[1] for f in findings} == {"compose.override.yaml"}


def test_base_alone_still_merges_its_override() -> None:
    findings = found(lint(E13 / "compose.yaml"))
    assert ("CAP004", "compose.yaml", 12, "api") in findings  # cap_drop: [ALL] reset by the override
    # the run reports on the file named: the override's own findings are not shown (docs/architecture.md)
    assert {f[1] for f in findings} == {"compose.yaml"}


def test_merged_model_of_the_e13_vector() -> None:
    model = parse_file(E13 / "compose.yaml")
    override = str(E13 / "compose.override.yaml")
    api = container(model, "api")
    assert api.security.capabilities_drop == ()
    web = container(model, "web")
    assert web.security.privileged is not None
    assert web.security.privileged.loc == Location(override, 5, 5)
    assert [(m.type.value, m.source.value, m.target.value) for m in web.mounts] == [  # type: ignore[union-attr]
        ("bind", "/var/run/docker.sock", "/data")]
    worker = container(model, "worker")
    assert [v.value for v in worker.args] == ["sh", "-c", "exec sleep infinity"]  # replaced, not appended
    assert worker.security.allow_privilege_escalation is None
    assert [w.resource.name for w in model.workloads] == ["web", "api", "worker", "debug"]
    assert service(model, "web").loc.path == str(E13 / "compose.yaml")
    assert service(model, "debug").loc.path == override


# -- merge rules --------------------------------------------------------------------------------------
def test_sequences_are_appended_and_deduplicated(tmp_path: Path) -> None:
    model = merged_pair(tmp_path, """
        services:
          a:
            image: x
            cap_add: [NET_BIND_SERVICE]
            security_opt: [no-new-privileges]
            entrypoint: [/bin/base]
            healthcheck: {test: [CMD, base], interval: 5s}
        """, """
        services:
          a:
            cap_add: [SYS_ADMIN, NET_BIND_SERVICE]
            security_opt: ["seccomp=unconfined"]
            entrypoint: [/bin/override]
            healthcheck: {test: [CMD, override]}
        """)
    assert model.errors == []
    a = container(model, "a")
    assert [v.value for v in a.security.capabilities_add] == ["NET_BIND_SERVICE", "SYS_ADMIN"]
    add = {v.value: v.loc.path for v in a.security.capabilities_add}
    assert add["SYS_ADMIN"] == str(tmp_path / "compose.override.yaml")
    assert a.security.allow_privilege_escalation is not None and a.security.allow_privilege_escalation.value is False
    assert a.security.seccomp is not None and a.security.seccomp.type.value == "Unconfined"
    assert [v.value for v in a.command] == ["/bin/override"]
    workload = service(model, "a")
    assert workload.healthcheck is not None and workload.healthcheck.value == "CMD override"


def test_ports_are_unique_by_ip_target_published_protocol(tmp_path: Path) -> None:
    model = merged_pair(tmp_path, """
        services:
          a:
            image: x
            ports: ["127.0.0.1:8080:80", "9000:9000/udp"]
        """, """
        services:
          a:
            ports:
              - "127.0.0.1:8080:80"
              - {target: 9000, published: "9000", protocol: udp}
              - "0.0.0.0:8080:80"
        """)
    ports = [(p.host_ip.value if p.host_ip else None, p.host_port.value if p.host_port else None,
              p.container_port.value if p.container_port else None) for p in container(model, "a").ports]
    assert ports == [("127.0.0.1", 8080, 80), (None, 9000, 9000), ("0.0.0.0", 8080, 80)]
    assert all(p.loc.path.endswith("compose.override.yaml") for p in container(model, "a").ports)


def test_volumes_merge_by_target_and_long_entries_merge_key_by_key(tmp_path: Path) -> None:
    model = merged_pair(tmp_path, """
        services:
          a:
            image: x
            volumes:
              - {type: volume, source: data, target: /data, read_only: true}
              - logs:/logs
            secrets: [token]
        """, """
        services:
          a:
            volumes:
              - {type: bind, source: /srv/data, target: /data}
              - /var/log:/logs:ro
            secrets:
              - {source: other, target: /run/secrets/token}
        """)
    mounts = container(model, "a").mounts
    assert [(m.type.value, m.source.value if m.source else None, m.target.value if m.target else None,
             m.read_only.value if m.read_only else None) for m in mounts] == [
        ("bind", "/srv/data", "/data", True), ("bind", "/var/log", "/logs", True)]
    assert mounts[0].read_only is not None and mounts[0].read_only.loc.path == str(tmp_path / "compose.yaml")


def test_reset_and_override_tags(tmp_path: Path) -> None:
    model = merged_pair(tmp_path, """
        services:
          a:
            image: x
            user: "1000"
            environment: {KEEP: "1", DROP: "2"}
            ports: ["8080:80"]
            cap_drop: [ALL]
            deploy: {resources: {limits: {memory: 64M, cpus: "0.5"}}}
        """, """
        services:
          a:
            user: !reset null
            environment:
              DROP: !reset null
            ports: !override ["127.0.0.1:8443:443"]
            cap_drop: !override [NET_RAW]
            deploy: {resources: {limits: !override {memory: 1G}}}
        """)
    a = container(model, "a")
    assert a.security.run_as_user is None
    assert [kv.key.value for kv in a.env] == ["KEEP"]
    assert [(p.host_port.value, p.container_port.value) for p in a.ports] == [(8443, 443)]  # type: ignore[union-attr]
    assert [v.value for v in a.security.capabilities_drop] == ["NET_RAW"]
    assert [(kv.key.value, kv.value.value) for kv in a.limits] == [("memory", "1G")]


def test_reset_in_a_single_file_clears_the_key() -> None:
    text = "services:\n  a:\n    image: x\n    privileged: !reset true\n"
    model = parse_compose("/nonexistent/compose.yaml", text, {})
    assert model.errors == []
    assert container(model, "a").security.privileged is None


def test_override_top_level_volumes_and_extensions_are_merged(tmp_path: Path) -> None:
    model = merged_pair(tmp_path, """
        services:
          a:
            image: x
            volumes: ["data:/data"]
        volumes:
          data: {}
        """, """
        volumes:
          data:
            driver_opts: {type: none, o: bind, device: /etc}
        x-isolint:
          trust: untrusted
        """)
    (mount,) = container(model, "a").mounts
    assert mount.type.value == "bind" and mount.source is not None and mount.source.value == "/etc"
    assert ("x-isolint.trust", "untrusted") in [(kv.key.value, kv.value.value) for kv in service(model, "a").extensions]


def test_override_extends_its_own_services_and_the_base_file_services(tmp_path: Path) -> None:
    model = merged_pair(tmp_path, """
        services:
          hardened:
            image: x
            cap_drop: [ALL]
          app:
            image: y
        """, """
        services:
          privileged-base:
            image: z
            privileged: true
          app:
            extends: privileged-base
          tool:
            extends: hardened
        """)
    assert model.errors == []
    app = container(model, "app")
    assert app.security.privileged is not None and app.security.privileged.value is True
    assert app.image is not None and app.image.value == "z"  # extends is resolved in the override, then merged
    tool = container(model, "tool")
    assert [v.value for v in tool.security.capabilities_drop] == ["ALL"]


def test_an_empty_service_in_the_override_changes_nothing(tmp_path: Path) -> None:
    model = merged_pair(tmp_path, "services:\n  a: {image: x, privileged: true}\n", "services:\n  a:\n")
    assert container(model, "a").security.privileged is not None
    # the schema wants a mapping: reported where it is written, as for a single file
    assert [(e.path, e.line) for e in model.errors] == [(str(tmp_path / "compose.override.yaml"), 2)]


def test_override_is_interpolated_with_the_project_environment(tmp_path: Path) -> None:
    write(tmp_path, ".env", "PRIV=true\n")
    model = merged_pair(tmp_path, "services:\n  a: {image: x}\n", "services:\n  a: {privileged: '${PRIV}'}\n")
    privileged = container(model, "a").security.privileged
    assert privileged is not None and privileged.value is True and privileged.text == "${PRIV}"


def test_broken_override_is_an_error_in_the_override_and_the_base_is_still_read(tmp_path: Path) -> None:
    model = merged_pair(tmp_path, "services:\n  a: {image: x, privileged: true}\n", "services:\n  a: [\n")
    assert [w.resource.name for w in model.workloads] == ["a"]
    assert [e.path for e in model.errors] == [str(tmp_path / "compose.override.yaml")]


def test_duplicate_keys_in_the_override_are_reported_there(tmp_path: Path) -> None:
    model = merged_pair(tmp_path, "services:\n  a: {image: x}\n", "services:\n  a:\n    user: a\n    user: b\n")
    assert [(e.path, e.line) for e in model.errors] == [(str(tmp_path / "compose.override.yaml"), 4)]


# -- which files pair up -------------------------------------------------------------------------------
def test_only_compose_default_names_pair_and_the_first_found_wins(tmp_path: Path) -> None:
    for name in ("compose.yaml", "docker-compose.yml", "compose.override.yml", "compose.override.yaml",
                 "compose.prod.yaml"):
        write(tmp_path, name, "services: {}\n")
    d = str(tmp_path)
    assert override_file_for(f"{d}/compose.yaml") == f"{d}/compose.override.yml"
    assert override_file_for(f"{d}/docker-compose.yml") is None  # compose.yaml is the project file
    assert override_file_for(f"{d}/compose.prod.yaml") is None
    assert base_file_for(f"{d}/compose.override.yml") == f"{d}/compose.yaml"
    assert base_file_for(f"{d}/compose.override.yaml") is None  # compose.override.yml wins
    assert base_file_for(f"{d}/compose.prod.yaml") is None
    assert overrides_with_base([f"{d}/compose.override.yml", f"{d}/compose.yaml", f"{d}/compose.prod.yaml"]) == {
        f"{d}/compose.override.yml"}
    assert overrides_with_base([f"{d}/compose.override.yml"]) == set()


def test_docker_compose_names_pair_too(tmp_path: Path) -> None:
    write(tmp_path, "docker-compose.override.yml", "services:\n  a: {privileged: true}\n")
    model = parse_file(write(tmp_path, "docker-compose.yml", "services:\n  a: {image: x}\n"))
    assert container(model, "a").security.privileged is not None


def test_suppression_in_the_override_file_applies_to_the_merged_finding(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: x\n")
    write(tmp_path, "compose.override.yaml", """
        services:
          a:
            # isolint: ignore[PRV001] build agent, isolated host
            privileged: true
        """)
    result = lint(tmp_path)
    assert "PRV001" not in [d.rule for d in result.diagnostics]
    assert result.suppressed >= 1


def test_override_findings_show_a_code_frame(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: x\n")
    write(tmp_path, "compose.override.yaml", "services:\n  a:\n    privileged: true\n")
    result = lint(tmp_path)
    override = next(m for m in result.models if m.path.endswith("compose.override.yaml"))
    assert override.workloads == [] and override.lines[2] == "    privileged: true"


# -- include ----------------------------------------------------------------------------------------
def test_include_is_never_followed_and_included_files_are_linted_where_they_lie(
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = FIXTURES / "compose-merge" / "no-override"
    reads: list[str] = []
    real = project.read_linked

    def spy(path: str, root: str, max_bytes: int) -> str | None:
        reads.append(path)
        return real(path, root, max_bytes)

    monkeypatch.setattr(project, "read_linked", spy)
    model = parse_file(root / "docker-compose.yml")
    assert model.errors == []
    assert [w.resource.name for w in model.workloads] == ["app"]
    assert not [r for r in reads if "sub" in r or "oci:" in r or "registry" in r]
    result = lint(root)
    assert ("PRV001", "compose.yaml", 4, "helper") in found(result)
    assert result.errors == []
