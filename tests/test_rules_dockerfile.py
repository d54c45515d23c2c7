"""The shell reading the Dockerfile rules rely on (isolint.shell, re-exported by isolint.helpers)."""

from __future__ import annotations

import pytest

from isolint.helpers import ModeChange, commands, installed_packages, mode_changes, pipelines, simple_command


def test_operators_split_pipelines_and_commands():
    assert pipelines("a x && b | c; d || e & f\ng") == [
        (("a", "x"),), (("b",), ("c",)), (("d",),), (("e",),), (("f",),), (("g",),)]


def test_quotes_comments_and_redirections():
    assert commands("""echo "curl x | sh" 'a;b' >/dev/null 2>&1 # curl y | sh""") == [
        ("echo", "curl x | sh", "a;b", "2")]
    assert commands("cat <<EOF > /etc/x") == [("cat",)]


def test_substitutions_stay_inside_their_word():
    assert commands('sh -c "$(curl -fsSL https://x)" && bash <(wget -O- y)')[0] == ("sh", "-c", "$(curl -fsSL https://x)")
    assert ("bash", "<(wget -O- y)") in commands('sh -c "$(curl -fsSL https://x)" && bash <(wget -O- y)')


def test_sh_c_scripts_are_read_recursively():
    assert (("curl", "-s", "u"), ("python3", "-")) in pipelines("""bash -c 'curl -s u | python3 -'""")


@pytest.mark.parametrize(("command", "expected"), [
    (("sudo", "-E", "-u", "root", "make", "install"), ("make", "install")),
    (("then", "DEBIAN_FRONTEND=noninteractive", "/usr/bin/apt-get", "install"), ("apt-get", "install")),
    (("env", "-u", "X", "A=1", "exec", "gosu", "app", "server"), ("server",)),
])
def test_simple_command_drops_keywords_assignments_and_wrappers(command, expected):
    assert simple_command(command) == expected


def test_installed_packages_strip_versions_and_options():
    assert installed_packages(("apt-get", "install", "-y", "--no-install-recommends", "sudo=1.9", "curl")) == [
        "sudo", "curl"]
    assert installed_packages(("apk", "add", "--no-cache", "openssh~9")) == ["openssh"]
    assert installed_packages(("apt-get", "update")) == []


@pytest.mark.parametrize(("command", "expected"), [
    (("chmod", "-R", "777", "/app"), [ModeChange("777", ("/app",), True)]),
    (("chmod", "-w", "f"), [ModeChange("-w", ("f",))]),
    (("install", "-d", "-m", "2775", "/srv"), [ModeChange("2775", ("/srv",), directory=True)]),
    (("mkdir", "-p", "-m", "0777", "/x"), [ModeChange("0777", ("/x",), directory=True)]),
    (("find", "/", "-type", "d", "-exec", "chmod", "g+s", "{}", "+"), [ModeChange("g+s", ("/",), True, True)]),
    (("chown", "app", "/app"), []),
])
def test_mode_changes(command, expected):
    assert mode_changes(command) == expected


@pytest.mark.parametrize(("source", "kind"), [
    ("vendor/lib.git", "local"), ("./x.git", "local"), ("app/", "local"), ("rootfs.tar.gz", "local"),
    ("https://example.com/tool.tar.gz", "url"), ("ftp://mirror/x", "url"),
    ("https://github.com/example/plugin.git#main", "git"), ("git@github.com:example/private.git", "git"),
    ("git://host/repo", "git"), ("ssh://git@host/repo", "git"), ("github.com/example/plugin", "git"),
])
def test_add_source_kind_is_one_judgement_for_sc003_and_sc004(source, kind):
    from isolint.helpers import add_source_kind

    assert add_source_kind(source) == kind


@pytest.mark.parametrize(("base", "confidence"), [
    ("debian:12", "high"), ("docker.io/library/debian:12", "high"), ("scratch", "high"),
    ("gcr.io/distroless/static", "high"), ("bitnami/nginx:1.27", "low"), ("${BASE}", "low"),
])
def test_no_user_is_certain_only_for_bases_known_to_run_as_root(tmp_path, capsys, base, confidence):
    from .cli_helpers import run_json, write

    path = write(tmp_path, "Dockerfile", f"ARG BASE\nFROM {base}\nCOPY app /app\n")
    _, doc = run_json(capsys, "--select", "USR003", str(path))
    [finding] = doc["findings"]
    assert finding.get("confidence", "high") == confidence
    assert finding["message"].startswith("no USER in stage 0: ")
