"""Tests for the Compose parser's project (``isolint.parsers.compose.project``): documents, structural
errors, ``.env``, ``extends``, discovery, the project boundary."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from isolint.model import FileModel, Format, Location, Value
from isolint.parsers.compose import looks_like_compose, parse_compose
from isolint.parsers.compose.interpolation import read_dotenv
from isolint.yamlsource import load_all

from .compose_helpers import PATH, at, container, messages, parse, parse_file, service, write


# -- basics ----------------------------------------------------------------------------------
def test_service_becomes_workload_with_one_container() -> None:
    model = parse("""
        services:
          web:
            image: nginx:1.25
        """)
    assert model.format is Format.COMPOSE
    assert model.errors == []
    web = service(model, "web")
    assert web.format is Format.COMPOSE
    assert (web.resource.kind, web.resource.name) == ("ComposeService", "web")
    assert at(web) == (2, 3)
    assert web.path == PATH
    (c,) = web.containers
    assert c.name == Value("web", Location(PATH, 2, 3))
    assert c.image is not None and c.image.value == "nginx:1.25" and at(c.image) == (3, 5)
    assert c.security.loc == Location(PATH, 2, 3)


def test_lines_kept_and_source_lines_span_each_service() -> None:
    text = """
        services:
          a:
            image: x
            privileged: true

          # about b
          b:
            image: y
        volumes:
          data: {}
        """
    model = parse(text)
    assert model.lines == tuple(dedent(text).lstrip("\n").splitlines())
    assert service(model, "a").source_lines == (2, 4)
    assert service(model, "b").source_lines == (7, 8)


def test_x_top_level_keys_are_not_services_and_anchor_location_is_kept() -> None:
    model = parse("""
        x-priv: &p {privileged: true}
        x-caps: &caps [SYS_ADMIN]
        services:
          app:
            <<: *p
            image: x
            cap_add: *caps
        """)
    assert [w.resource.name for w in model.workloads] == ["app"]
    sec = container(model, "app").security
    assert sec.privileged is not None and sec.privileged.value is True
    assert at(sec.privileged) == (1, 13)  # the line of privileged: true inside the anchor
    assert [(v.value, at(v)) for v in sec.capabilities_add] == [("SYS_ADMIN", (2, 16))]


def test_explicit_key_wins_over_merged_key() -> None:
    model = parse("""
        x-base: &base
          privileged: true
        services:
          a:
            <<: *base
            privileged: false
        """)
    privileged = container(model, "a").security.privileged
    assert privileged is not None and privileged.value is False and at(privileged) == (6, 5)


# -- structural errors -----------------------------------------------------------------------
def test_services_not_a_mapping_is_an_error() -> None:
    model = parse("services: [a, b]\n")
    assert model.workloads == []
    assert messages(model) == [(1, 1, "invalid Compose file: services: expected a mapping of services, got a list")]


def test_services_null_is_an_error() -> None:
    model = parse("services:\n")
    assert messages(model) == [(1, 1, "invalid Compose file: services: expected a mapping of services, got null")]


def test_bad_service_does_not_drop_the_others() -> None:
    model = parse("""
        services:
          broken: nginx
          empty:
          ok:
            image: x
            privileged: true
        """)
    assert [w.resource.name for w in model.workloads] == ["ok"]
    assert messages(model) == [
        (2, 3, "invalid Compose file: services.broken: expected a mapping, got 'nginx'"),
        (3, 3, "invalid Compose file: services.empty: expected a mapping, got null"),
    ]


def test_top_level_not_a_mapping() -> None:
    model = parse("- a\n- b\n")
    assert messages(model) == [(1, 1, "invalid Compose file: expected a mapping at the top level, got a list")]


def test_yaml_syntax_error_is_reported_with_position() -> None:
    model = parse("services:\n  web:\n    image: [unclosed\n")
    assert model.workloads == []
    assert len(model.errors) == 1
    assert model.errors[0].message.startswith("invalid Compose file: invalid YAML")
    assert model.errors[0].line is not None


def test_duplicate_keys_reported_last_value_used() -> None:
    model = parse("""
        services:
          web:
            privileged: false
            privileged: true
            deploy:
              resources:
                limits: {memory: 1g, memory: 2g}
        """)
    assert messages(model) == [
        (4, 5, "invalid Compose file: services.web.privileged: duplicate key 'privileged' "
               "(Compose rejects duplicate keys)"),
        (7, 30, "invalid Compose file: services.web.deploy.resources.limits.memory: duplicate key 'memory' "
                "(Compose rejects duplicate keys)"),
    ]
    c = container(model, "web")
    assert c.security.privileged is not None and c.security.privileged.value is True
    assert [(kv.key.value, kv.value.value) for kv in c.limits] == [("memory", "2g")]


def test_wrong_types_are_reported_and_the_rest_is_read() -> None:
    model = parse("""
        services:
          web:
            privileged: maybe
            read_only: true
            security_opt: no-new-privileges
        """)
    assert messages(model) == [
        (3, 5, "invalid Compose file: services.web.privileged: expected true or false, got 'maybe'"),
        (5, 5, "invalid Compose file: services.web.security_opt: expected a list, got 'no-new-privileges'"),
    ]
    sec = container(model, "web").security
    assert sec.privileged is None
    assert sec.read_only_root_filesystem is not None and sec.read_only_root_filesystem.value is True
    # what the lone string says is still judged
    assert sec.allow_privilege_escalation is not None and sec.allow_privilege_escalation.value is False


def test_cap_add_as_a_string_is_reported_but_still_judged() -> None:
    model = parse("""
        services:
          web:
            cap_add: SYS_ADMIN
        """)
    assert messages(model) == [(3, 5, "invalid Compose file: services.web.cap_add: expected a list, got 'SYS_ADMIN'")]
    assert [v.value for v in container(model, "web").security.capabilities_add] == ["SYS_ADMIN"]


def test_parse_never_raises_on_garbage() -> None:
    for text in ("", "\x00", ":", "services: {a: {ports: [{}], volumes: [{}], devices: [{}]}}", "[[[",
                 "services: {a: {build: {args: 5}, extends: 7, healthcheck: [], deploy: x}}"):
        model = parse_compose(PATH, text, {})
        assert isinstance(model, FileModel)


def test_dotenv_next_to_the_file_is_read_and_shell_wins(tmp_path: Path) -> None:
    write(tmp_path, ".env", """
        # comment
        PRIV=true
        export TAG="1.2 # not a comment"
        RO='${NOT_EXPANDED}'
        USER_ID=1000 # trailing comment
        """)
    path = write(tmp_path, "compose.yaml", """
        services:
          a:
            image: app:${TAG}
            privileged: ${PRIV:-false}
            user: ${USER_ID}
            labels: {raw: "${RO}"}
        """)
    model = parse_file(path, env={"USER_ID": "0"})
    c = container(model, "a")
    assert c.image is not None and (c.image.value, c.image.certain) == ("app:1.2 # not a comment", True)
    assert c.security.privileged is not None and c.security.privileged.value is True
    assert c.security.run_as_user is not None and c.security.run_as_user.value == 0
    assert service(model, "a").labels[0].value.value == "${NOT_EXPANDED}"


def test_read_dotenv_forms() -> None:
    text = 'A=1\nB="x\\ny"\nC=${A}2\nD="multi\nline"\nE\n  F = spaced  \n'
    assert read_dotenv(text, {}) == {"A": "1", "B": "x\ny", "C": "12", "D": "multi\nline", "F": "spaced"}
    assert read_dotenv("C=${A}\n", {"A": "shell"}) == {"C": "shell"}


# -- extends -----------------------------------------------------------------------------------
def test_extends_same_file() -> None:
    model = parse("""
        services:
          base:
            image: base
            privileged: true
            cap_add: [NET_ADMIN]
            environment: [A=1, B=2]
            volumes: ["/a:/data", "/logs:/logs"]
            command: ["base"]
          web:
            extends: base
            image: web
            cap_add: [SYS_ADMIN, NET_ADMIN]
            environment: {B: "3"}
            volumes: ["/b:/data"]
            command: ["web"]
          api:
            extends: {service: web}
        """)
    assert model.errors == []
    web = container(model, "web")
    assert web.image is not None and web.image.value == "web" and at(web.image) == (11, 5)
    assert web.security.privileged is not None and at(web.security.privileged) == (4, 5)
    # merged in first-appearance order; a repeated entry takes the later position
    assert [(v.value, at(v)) for v in web.security.capabilities_add] == [
        ("NET_ADMIN", (12, 26)), ("SYS_ADMIN", (12, 15))]
    assert [(kv.key.value, kv.value.value) for kv in web.env] == [("A", "1"), ("B", "3")]
    assert [(m.source.value, m.target.value) for m in web.mounts] == [  # type: ignore[union-attr]
        ("/b", "/data"), ("/logs", "/logs")]
    assert [v.value for v in web.args] == ["web"]
    api = container(model, "api")
    assert api.security.privileged is not None and api.security.privileged.value is True
    assert api.image is not None and api.image.value == "web"


def test_extends_other_file(tmp_path: Path) -> None:
    common = write(tmp_path, "common.yml", """
        services:
          hardened:
            read_only: true
            cap_drop: [ALL]
            security_opt: [no-new-privileges]
        """)
    path = write(tmp_path, "compose.yaml", """
        services:
          web:
            extends:
              file: common.yml
              service: hardened
            image: nginx
            cap_add: [NET_BIND_SERVICE]
        """)
    model = parse_file(path)
    assert model.errors == []
    sec = container(model, "web").security
    assert sec.read_only_root_filesystem is not None
    assert sec.read_only_root_filesystem.loc == Location(str(common), 3, 5)
    assert [v.value for v in sec.capabilities_drop] == ["ALL"]
    assert sec.allow_privilege_escalation is not None and sec.allow_privilege_escalation.value is False
    assert sec.allow_privilege_escalation.loc.path == str(common)
    assert [v.value for v in sec.capabilities_add] == ["NET_BIND_SERVICE"]


def test_extends_cycles_and_missing_services_are_errors(tmp_path: Path) -> None:
    model = parse("""
        services:
          a:
            extends: b
            privileged: true
          b:
            extends: a
          c:
            extends: nowhere
          d:
            extends: {service: x, file: missing.yml}
        """)
    assert [w.resource.name for w in model.workloads] == ["a", "b", "c", "d"]
    assert container(model, "a").security.privileged is not None
    texts = [m[2] for m in messages(model)]
    assert any("extends cycle through service 'a'" in t for t in texts)
    assert any("service 'nowhere' is not defined" in t for t in texts)
    assert any("cannot read /nonexistent/project/missing.yml" in t for t in texts)


# -- discovery -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("services:\n  a: {image: x}\n", True),
    ("version: '3'\nservices:\n", True),
    ("include: [other.yml]\n", True),
    ("apiVersion: v1\nkind: Service\nservices: {}\n", False),
    ("services: [a]\n", False),
    ("name: x\nvolumes: {}\n", False),
    ("- a\n", False),
])
def test_looks_like_compose(text: str, expected: bool) -> None:
    ((doc, error),) = list(load_all(text))
    assert error is None
    assert looks_like_compose(doc) is expected


def test_linked_files_outside_the_project_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("FROM evil-base\nUSER root\n")
    project = tmp_path / "repo"
    (project / ".git").mkdir(parents=True)
    (project / "deploy").mkdir()
    (project / "Dockerfile").write_text("FROM alpine:3\nUSER 10001\n")
    compose_file = project / "deploy" / "compose.yaml"
    compose_file.write_text(dedent(f"""\
        services:
          inside:
            build: {{context: .., dockerfile: Dockerfile}}
          outside:
            build: {{context: {secret.parent}, dockerfile: secret.txt}}
          escape:
            build: {{context: ../.., dockerfile: outside/secret.txt}}
        """))
    model = parse_compose(str(compose_file), compose_file.read_text(), environ={})
    images = {w.resource.name: w.image for w in model.workloads}
    assert images["inside"] is not None and images["inside"].final_stage.user.value == "10001"
    assert images["outside"] is None and images["escape"] is None


def test_extends_from_another_folder_rebases_relative_host_paths(tmp_path: Path) -> None:
    # Compose resolves a service's relative paths against the file it is written in
    write(tmp_path, "sub/common.yaml", """
        services:
          base:
            image: x
            build: {context: ./ctx, dockerfile: Dockerfile.x}
            volumes: ["./data:/data", "../up:/up", "/abs:/abs", "~/h:/h", "named:/n",
                      {type: bind, source: ./long, target: /long}]
          chained:
            extends: {file: deeper/y.yaml, service: y}
        """)
    write(tmp_path, "sub/deeper/y.yaml", "services:\n  y:\n    image: y\n    volumes: [./d:/d, ../u:/u]\n"
                                         "    build: ..\n")
    path = write(tmp_path, "compose.yaml", """
        services:
          app:
            extends: {file: sub/common.yaml, service: base}
            volumes: ["./own:/own"]
          app2:
            extends: {file: sub/common.yaml, service: chained}
        """)
    model = parse_file(path)
    assert model.errors == []
    sources = {w.resource.name: [m.source.value for m in w.containers[0].mounts if m.source] for w in model.workloads}
    assert sources["app"] == ["./sub/data", "./up", "/abs", "~/h", "named", "./sub/long", "./own"]
    assert sources["app2"] == ["./sub/deeper/d", "./sub/u"]
    assert [m.type.value for m in container(model, "app").mounts][:5] == ["bind", "bind", "bind", "bind", "volume"]
    builds = {w.resource.name: w.build.context.value for w in model.workloads if w.build and w.build.context}
    assert builds == {"app": "./sub/ctx", "app2": "./sub"}
    # positions still name the file the value was written in
    assert container(model, "app").mounts[0].loc.path == str(tmp_path / "sub" / "common.yaml")


def test_service_names_are_read_as_compose_reads_them() -> None:
    # YAML 1.1 reads `off:` as False; Compose (YAML 1.2) names the service "off"
    model = parse("services:\n  off:\n    image: x\n  yes:\n    image: x\n    network_mode: service:off\n"
                  "  web: {image: x, network_mode: host}\n")
    assert [w.resource.name for w in model.workloads] == ["off", "yes", "web"]
    assert model.errors == []


def test_lists_are_unique_within_one_file_as_compose_makes_them() -> None:
    model = parse("""
        services:
          a:
            image: x
            volumes: ["/one:/t", "/two:/t:ro", {type: bind, source: /three, target: /t, read_only: true}, "/x:/y"]
            ports: ["80:80", "127.0.0.1:80:80", "80:80"]
            devices: ["/dev/a:/dev/t", "/dev/b:/dev/t"]
        """)
    c = container(model, "a")
    assert [(m.source.value, m.target.value) for m in c.mounts if m.source and m.target] == [("/three", "/t"),
                                                                                             ("/x", "/y")]
    assert at(c.mounts[0]) == (4, 40)  # the entry that is kept, in the place of the first
    assert len(c.ports) == 2 and [d.host.value for d in c.devices if d.host] == ["/dev/b"]


def test_top_level_sections_of_the_wrong_type_are_errors() -> None:
    model = parse("services:\n  a: {image: x, secrets: [s]}\nvolumes: [a]\nsecrets: 3\n")
    assert messages(model) == [(3, 1, "invalid Compose file: volumes: expected a mapping, got a list"),
                               (4, 1, "invalid Compose file: secrets: expected a mapping, got 3")]
