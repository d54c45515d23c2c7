"""A pull request is hostile (docs/security.md): what it can make isolint read, print and do.

A test repository holds links out of it, each pointing at a file (or folder) outside that holds
``MARKER_FILE``, and a Compose file interpolating a variable set in the environment to
``MARKER_ENV``. No byte of either marker may come out, in any output format, through the CLI or
through pre-commit; each link is reported once, by its own name; the run says it is incomplete
(exit 1, as for any file that could not be read).

To add a case (a link inside a kustomization ...): append a :class:`LinkOut` to ``LINKS_OUT`` and,
if a file of the repository must name it, add that file to ``REPOSITORY``. A chart holding a link out
is not rendered: one more error, on its Chart.yaml, says why (it names the link, never the target).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from isolint.cli import main

from .cli_helpers import write

MARKER_FILE = "MARKER-0f1a-OUTSIDE"  # in every file outside the repository
MARKER_ENV = "MARKER-9c2e-ENVIRON"  # the value of a variable of the process environment
SECRET_VAR = "ISOLINT_TEST_SECRET"
OUTSIDE_MESSAGE = "points outside the repository: not read"


@dataclass(frozen=True)
class LinkOut:
    name: str  # the link, relative to the repository
    target: str  # what it points at, relative to the folder outside
    reported: bool = True  # False: isolint never opens it (so it has nothing to report)


LINKS_OUT = [
    LinkOut("Dockerfile.leak", "passwd"),  # a Dockerfile name: every line an unknown instruction
    LinkOut("docker-compose.leak.yml", "compose.yaml"),  # a Compose name
    LinkOut("k8s/deploy.yaml", "manifest.yaml"),  # a manifest name
    LinkOut("shared", "folder"),  # a directory
    LinkOut("app/.env", "dotenv"),  # the project's .env, read for interpolation
    LinkOut("app/base.compose", "compose.yaml"),  # a Compose extends file
    LinkOut("app/build.Dockerfile", "passwd"),  # a Compose build Dockerfile (walked too: reported once)
    LinkOut("app/secret.env", "dotenv", reported=False),  # a service env_file: never opened by isolint
    LinkOut("app/.gitignore", "passwd"),  # read by the walk
    LinkOut("chart/templates/leak.yaml", "manifest.yaml"),  # a chart's template
    LinkOut("values-chart/values.yaml", "dotenv"),  # a chart's values (that chart is not rendered)
    LinkOut("overlay/leak.yaml", "manifest.yaml"),  # a kustomization's resource
    LinkOut("overlay/patch.yaml", "manifest.yaml"),  # a kustomization's patch
]

OUTSIDE = {
    "passwd": f"root:x:0:0:{MARKER_FILE}:/root:/bin/bash\napi_key={MARKER_FILE}\n",
    "compose.yaml": f"# {MARKER_FILE}\nservices:\n  leak:\n    image: {MARKER_FILE}\n    privileged: true\n"
                    f"    volumes: ['/{MARKER_FILE}:/x']\n",
    "manifest.yaml": f"# api_key={MARKER_FILE}\napiVersion: v1\nkind: Pod\nmetadata: {{name: {MARKER_FILE}}}\n"
                     f"spec:\n  containers:\n    - name: a\n      image: {MARKER_FILE}\n"
                     "      securityContext: {privileged: true}\n",
    "dotenv": f"LEAKVAR={MARKER_FILE}\n{SECRET_VAR}={MARKER_FILE}\n",
    "folder/Dockerfile": f"FROM {MARKER_FILE}\n{MARKER_FILE}\n",
    "folder/pod.yaml": f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {MARKER_FILE}}}\n",
}

REPOSITORY = {
    "app/compose.yaml": f"""
        services:
          web:
            image: "x:${{{SECRET_VAR}}}"
            volumes: ["/${{{SECRET_VAR}}}:/data", "/${{LEAKVAR:-srv}}:/cache"]
            env_file: secret.env
            build: {{context: ., dockerfile: build.Dockerfile}}
          child:
            extends: {{file: base.compose, service: leak}}
        """,
    "chart/Chart.yaml": "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
    "chart/templates/pod.yaml": """
        apiVersion: v1
        kind: Pod
        metadata: {name: charted}
        spec:
          containers:
            - {name: a, image: busybox, securityContext: {privileged: true}}
        """,
    "values-chart/Chart.yaml": "apiVersion: v2\nname: values-chart\nversion: 0.1.0\n",
    "overlay/kustomization.yaml": """
        resources: [leak.yaml, pod.yaml]
        patches:
          - path: patch.yaml
        """,
    "overlay/pod.yaml": """
        apiVersion: v1
        kind: Pod
        metadata: {name: overlaid}
        spec:
          containers:
            - {name: a, image: busybox}
        """,
    "k8s/pod.yaml": """
        apiVersion: v1
        kind: Pod
        metadata: {name: inside}
        spec:
          containers:
            - {name: a, image: busybox, securityContext: {privileged: true}}
        """,
}

FORMATS = ("text", "json", "sarif", "junit", "gitlab", "github")


def build(tmp_path: Path, git: bool = False) -> Path:
    outside, repo = tmp_path / "outside", tmp_path / "repo"
    for name, text in OUTSIDE.items():
        write(outside, name, text)
    repo.mkdir()
    if git:
        _git(repo, "init", "-q")
    else:
        (repo / ".git").mkdir()
    for name, text in REPOSITORY.items():
        write(repo, name, text)
    for link in LINKS_OUT:
        (repo / link.name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(outside / link.target, repo / link.name)
    if git:
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", "hostile")
    return repo


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=repo,
                   check=True, capture_output=True)


def assert_no_marker(output: str, where: str) -> None:
    for marker in (MARKER_FILE, MARKER_ENV):
        assert marker not in output, f"{where}: {marker} leaked:\n{output}"
    for piece in (MARKER_FILE[:12], MARKER_ENV[:12], "0f1a-OUTSIDE", "9c2e-ENVIRON"):  # no part of one either
        assert piece not in output, f"{where}: part of a marker leaked:\n{output}"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(SECRET_VAR, MARKER_ENV)
    monkeypatch.setenv("LEAKVAR", MARKER_ENV)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)
    return build(tmp_path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_marker_in_any_format_and_the_run_is_incomplete(hostile: Path, capsys: pytest.CaptureFixture[str],
                                                          fmt: str) -> None:
    code, output = _run(capsys, "check", "--select", "ALL", "--format", fmt, "repo")
    assert_no_marker(output, fmt)
    assert code == 1
    for link in LINKS_OUT:  # each link named (with the message) once
        named = [line for line in output.splitlines() if link.name in line and "outside the repository" in line]
        if fmt == "text":
            assert len(named) == int(link.reported), (link, named)
    assert "k8s/pod.yaml" in output  # what is inside is still linted


def test_each_link_out_is_one_error_naming_the_link(hostile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = _run(capsys, "check", "--select", "ALL", "--format", "json", "repo")
    assert code == 1
    errors = json.JSONDecoder().raw_decode(output)[0]["errors"]  # stdout first, then the verdict on stderr
    outside = sorted(os.path.relpath(e["path"], "repo") for e in errors if e["message"] == OUTSIDE_MESSAGE)
    assert outside == sorted(link.name for link in LINKS_OUT if link.reported)
    # nothing else went wrong, but a chart or kustomization that cannot be built without what a link out holds
    assert all(e["message"] == OUTSIDE_MESSAGE
               or (e["message"].startswith(("chart ", "kustomization ")) and OUTSIDE_MESSAGE in e["message"])
               for e in errors), errors


@pytest.mark.parametrize("fmt", ("table", "markdown"))
def test_no_marker_in_the_advisor_report(hostile: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    _, output = _run(capsys, "report", "--format", fmt, "repo")
    assert_no_marker(output, f"report {fmt}")
    assert "pod.yaml" in output or "inside" in output


def test_links_named_on_the_command_line_as_pre_commit_passes_them(hostile: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    names = [f"repo/{link.name}" for link in LINKS_OUT] + [f"repo/{name}" for name in REPOSITORY]
    for fmt in FORMATS:
        code, output = _run(capsys, "check", "--select", "ALL", "--format", fmt, *names)
        assert_no_marker(output, fmt)
        assert code == 1
    _, output = _run(capsys, "check", "--select", "ALL", "--format", "json", *names)
    errors = [e for e in json.JSONDecoder().raw_decode(output)[0]["errors"] if e["message"] == OUTSIDE_MESSAGE]
    named = sorted(os.path.relpath(e["path"], "repo") for e in errors)
    # every link given by name is refused by name, once (the env_file too: it was named)
    assert named == sorted(link.name for link in LINKS_OUT)


def test_the_process_environment_opt_in_is_what_lets_a_variable_through(hostile: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    _, output = _run(capsys, "check", "--select", "ALL", "--format", "json", "--interpolate-process-env", "repo")
    assert MARKER_ENV in output  # the opt-in does what it says; hence off by default
    assert MARKER_FILE not in output


# -- pre-commit ---------------------------------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))


@pytest.mark.skipif(shutil.which("git") is None or not os.path.exists(PRE_COMMIT) or not (ROOT / ".git").exists(),
                    reason="needs git, pre-commit (the test extra installs it) and a git checkout")
def test_through_pre_commit(tmp_path: Path) -> None:
    repo = build(tmp_path, git=True)
    hook_repo = tmp_path / "isolint"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(hook_repo)], check=True, capture_output=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "home"), "NO_COLOR": "1", SECRET_VAR: MARKER_ENV,
           "LEAKVAR": MARKER_ENV}
    done = subprocess.run([PRE_COMMIT, "try-repo", str(hook_repo), "isolint", "--all-files", "--color", "never",
                           "--verbose"], cwd=repo, env=env, capture_output=True, text=True, timeout=900, check=False)
    output = done.stdout + done.stderr
    assert_no_marker(output, "pre-commit")
    assert done.returncode == 1, output
    assert "k8s/pod.yaml" in output  # it ran and linted what is inside
    # the Compose file's own links are refused by name (pre-commit passes no symlink to a `types: [file]` hook)
    for name in ("app/.env", "app/base.compose"):
        assert f"{name}: error: {OUTSIDE_MESSAGE}" in output, output


# -- no network, nothing run -----------------------------------------------------------------------
REMOTE = {
    "kustomize/kustomization.yaml": """
        resources:
          - https://github.com/example/app//deploy/base?ref=v1.0.0
          - github.com/example/other/base?ref=main
        """,
    "kustomize-components/kustomization.yaml": """
        resources: [pod.yaml]
        bases: [git@github.com:example/base.git]
        components: ["ssh://git@example.com/components.git//c"]
        """,
    "kustomize-components/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  hostPID: true\n",
    "chart/Chart.yaml": """
        apiVersion: v2
        name: app
        version: 0.1.0
        dependencies:
          - name: redis
            version: 18.0.0
            repository: https://charts.example.com/stable
          - name: db
            version: 1.0.0
            repository: oci://registry.example.com/charts
        """,
    "chart/templates/deploy.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: {{ .Release.Name }}}
        spec:
          template:
            spec:
              containers:
                - {name: a, image: "{{ .Values.image }}"}
        """,
    "compose/compose.yaml": """
        include:
          - https://example.com/compose.yaml
          - oci://registry.example.com/compose:latest
          - path: git@github.com:example/compose.git
        services:
          a:
            build: {context: "https://github.com/example/app.git#main"}
            image: busybox
        """,
    "Dockerfile": """
        FROM busybox
        ADD https://example.com/file.tar.gz /
        ADD git@github.com:example/repo.git /src
        """,
}

NETWORK_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
                  "socket.sendto", "urllib.Request", "http.client.connect")
# The audit hook sees Python's own sockets and processes; code it cannot see (a Go renderer loaded
# in-process, a child process) is caught by the proxy trap below. A renderer test adds its program
# to ALLOWED_PROGRAMS and its inputs (a chart with a dependency from a repository, a kustomization
# with a URL base) to REMOTE: both traps must stay silent.
RUN_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile", "pty.spawn")
# programs a run may start (none today; the renderers of the reach work add theirs here, with their
# arguments checked in their own tests: plug-ins, exec functions and network off)
ALLOWED_PROGRAMS: frozenset[str] = frozenset()
_events: list[tuple[str, tuple]] | None = None


def _audit(event: str, args: tuple) -> None:
    if _events is None:
        return
    if event in NETWORK_EVENTS:
        _events.append((event, args))
    elif event in RUN_EVENTS:
        program = os.path.basename(str(args[0])) if args else ""
        if program not in ALLOWED_PROGRAMS:
            _events.append((event, args))


_hooked = False


@contextmanager
def watched() -> Iterator[list[tuple[str, tuple]]]:
    """Records every attempt to reach the network or start a program while inside (an audit hook
    cannot be removed: it is installed once and armed only here)."""
    global _events, _hooked
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True
    _events = []
    try:
        yield _events
    finally:
        _events = None


def test_the_watch_sees_what_it_is_meant_to_see() -> None:
    with watched() as events:
        with suppress(OSError):
            socket.getaddrinfo("localhost", 9)
        subprocess.run([sys.executable, "-c", "pass"], check=False)
    assert [e for e, _ in events] == ["socket.getaddrinfo", "subprocess.Popen"]


@contextmanager
def proxy_trap(monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """A local listener set as every proxy: an HTTP(S) fetch by code the audit hook cannot see (a Go
    renderer in-process or in a child process honours these variables) connects to it instead."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    address = f"http://127.0.0.1:{listener.getsockname()[1]}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, address)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield listener
    finally:
        listener.close()


def _accepted(listener: socket.socket) -> int:
    count = 0
    while True:
        try:
            connection, _ = listener.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def test_a_run_on_remote_references_opens_no_socket_and_runs_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    for name, text in REMOTE.items():
        write(repo, name, text)
    with proxy_trap(monkeypatch) as listener:
        with watched() as events:
            for fmt in FORMATS:
                main(["check", "--select", "ALL", "--format", fmt, "--jobs", "1", str(repo)])
            main(["report", "--format", "markdown", str(repo)])
        capsys.readouterr()
        assert events == []
        assert _accepted(listener) == 0
    main(["check", "--format", "json", str(repo)])
    errors = {e["path"].rsplit("/", 2)[-2]: e["message"] for e in json.loads(capsys.readouterr().out)["errors"]
              if e["path"].endswith("kustomization.yaml")}  # one error per kustomization, naming its URL
    assert "https://github.com/example/app//deploy/base?ref=v1.0.0" in errors["kustomize"]
    assert "git@github.com:example/base.git" in errors["kustomize-components"]


def test_the_proxy_trap_catches_a_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    import urllib.request

    with proxy_trap(monkeypatch) as listener:
        with suppress(OSError):
            urllib.request.urlopen("http://example.invalid/", timeout=0.5)
        assert _accepted(listener) == 1


# -- a chart's templates: no environment, no name resolution ------------------------------------------
CHARTS = {
    "dns/Chart.yaml": "apiVersion: v2\nname: dns\nversion: 0.1.0\n",
    "dns/templates/pod.yaml": """
        apiVersion: v1
        kind: Pod
        metadata:
          name: dns
          annotations: {resolved: '{{ getHostByName "localhost" }}'}
        spec:
          containers:
            - name: a
              image: 'busybox:{{ getHostByName "localhost" }}'
              securityContext: {privileged: true}
        """,
    "env/Chart.yaml": "apiVersion: v2\nname: env\nversion: 0.1.0\n",
    "env/templates/pod.yaml": f"""
        apiVersion: v1
        kind: Pod
        metadata: {{name: env}}
        spec:
          containers:
            - name: a
              image: 'busybox:{{{{ env "{SECRET_VAR}" }}}}{{{{ expandenv "${SECRET_VAR}" }}}}'
        """,
}


def test_a_chart_template_reads_no_environment_and_resolves_no_name(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    for name, text in CHARTS.items():
        write(repo, name, text)
    monkeypatch.setenv(SECRET_VAR, MARKER_ENV)
    with proxy_trap(monkeypatch) as listener:
        with watched() as events:
            outputs = [_run(capsys, "check", "--select", "ALL", "--format", fmt, "--jobs", "1", str(repo))[1]
                       for fmt in FORMATS]
        assert events == [] and _accepted(listener) == 0
    rendered = {f["resource"]["name"] for f in json.JSONDecoder().raw_decode(outputs[1])[0]["findings"]}
    if "dns" not in rendered:  # the chart was rendered only if its Pod/dns has findings
        pytest.skip(f"no Helm renderer installed: {outputs[0][-300:]}")
    for output in outputs:
        assert_no_marker(output, "chart")
        assert "busybox:127.0.0.1" not in output and "busybox:::1" not in output  # getHostByName resolves nothing
