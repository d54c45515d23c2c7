"""The prescan replaces only documents that cannot matter, and the loader's result is the same.

Each case is loaded twice by :func:`isolint.loader.load_file` (fast and exhaustive) and the
models must be equal; some cases also pin down whether the prescan proved a document harmless.
"""

from __future__ import annotations

import pytest

from isolint import prescan
from isolint.discovery import Kind
from isolint.loader import load_file
from isolint.parsers.compose import looks_like_compose
from isolint.parsers.kubernetes import KEPT_KINDS, judged_documents, looks_like_kubernetes

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n" \
      "    securityContext:\n      privileged: true\n"
CRD = ("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x.example.com\n"
       "spec:\n  group: example.com\n  versions:\n  - name: v1\n    schema:\n      openAPIV3Schema:\n"
       "        properties:\n          template:\n            description: |-\n              *Warning:* [x\n"
       "              - not: a key\n            properties:\n              containers: {type: array}\n"
       "          other:\n            description: 'it''s: long\n              and quoted'\n")
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  run.sh: |\n    echo \"a\" && ls *\n" \
            "    [ -f x ] || exit 1\n  json: '{\"a\": [1, 2]}'\n"

CASES = {
    "crd then pod": CRD + "---\n" + POD,
    "configmap": CONFIGMAP,
    "rbac sequence at the key's indentation": "apiVersion: v1\nkind: ClusterRole\nrules:\n- verbs: [get]\n",
    "quoted text faking a top-level kind": "apiVersion: v1\nkind: ConfigMap\nnote: \"x\nkind: Pod\"\n",
    "quoted text faking a spec key": "apiVersion: v1\nkind: Widget\nspec:\n  a: \"x\n  template: y\"\n",
    "quoted text at column 0 inside spec": "apiVersion: v1\nkind: Widget\nspec:\n  a: \"x\nb: y\"\n"
                                           "  template:\n    spec:\n      containers: [{name: c, image: i}]\n",
    "flow spanning lines": "apiVersion: v1\nkind: Widget\nspec: {a: [1,\n  2], template: {spec: {containers: "
                           "[{name: c, image: i, securityContext: {privileged: true}}]}}}\n",
    "flow spec below the key": "apiVersion: v1\nkind: Widget\nspec:\n  {template: {spec: {containers: [{name: c}]}}}\n",
    "custom kind with a pod template": "apiVersion: x/v1\nkind: Rollout\nmetadata: {name: r}\nspec:\n  template:\n"
                                       "    spec:\n      containers:\n      - name: c\n        image: i\n",
    "quoted template key": "apiVersion: x/v1\nkind: Widget\nspec:\n  \"template\":\n    spec:\n      containers:\n"
                           "      - {name: c, image: i}\n",
    "explicit template key": "apiVersion: x/v1\nkind: Widget\nspec:\n  ? template\n  : spec:\n      containers:\n"
                             "      - {name: c, image: i}\n",
    "undefined alias in a CRD": CRD.replace("group: example.com", "group: *nowhere") + "---\n" + POD,
    "duplicate anchor": "apiVersion: v1\nkind: ConfigMap\na: &x 1\nb: &x 2\n---\n" + POD,
    "bad merge key": "apiVersion: v1\nkind: ConfigMap\na: 1\nb:\n  <<: 3\n---\n" + POD,
    "merge of a template": "apiVersion: x/v1\nkind: Widget\nx: &t\n  template:\n    spec:\n      containers:\n"
                           "      - {name: c, image: i}\nspec:\n  <<: *t\n",
    "kind yes is a bool": "apiVersion: v1\nkind: yes\nspec:\n  template:\n    spec:\n      containers: [{name: c}]\n",
    "apiVersion 1 is an int": "apiVersion: 1\nkind: Pod\nspec:\n  containers: [{name: c, image: i}]\n",
    "kind continued on the next line": "apiVersion: v1\nkind: Config\n  Map\n",
    "quoted kind and comments": "apiVersion: \"v1\" # c\nkind: 'ConfigMap'  # c\n# c\ndata: {}\n",
    "indented document": "  apiVersion: v1\n  kind: Pod\n  spec:\n    containers:\n    - {name: c, image: i}\n",
    "tag on the document start": "--- !!map\n" + POD,
    "content on the document start": "--- {apiVersion: v1, kind: Pod, spec: {containers: [{name: c}]}}\n",
    "empty and comment-only documents": "# head\n---\n---\n# only a comment\n---\n" + CONFIGMAP + "---\n",
    "document end markers": CONFIGMAP + "...\n---\n" + POD,
    "directive": "%YAML 1.1\n---\n" + POD,
    "crlf": (CRD + "---\n" + POD).replace("\n", "\r\n"),
    "syntax error after a harmless document": CONFIGMAP + "---\nkind: [\n",
    "syntax error in the first document": "apiVersion: v1\nkind: ConfigMap\ndata: {a: \n---\n" + POD,
    "json": '{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "c", "image": "i"}]}}\n',
    "compose by content": "services:\n  web:\n    image: nginx\n    privileged: true\n",
    "not ours": "replicaCount: 2\nimage:\n  tag: x\n",
    "list": "apiVersion: v1\nkind: List\nitems:\n- " + POD.replace("\n", "\n  ").rstrip() + "\n",
    "tab after a key": "apiVersion:\tv1\nkind:\tConfigMap\ndata: {}\n",
    "deep indentation": "apiVersion: v1\nkind: ConfigMap\ndata:\n" + "".join(
        " " * (2 * i) + f"k{i}:\n" for i in range(1, 200)) + " " * 400 + "v: 1\n",
    "compact nested sequences": "apiVersion: v1\nkind: ConfigMap\ndata:\n  x: " + "- " * 60 + "a\n",
    "helm template": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
    # text that looks like a block scalar header must not hide the lines after it
    "block header inside a block scalar": "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: |\n    x: |\n"
                                          "  c: *nowhere\n---\n" + POD,
    "block header in a trailing comment": "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b # c: |\n  e: *nowhere\n"
                                          "---\n" + POD,
    "quote in a trailing comment": "apiVersion: v1\nkind: ConfigMap\nx:\n  a: # n: \"\n    y: *nowhere\n"
                                   "    z: \"q\"\n---\n" + POD,
    "explicit merge key": "apiVersion: v1\nkind: ConfigMap\nx:\n  ? <<\n  : 5\n---\n" + POD,
    "merge key in a flow mapping": "apiVersion: v1\nkind: ConfigMap\nx: {<<}\n---\n" + POD,
    "hash inside a kind": "apiVersion: v1\nkind: Config#Map\ndata: {}\n---\napiVersion: v1\nkind: Po#d\n",
    "marks and flows that are text": "apiVersion: v1\nkind: ConfigMap\ndata:\n  run.sh: |\n    *) exit 1 ;;\n"
                                     "    &x [ {\n  note: a\n    *b &c {d\n  json: |\n    {\"a\": [\n      1\n    ]}\n",
    "an alias in a flow opened on another line": "apiVersion: v1\nkind: ConfigMap\ndata: [a,\n  *nowhere]\n",
    "a quote closed on its line, then a flow": "apiVersion: v1\nkind: ConfigMap\ndata:\n  \"a\": [b,\n"
                                               "kind: Pod]\n",
    "control character in a later document": CONFIGMAP + "---\n" + POD + "---\nkind: x\x07\n",
    "control character before the first document": "# x\x07\n---\n" + CONFIGMAP,
    "syntax error in a parsed document after harmless ones": CONFIGMAP + "---\n" + POD + "  - [\n---\n" + CONFIGMAP,
    "the same large document twice": (CRD + "  padding: |\n" + "    x\n" * 1200) * 1 + "---\n"
                                     + CRD + "  padding: |\n" + "    x\n" * 1200,
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_fast_load_equals_exhaustive_load(text: str):
    fast = load_file("case.yaml", Kind.YAML, text=text)
    slow = load_file("case.yaml", Kind.YAML, text=text, exhaustive=True)
    assert fast == slow


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_documents_are_those_of_the_full_stream(text: str):
    fast = list(prescan.load_documents(text, KEPT_KINDS))
    slow = list(prescan.load_documents(text, KEPT_KINDS, exhaustive=True))
    assert len(fast) == len(slow)
    for (doc, error), (full, full_error) in zip(fast, slow, strict=True):
        assert (error is None) == (full_error is None)
        if error is not None:
            assert (error.message, error.line, error.column) == (full_error.message, full_error.line, full_error.column)
        elif doc != full:  # a stub: the same answer to every question the loader asks
            assert isinstance(doc, dict) and set(doc) <= {"apiVersion", "kind"}
            assert looks_like_kubernetes(doc) == looks_like_kubernetes(full)
            assert looks_like_compose(doc) == looks_like_compose(full)
            if looks_like_kubernetes(full):
                assert (doc["apiVersion"], doc["kind"]) == (full["apiVersion"], full["kind"])
                assert not judged_documents([full])  # the parser reads nothing from it


@pytest.mark.parametrize(("text", "stubbed"), [
    (CRD, True), (CONFIGMAP, True), ("apiVersion: v1\nkind: Service\nspec:\n  ports:\n  - port: 80\n", True),
    ("replicaCount: 2\n", True), (POD, False), (CASES["quoted text faking a top-level kind"], False),
    (CASES["custom kind with a pod template"], False), (CASES["flow spanning lines"], False),
    (CASES["undefined alias in a CRD"].split("---")[0], False), (CASES["compose by content"], False),
    (CASES["marks and flows that are text"], True), (CASES["an alias in a flow opened on another line"], False),
    (CASES["block header inside a block scalar"].split("---")[0], False),
    (CASES["explicit merge key"].split("---")[0], False),
])
def test_which_documents_are_proven_harmless(text: str, stubbed: bool):
    assert (prescan.stub_for(text, KEPT_KINDS) is not prescan.DOUBT) is stubbed
