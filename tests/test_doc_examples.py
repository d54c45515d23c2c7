"""Each rule's documentation is tested like a fixture: every block of its *Example* section is
flagged by the rule, and no block of its *Use instead* section is.

Blocks are written as a reader wants them: a Dockerfile, a Compose file, a Kubernetes object, or
the part of a pod that matters. A Kubernetes fragment is completed into a Pod by where its first
key lives: a pod spec key (``containers:``, ``hostPID:``) goes under ``spec``, a container key
(``securityContext:``, ``volumeMounts:``) into a container named ``app`` (a ``securityContext``
holding only pod-level keys such as ``sysctls`` goes under ``spec``), ``metadata:``/``spec:`` into
the Pod itself, ``template:`` into a Deployment.
"""

from __future__ import annotations

import re
import textwrap

import pytest
import yaml

from isolint.cli import settings_from_argv
from isolint.registry import load_rules
from isolint.runner import run

RULES = load_rules(plugins=False).rules
BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.S)
POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: example\n"
IMAGE = "registry.example/app:1.0@sha256:" + "0" * 64
CONTAINER_KEYS = {"securityContext", "volumeMounts", "ports", "livenessProbe", "readinessProbe", "startupProbe",
                  "image", "resources", "command", "args", "env", "lifecycle", "name"}
POD_ONLY_SECURITY = re.compile(r"^\s+(sysctls|fsGroup|fsGroupChangePolicy|supplementalGroups|seLinuxChangePolicy):",
                               re.M)


def section(doc: str, title: str) -> str:
    start = doc.find(title)
    end = doc.find("\n## ", start + len(title))
    return doc[start:end if end >= 0 else None]


def blocks(rule, title):
    return [(lang, text) for lang, text in BLOCK.findall(section(rule.doc, title))]


def as_file(lang: str, text: str) -> tuple[str, str]:
    """A file name and text that lint the way the block reads."""
    if lang == "dockerfile":
        return "Dockerfile", text
    first = next(line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    key = first.split(":", 1)[0].strip()
    if key == "services":
        return "compose.yaml", text
    if key in ("apiVersion", "kind"):
        return "example.yaml", text
    if key == "template":
        if "containers:" not in text:  # the block shows the template's metadata or pod-level settings
            doc = yaml.safe_load(text)
            doc["template"].setdefault("spec", {})["containers"] = [{"name": "app", "image": IMAGE}]
            text = yaml.safe_dump(doc, sort_keys=False)
        return "example.yaml", ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: example\nspec:\n"
                                + textwrap.indent(text, "  "))
    if key in ("metadata", "spec"):
        text = text if key == "metadata" or "metadata:" in text else f"metadata:\n  name: example\n{text}"
        return "example.yaml", "apiVersion: v1\nkind: Pod\n" + text + _default_containers(text)
    if key in CONTAINER_KEYS and not (key == "securityContext" and POD_ONLY_SECURITY.search(text)):
        container = f"- name: app\n  image: {IMAGE}\n" + textwrap.indent(text, "  ")
        return "example.yaml", POD + "spec:\n  containers:\n" + textwrap.indent(container, "    ")
    body = text if "containers:" in text else f"containers:\n  - name: app\n    image: {IMAGE}\n{text}"
    return "example.yaml", POD + "spec:\n" + textwrap.indent(body, "  ")


def _default_containers(text: str) -> str:
    if "spec:" in text:
        return ""
    return f"spec:\n  containers:\n    - name: app\n      image: {IMAGE}\n"


def findings(rule, lang, text, tmp_path):
    name, content = as_file(lang, text)
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    select = "ALL" if rule.code.startswith("SUP") else rule.code  # a suppression is judged against rules that ran
    result = run([str(path)], settings_from_argv(["check", "--select", select, str(path)]))
    return [d for d in result.diagnostics if d.rule == rule.code], result.errors, content


CASES = [(rule, title, index, lang, text) for rule in RULES for title in ("## Example", "## Use instead")
         for index, (lang, text) in enumerate(blocks(rule, title))]


@pytest.mark.parametrize(("rule", "title", "index", "lang", "text"), CASES,
                         ids=[f"{c[0].code}-{'example' if 'Example' in c[1] else 'use-instead'}-{c[2]}" for c in CASES])
def test_documented_example(rule, title, index, lang, text, tmp_path):
    found, errors, content = findings(rule, lang, text, tmp_path)
    assert not errors, [e.message for e in errors]
    if title == "## Example":
        assert found, f"{rule.code}'s Example is not flagged:\n{content}"
    else:
        assert not found, f"{rule.code}'s Use instead is flagged: {[d.message for d in found]}\n{content}"


def test_every_rule_documents_an_example_block():
    assert not [rule.code for rule in RULES if not blocks(rule, "## Example")]
