"""Reading one file safely: decoding, size limit, non-regular files, templates, kind detection."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from isolint import sources
from isolint.discovery import Kind
from isolint.loader import load_file
from isolint.model import Format
from isolint.sources import ReadError, decode, read_text

POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i}]\n"


@pytest.mark.parametrize("encoding,bom", [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
                                          ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-32-le", codecs.BOM_UTF32_LE)])
def test_byte_order_marks_are_decoded(encoding: str, bom: bytes):
    assert decode(bom + POD.encode(encoding)) == POD


def test_latin1_is_an_error_with_its_line():
    with pytest.raises(ReadError) as info:
        decode("a: 1\nname: caf\xe9\n".encode("latin-1"))
    assert "not valid UTF-8 (byte 0xe9)" in info.value.message and info.value.line == 2


def test_binary_is_an_error():
    with pytest.raises(ReadError, match="binary"):
        decode(b"\x7fELF\x00\x01\x02")


def test_size_limit_is_checked_before_reading(tmp_path: Path):
    path = tmp_path / "big.yaml"
    path.write_text("x" * 5000)
    with pytest.raises(ReadError, match="larger than the 4,096 bytes limit"):
        read_text(str(path), max_bytes=4096)
    assert read_text(str(path), max_bytes=5000) == "x" * 5000


def test_a_fifo_is_never_opened_for_a_blocking_read(tmp_path: Path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ReadError, match="not a regular file"):
        read_text(str(fifo))


def test_a_file_that_vanishes_before_it_is_read_is_an_error(tmp_path: Path):
    path = tmp_path / "gone.yaml"
    path.write_text(POD)
    path.unlink()
    model = load_file(str(path), Kind.YAML)
    assert [e.message for e in model.errors] == ["cannot read: No such file or directory"]


def test_an_unreadable_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(sources.os, "open", denied)
    model = load_file(str(tmp_path / "x.yaml"), Kind.YAML)
    assert model.errors[0].message == "cannot read: Permission denied"


def test_empty_and_dash_only_files_are_not_errors():
    for text in ("", "---\n", "---\n---\n...\n", "# only a comment\n"):
        assert not load_file("x.yaml", Kind.YAML, text=text).errors


def test_helm_template_that_breaks_yaml_is_a_helpful_error():
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n{{- if .Values.x }}\nspec: {}\n{{- end }}\n"
    [error] = load_file("t.yaml", Kind.YAML, text=text).errors
    assert "helm template" in error.message and error.line == 5


def test_template_that_parses_as_yaml_is_reported_and_still_judged():
    text = POD.replace("{name: p}", "{name: {{ .Release.Name }}}").replace(
        "spec:\n", "spec:\n  hostNetwork: true\n")
    model = load_file("t.yaml", Kind.YAML, text=text)
    assert [e.line for e in model.errors if "helm template" in e.message] == [3]
    assert model.workloads and model.workloads[0].host_network.value is True


def test_template_markers_as_data_are_not_errors():
    rule = ("apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\nspec:\n"
            "  groups: [{rules: [{annotations: {summary: '{{ $labels.instance }} down'}}]}]\n")
    args = POD.replace("image: i}", "image: i, args: ['--format={{.Name}}']}")
    commented = POD + "# image: {{ .Values.image }}\n"
    for text in (rule, args, commented):
        assert not load_file("x.yaml", Kind.YAML, text=text).errors


def test_compose_with_go_template_data_is_not_a_template():
    text = ("services:\n  web:\n    image: nginx\n    healthcheck:\n"
            "      test: [\"CMD\", \"docker\", \"inspect\", \"--format\", \"{{.State.Health.Status}}\"]\n")
    model = load_file("compose.yaml", Kind.COMPOSE, text=text)
    assert model.format is Format.COMPOSE and not model.errors


def test_jinja_compose_file_is_a_template_error():
    text = "services:\n  web:\n    image: {{ image }}\n{% if debug %}\n    privileged: true\n{% endif %}\n"
    [error] = load_file("docker-compose.yml", Kind.COMPOSE, text=text).errors
    assert "render it first" in error.message


def test_other_broken_yaml_is_not_ours():
    model = load_file("ci.yaml", Kind.YAML, text="steps:\n  - run: [\n")
    assert model.format is None and not model.errors


def test_a_json_stream_of_manifests_is_read():
    text = '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}, "spec": {"containers": []}}\n' \
           '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b"}, "spec": {"containers": []}}\n'
    model = load_file("pods.json", Kind.YAML, text=text)
    assert [(w.resource.name, w.loc.line) for w in model.workloads] == [("a", 1), ("b", 2)]
