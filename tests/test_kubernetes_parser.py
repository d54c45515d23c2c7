"""The Kubernetes parser: every pod-bearing kind, JSON, multi-document files, container roles,
positions, and wrong types reported with their path inside the document."""

from __future__ import annotations

import textwrap

import pytest

from isolint.discovery import Kind
from isolint.loader import load_file
from isolint.model import FileModel, Format, Role

CONTAINERS = "containers: [{name: app, image: nginx, securityContext: {privileged: true}}]"
# kind -> the object around a pod spec written as {SPEC}
WRAPPERS = {
    "Pod": "spec: {SPEC}",
    "PodTemplate": "template: {spec: {SPEC}}",
    "ReplicationController": "spec: {template: {spec: {SPEC}}}",
    "ReplicaSet": "spec: {template: {spec: {SPEC}}}",
    "Deployment": "spec: {template: {spec: {SPEC}}}",
    "StatefulSet": "spec: {template: {spec: {SPEC}}}",
    "DaemonSet": "spec: {template: {spec: {SPEC}}}",
    "Job": "spec: {template: {spec: {SPEC}}}",
    "CronJob": "spec: {jobTemplate: {spec: {template: {spec: {SPEC}}}}}",
    "DeploymentConfig": "spec: {template: {spec: {SPEC}}}",
    "Rollout": "spec: {template: {spec: {SPEC}}}",
    "SomeOperatorKind": "spec: {template: {spec: {SPEC}}}",
}


def _load(text: str, name: str = "m.yaml") -> FileModel:
    return load_file(name, Kind.YAML, text=textwrap.dedent(text))


@pytest.mark.parametrize("kind", sorted(WRAPPERS))
def test_every_pod_bearing_kind_yields_its_workload(kind: str):
    body = WRAPPERS[kind].replace("{SPEC}", "{" + CONTAINERS + "}")
    model = _load(f"apiVersion: x/v1\nkind: {kind}\nmetadata: {{name: w, namespace: ns}}\n{body}\n")
    assert not model.errors
    [workload] = model.workloads
    assert (workload.resource.kind, workload.resource.name, workload.resource.namespace) == (kind, "w", "ns")
    [container] = workload.containers
    assert container.name.value == "app" and container.security.privileged.value is True
    assert container.security.privileged.loc.line == 4


def test_objects_without_pod_specs_are_not_workloads():
    model = _load("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n---\n"
                  "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n")
    assert model.format is Format.KUBERNETES and not model.workloads and not model.errors


def test_list_items_and_multi_document_files():
    model = _load("""\
        apiVersion: v1
        kind: List
        items:
          - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c, image: i}]}}
          - {apiVersion: v1, kind: Namespace, metadata: {name: team, labels: {tier: x}}}
        ---
        apiVersion: node.k8s.io/v1
        kind: RuntimeClass
        metadata: {name: gvisor}
        handler: runsc
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b}
        spec: {containers: [{name: c, image: i}]}
        """)
    assert [(w.resource.name, w.loc.line) for w in model.workloads] == [("a", 4), ("b", 12)]
    assert [ns.name.value for ns in model.namespaces] == ["team"]
    assert [(rc.name.value, rc.handler.value) for rc in model.runtime_classes] == [("gvisor", "runsc")]


def test_init_ephemeral_and_app_containers_keep_their_roles_and_positions():
    model = _load("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          initContainers:
            - name: init
              image: busybox
          containers:
            - name: app
              image: nginx
          ephemeralContainers:
            - name: debug
              image: busybox
        """)
    [workload] = model.workloads
    assert [(c.display_name, c.role, c.loc.line, c.loc.column) for c in workload.containers] == [
        ("init", Role.INIT, 6, 7), ("app", Role.CONTAINER, 9, 7), ("debug", Role.EPHEMERAL, 12, 7)]


def test_json_manifest_positions():
    text = ('{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "j"},\n'
            '  "spec": {"hostNetwork": true, "containers": [{"name": "c", "image": "i"}]}\n}\n')
    [workload] = load_file("pod.json", Kind.YAML, text=text).workloads
    assert workload.host_network.value is True
    assert (workload.host_network.loc.line, workload.host_network.loc.column) == (5, 12)


def test_wrong_types_are_errors_with_their_path_and_the_rest_is_judged():
    model = _load("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          hostPID: "yes-please"
          securityContext: [runAsUser, 0]
          volumes: {a: b}
          containers:
            - null
            - name: app
              image: nginx
              securityContext: {privileged: true, capabilities: {add: SYS_ADMIN}, runAsUser: root}
              ports: [8080]
        """)
    messages = {(e.line, e.message) for e in model.errors}
    assert messages == {
        (5, "invalid manifest: Pod.spec.hostPID: expected true or false, got 'yes-please'"),
        (6, "invalid manifest: Pod.spec.securityContext: expected a mapping, got a list"),
        (7, "invalid manifest: Pod.spec.volumes: expected a list, got a mapping"),
        (9, "invalid manifest: Pod.spec.containers[0]: expected a container mapping"),
        (12, "invalid manifest: Pod.spec.containers[1].securityContext.capabilities.add: "
             "expected a list, got 'SYS_ADMIN'"),
        (12, "invalid manifest: Pod.spec.containers[1].securityContext.runAsUser: expected an integer, got 'root'"),
        (13, "invalid manifest: Pod.spec.containers[1].ports[0]: expected a port mapping"),
    }
    [workload] = model.workloads
    [container] = workload.containers
    assert container.security.privileged.value is True


@pytest.mark.parametrize("spec", ["spec: a string", "spec: [1, 2]", "spec: {template: 3}"])
def test_spec_of_the_wrong_type_is_an_error_not_a_crash(spec: str):
    model = _load(f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d}}\n{spec}\n")
    assert not model.workloads and len(model.errors) == 1 and "expected a mapping" in model.errors[0].message


def test_duplicate_keys_are_reported_and_the_last_value_is_judged():
    model = _load("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          hostNetwork: false
          containers: [{name: c, image: i}]
          hostNetwork: true
        """)
    assert [(e.line, e.message) for e in model.errors] == [
        (7, "invalid manifest: Pod.spec.hostNetwork: duplicate key 'hostNetwork' (Kubernetes rejects duplicate keys)")]
    assert model.workloads[0].host_network.value is True


def test_aliased_containers_are_parsed_without_walking_a_dag_exponentially():
    model = _load("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        x: &c {name: c, image: i, securityContext: {privileged: true}}
        spec:
          containers: [*c, *c, *c]
        """)
    assert len(model.workloads[0].containers) == 3 and not model.errors


def test_kinds_and_api_versions_of_the_wrong_type_are_not_ours():
    for text in ("apiVersion: 1\nkind: Pod\nspec: {}\n", "apiVersion: v1\nkind: [Pod]\n", "- apiVersion: v1\n"):
        model = _load(text)
        assert not model.workloads and not model.errors


def test_values_are_typed_as_the_api_server_reads_them():
    """sigs.k8s.io/yaml reads YAML with go-yaml v2 (YAML 1.1: a plain y/Y/n/N is a boolean) into
    JSON, which has one number type (0.0 is 0); a quoted "y" stays text and is refused."""
    model = _load("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          hostNetwork: y
          hostPID: N
          securityContext: {runAsUser: 0.0, runAsGroup: 1.5}
          containers:
            - name: app
              image: nginx
              securityContext: {privileged: Y, readOnlyRootFilesystem: "y"}
        """)
    [workload] = model.workloads
    assert (workload.host_network.value, workload.host_network.text) == (True, "y")
    assert workload.host_pid.value is False
    assert (workload.security.run_as_user.value, workload.security.run_as_user.text) == (0, "0.0")
    assert workload.security.run_as_group is None
    assert workload.containers[0].security.privileged.value is True
    assert workload.containers[0].security.read_only_root_filesystem is None
    assert {(e.line, e.message) for e in model.errors} == {
        (7, "invalid manifest: Pod.spec.securityContext.runAsGroup: expected an integer, got 1.5"),
        (11, "invalid manifest: Pod.spec.containers[0].securityContext.readOnlyRootFilesystem: expected true or "
             "false, got 'y'"),
    }


def test_compose_keeps_y_and_n_as_text():
    from isolint.yamlsource import load_all

    [(document, _)] = list(load_all("environment: {A: y, B: 'n'}\n"))
    assert document["environment"] == {"A": "y", "B": "n"}


def test_privileged_with_allow_privilege_escalation_false_is_refused_as_the_api_server_refuses_it():
    model = _load("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: a
              image: nginx
              securityContext: {privileged: true, allowPrivilegeEscalation: false}
            - name: b
              image: nginx
              securityContext:
                allowPrivilegeEscalation: false
                capabilities: {add: [CAP_SYS_ADMIN]}
            - name: ok
              image: nginx
              securityContext: {privileged: false, allowPrivilegeEscalation: false, capabilities: {add: [SYS_ADMIN]}}
        """)
    assert {(e.line, e.message) for e in model.errors} == {
        (8, "invalid manifest: Pod.spec.containers[0].securityContext: cannot set allowPrivilegeEscalation to false "
            "and privileged to true (the API server rejects this container)"),
        (12, "invalid manifest: Pod.spec.containers[1].securityContext: cannot set allowPrivilegeEscalation to false "
             "and capabilities.add CAP_SYS_ADMIN (the API server rejects this container)"),
    }
    assert model.workloads[0].containers[0].security.privileged.value is True  # still judged


def test_legacy_annotations_become_profiles_where_no_field_sets_one():
    from isolint.model import Source

    model = _load("""\
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          annotations:
            seccomp.security.alpha.kubernetes.io/pod: unconfined
            container.seccomp.security.alpha.kubernetes.io/b: localhost/prof.json
            container.apparmor.security.beta.kubernetes.io/a: runtime/default
            container.apparmor.security.beta.kubernetes.io/b: unconfined
            container.apparmor.security.beta.kubernetes.io/ghost: unconfined
        spec:
          containers:
            - {name: a, image: nginx}
            - name: b
              image: nginx
              securityContext: {appArmorProfile: {type: RuntimeDefault}}
        """)
    [workload] = model.workloads
    a, b = workload.containers
    pod = workload.security
    assert (pod.seccomp.type.value, pod.seccomp.source, pod.seccomp.loc.line) == ("Unconfined", Source.ANNOTATION, 6)
    assert pod.seccomp.type.text == "annotation seccomp.security.alpha.kubernetes.io/pod: unconfined"
    assert (b.security.seccomp.type.value, b.security.seccomp.localhost.value) == ("Localhost", "prof.json")
    assert (a.security.apparmor.type.value, a.security.apparmor.source) == ("RuntimeDefault", Source.ANNOTATION)
    assert (b.security.apparmor.type.value, b.security.apparmor.source) == ("RuntimeDefault", Source.FIELD)
    # an annotation naming no container: admission rejects it, so it is kept at the pod level
    assert (pod.apparmor.type.value, pod.apparmor.loc.line) == ("Unconfined", 10)
    assert a.security.seccomp is None
