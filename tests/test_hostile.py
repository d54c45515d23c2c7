"""Hostile and broken input (issue 7): one directory holding every kind of bad file next to a
plainly privileged manifest, generated here at test time, linted by the real CLI in a
subprocess under a memory limit. The run must end, exit 1, print valid JSON, name every bad file
in ``errors`` with a message a user can act on, and still flag the privileged manifest.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

MEMORY_LIMIT = 1 << 30  # 1 GiB of address space for the whole linter process
TIMEOUT = 120  # seconds; the run takes a few, this only stops a hang from hanging the suite

PRIVILEGED_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: plainly-privileged
spec:
  containers:
    - name: app
      image: nginx
      securityContext:
        privileged: true
"""
POD_HEAD = "apiVersion: v1\nkind: Pod\nmetadata: {name: hostile}\nspec:\n"


def _alias_bomb(levels: int = 9, fan: int = 9) -> str:
    """Billion laughs: each level a list of ``fan`` aliases to the level below."""
    lines = ["  l0: &l0 [" + ", ".join(['"lol"'] * fan) + "]"]
    lines += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * fan) + "]" for i in range(1, levels)]
    return POD_HEAD + "\n".join(lines) + "\n  containers: [{name: c, image: i}]\n"


def _merge_bomb() -> str:
    """Merge keys copying a 1,000-key mapping into 1,500 mappings: 1.5 million copies."""
    big = "  big: &big {" + ", ".join(f"k{i}: {i}" for i in range(1000)) + "}\n"
    return POD_HEAD + big + "".join(f"  m{j}: {{<<: *big}}\n" for j in range(1500))


def _merge_list_bomb() -> str:
    """Merge keys through a sequence of aliases: ``<<: [*a, *b, ...]`` over large mappings."""
    maps = "".join(f"  a{i}: &a{i} {{" + ", ".join(f"k{i}_{j}: 1" for j in range(1000)) + "}\n"
                   for i in range(20))
    merges = "".join(f"  m{j}: {{<<: [" + ", ".join(f"*a{i}" for i in range(20)) + "]}\n" for j in range(60))
    return POD_HEAD + maps + merges


def _aliased_containers() -> str:
    """A sequence of 300,000 aliases to one container: tiny to write, huge to walk."""
    return (POD_HEAD + "  x: &c {name: c, image: i, securityContext: {privileged: true}}\n"
            "  containers: [" + ", ".join(["*c"] * 300_000) + "]\n")


# name -> (content, words the error message must contain)
CASES: dict[str, tuple[str | bytes, tuple[str, ...]]] = {
    "alias-bomb.yaml": (_alias_bomb(), ("excessive aliasing",)),
    "alias-bomb-deep.yaml": (_alias_bomb(levels=30, fan=2), ("excessive aliasing",)),
    "aliased-containers.yaml": (_aliased_containers(), ("excessive aliasing",)),
    "merge-bomb.yaml": (_merge_bomb(), ("merge keys", "bomb")),
    "merge-list-bomb.yaml": (_merge_list_bomb(), ("merge keys", "bomb")),
    "recursive-alias.yaml": (POD_HEAD + "  x: &s {containers: [{name: c, image: i}], self: *s}\n",
                             ("recursive alias",)),
    "deep-flow-seq.yaml": (POD_HEAD + "  x: " + "[" * 300_000 + "]" * 300_000 + "\n", ("nesting deeper",)),
    "deep-flow-map.yaml": (POD_HEAD + "  x: " + "{a: " * 200_000 + "1" + "}" * 200_000 + "\n",
                           ("nesting deeper",)),
    "deep-block-seq.yaml": (POD_HEAD + "  x:\n    " + "- " * 200_000 + "x\n", ("nesting deeper",)),
    "deep-block-map.yaml": (POD_HEAD + "".join(" " * (i + 2) + "a:\n" for i in range(1500)) + " " * 1502 + "b\n",
                            ("nesting deeper",)),
    "deep-explicit-keys.yaml": (POD_HEAD + "  x:\n    " + "? " * 200_000 + "x\n", ("nesting deeper",)),
    # a manifest by its first lines, then binary (binary that is no manifest is not ours: test_not_ours)
    "binary.yaml": (b"apiVersion: v1\nkind: Pod\n" + bytes(range(256)) * 40, ("binary",)),
    "latin1.yaml": ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf\xe9\n".encode("latin-1"), ("UTF-8", "0xe9")),
    "tabs.yaml": ("apiVersion: v1\nkind: Pod\nmetadata:\n\tname: tabbed\n", ("tab", "spaces")),
    "duplicate-keys.yaml": (PRIVILEGED_POD.replace("spec:\n", "spec:\n  hostPID: false\n  hostPID: true\n"),
                            ("duplicate key 'hostPID'",)),
    "wrong-types.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  template:\n    spec:\n"
        "      containers:\n        app: {image: x}\n"
        "---\nkind: Pod\napiVersion: v1\nmetadata: {name: w2}\nspec:\n  securityContext: [runAsUser, 0]\n"
        "  containers:\n    - null\n    - name: c\n      image: x\n"
        "      securityContext: {privileged: yes-please, capabilities: {add: SYS_ADMIN}}\n"
        "    - name: still-judged\n      image: x\n      securityContext: {privileged: true}\n"
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: w3}\nspec: just a string\n",
        ("invalid manifest", "containers: expected a list", "securityContext: expected a mapping",
         "containers[0]", "privileged: expected true or false", "add: expected a list", "Pod.spec: expected")),
    "compose-wrong-types.yaml": ("services:\n  web:\n    image: x\n    cap_add: SYS_ADMIN\n"
                                 "    privileged: yes-please\n", ("invalid Compose file", "cap_add")),
    "compose-null.yaml": ("services: null\n", ("invalid Compose file", "services")),
    "helm.yaml": ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n"
                  "{{- if .Values.replicas }}\n  replicas: {{ .Values.replicas }}\n{{- end }}\n",
                  ("helm template", "render it first")),
    "jinja.yaml": ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n{% if debug %}\nspec: {}\n{% endif %}\n",
                   ("render it first",)),
    "noargs.Dockerfile": ("FROM\nRUN\nUSER\n", ("requires at least one argument",)),
    "unknown.Dockerfile": ("FROM alpine\nFOO bar\n", ("unknown instruction",)),
    "heredoc.Dockerfile": ("FROM alpine\nRUN <<EOF\necho never closed\n", ("heredoc",)),
    "too-large.yaml": (POD_HEAD + "  x: " + "y" * (11 * 1024 * 1024) + "\n", ("larger than", "--max-file-size")),
    "dangling.yaml": ("@symlink missing-target.yaml", ("broken symlink",)),
    "loop-a.yaml": ("@symlink loop-b.yaml", ("symlink loop",)),
    "loop-b.yaml": ("@symlink loop-a.yaml", ("symlink loop",)),
    "fifo.yaml": ("@fifo", ("FIFO", "never opened")),
    "socket.yaml": ("@socket", ("socket", "never opened")),
    "device.yaml": ("@symlink /dev/zero", ("outside the repository", "not read")),
}

# files that are odd but valid: read without an error, their findings kept
VALID: dict[str, str | bytes] = {
    "utf8-bom.yaml": ("\ufeff" + PRIVILEGED_POD.replace("plainly-privileged", "bom8")).encode("utf-8"),
    "utf16-bom.yaml": ("\ufeff" + PRIVILEGED_POD.replace("plainly-privileged", "bom16")).encode("utf-16-le"),
    "empty.yaml": "",
    "only-dashes.yaml": "---\n---\n---\n",
    "tab-indented.json": '{\n\t"apiVersion": "v1",\n\t"kind": "Pod",\n\t"metadata": {"name": "json-tabs"},\n'
                         '\t"spec": {"containers": [{"name": "c", "image": "i",'
                         ' "securityContext": {"privileged": true}}]}\n}\n\t\n',
    "many-documents.yaml": "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n" * 50_000,
    "long-continuation.Dockerfile": "FROM alpine\nRUN echo \\\n" + "  a \\\n" * 100_000 + "  end\n",
    "backtick-escape.Dockerfile": "# escape=`\nFROM mcr.microsoft.com/windows/servercore\n"
                                  "RUN dir `\n  c:\\\nUSER ContainerAdministrator\n",
    "terminal-control.yaml": 'apiVersion: v1\nkind: Pod\nmetadata: {name: "evil\\e[31mred"}\nspec:\n  containers:\n'
                             '  - name: "c\\e]0;pwned\\a"\n    image: x\n    securityContext: {privileged: true}\n',
}
# valid files that must still be flagged as privileged (resource name -> file)
PRIVILEGED = {"plainly-privileged": "privileged.yaml", "bom8": "utf8-bom.yaml", "bom16": "utf16-bom.yaml",
              "json-tabs": "tab-indented.json", "evil\x1b[31mred": "terminal-control.yaml",
              "w2": "wrong-types.yaml"}


def _write(directory: Path, name: str, content: str | bytes) -> None:
    path = directory / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content.startswith("@symlink "):
        os.symlink(content.split(" ", 1)[1], path)
    elif content == "@fifo":
        os.mkfifo(path)
    elif content == "@socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()  # the socket file stays
    else:
        path.write_text(content, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("hostile")
    _write(directory, "privileged.yaml", PRIVILEGED_POD)
    for name, (content, _) in CASES.items():
        _write(directory, name, content)
    for name, content in VALID.items():
        _write(directory, name, content)
    return directory


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _isolint(*args: str, preexec: Callable[[], None] | None = _limit_memory) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "import sys; from isolint.cli import main; sys.exit(main())", *args]
    return subprocess.run(command, capture_output=True, text=True,
                          timeout=TIMEOUT, preexec_fn=preexec, check=False, env={**os.environ, "NO_COLOR": "1"})


@pytest.fixture(scope="module")
def report(hostile_dir: Path) -> dict:
    done = _isolint("check", "--format", "json", "--no-gitignore", str(hostile_dir))
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return json.loads(done.stdout)


def _errors_by_file(report: dict, directory: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in report["errors"]:
        out.setdefault(os.path.relpath(error["path"], directory), []).append(error["message"])
    return out


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_bad_file_is_an_error_with_an_actionable_message(report: dict, hostile_dir: Path, name: str):
    errors = _errors_by_file(report, hostile_dir)
    assert name in errors, f"{name} not reported; errors for: {sorted(errors)}"
    text = " | ".join(errors[name])
    for word in CASES[name][1]:
        assert word in text, f"{name}: {word!r} not in {text!r}"


def test_odd_but_valid_files_are_read_without_error(report: dict, hostile_dir: Path):
    errors = _errors_by_file(report, hostile_dir)
    assert not {name: errors[name] for name in VALID if name in errors}


def test_the_privileged_manifests_are_still_flagged(report: dict, hostile_dir: Path):
    flagged = {(f["resource"]["name"], os.path.relpath(f["path"], hostile_dir))
               for f in report["findings"] if f["rule"] == "PRV001"}
    assert set(PRIVILEGED.items()) <= flagged


def test_nothing_but_the_listed_files_has_errors(report: dict, hostile_dir: Path):
    errors = _errors_by_file(report, hostile_dir)
    assert set(errors) <= set(CASES) | {"wrong-types.yaml"}, sorted(set(errors) - set(CASES))


def test_text_output_escapes_terminal_control_characters(hostile_dir: Path):
    done = _isolint("check", "--select", "PRV001", "--color", "always", str(hostile_dir / "terminal-control.yaml"))
    assert done.returncode == 1
    assert "\x07" not in done.stdout and "\x1b]" not in done.stdout and "\x1b[31mred" not in done.stdout
    assert "c\\x1b]0;pwned\\x07" in done.stdout  # shown escaped, not obeyed (the container's name)
    assert "\x1b[1;31mPRV001" in done.stdout  # the linter's own colours survive


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_files_and_directories_are_errors(tmp_path: Path):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "pod.yaml").write_text(PRIVILEGED_POD)
    (tmp_path / "secret.yaml").write_text(PRIVILEGED_POD)
    os.chmod(tmp_path / "locked", 0)
    os.chmod(tmp_path / "secret.yaml", 0)
    try:
        done = _isolint("check", "--format", "json", str(tmp_path))
    finally:
        os.chmod(tmp_path / "locked", 0o755)
    errors = _errors_by_file(json.loads(done.stdout), tmp_path)
    assert done.returncode == 1
    assert "Permission denied" in " ".join(errors["locked"]) and "Permission denied" in " ".join(errors["secret.yaml"])


def test_max_file_size_is_configurable(tmp_path: Path):
    (tmp_path / "pod.yaml").write_text(PRIVILEGED_POD)
    done = _isolint("check", "--format", "json", "--max-file-size", "100", str(tmp_path))
    [error] = json.loads(done.stdout)["errors"]
    assert done.returncode == 1 and "larger than the 100 bytes limit" in error["message"]
    done = _isolint("check", "--format", "json", "--max-file-size", str(len(PRIVILEGED_POD)), str(tmp_path))
    assert not json.loads(done.stdout)["errors"]
