"""The part of Kubernetes' OpenAPI a strategic merge needs (data for :mod:`isolint.render.kustomize_patch`)."""

from __future__ import annotations

# The part of Kubernetes' OpenAPI that decides how a strategic merge treats lists: every kind that
# kyaml's built-in schema (v1.21.2) knows and that is still served in 1.25 (the oldest schema of
# ``kubernetes-validate``), and, per type, each field that is a merge list or leads to one:
# ``field: (element or child type, merge keys)``; merge keys None: a map field, () a primitive list.
# Generated from kubernetes-validate's v1.25.0 definitions; ``tests/test_kustomize_patch.py`` re-derives
# it, so it cannot drift. A kind of a built-in API group that is not here raises Unsupported.
ROOTS = {
    ('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'):
        'admissionregistration.v1.MutatingWebhookConfiguration',
    ('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'):
        'admissionregistration.v1.ValidatingWebhookConfiguration',
    ('apps/v1', 'ControllerRevision'): 'apps.v1.ControllerRevision',
    ('apps/v1', 'DaemonSet'): 'apps.v1.DaemonSet',
    ('apps/v1', 'Deployment'): 'apps.v1.Deployment',
    ('apps/v1', 'ReplicaSet'): 'apps.v1.ReplicaSet',
    ('apps/v1', 'StatefulSet'): 'apps.v1.StatefulSet',
    ('autoscaling/v1', 'HorizontalPodAutoscaler'): 'autoscaling.v1.HorizontalPodAutoscaler',
    ('batch/v1', 'CronJob'): 'batch.v1.CronJob',
    ('batch/v1', 'Job'): 'batch.v1.Job',
    ('coordination.k8s.io/v1', 'Lease'): 'coordination.v1.Lease',
    ('networking.k8s.io/v1', 'Ingress'): 'networking.v1.Ingress',
    ('networking.k8s.io/v1', 'IngressClass'): 'networking.v1.IngressClass',
    ('networking.k8s.io/v1', 'NetworkPolicy'): 'networking.v1.NetworkPolicy',
    ('node.k8s.io/v1', 'RuntimeClass'): 'node.v1.RuntimeClass',
    ('policy/v1', 'PodDisruptionBudget'): 'policy.v1.PodDisruptionBudget',
    ('rbac.authorization.k8s.io/v1', 'ClusterRole'): 'rbac.v1.ClusterRole',
    ('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'): 'rbac.v1.ClusterRoleBinding',
    ('rbac.authorization.k8s.io/v1', 'Role'): 'rbac.v1.Role',
    ('rbac.authorization.k8s.io/v1', 'RoleBinding'): 'rbac.v1.RoleBinding',
    ('scheduling.k8s.io/v1', 'PriorityClass'): 'scheduling.v1.PriorityClass',
    ('storage.k8s.io/v1', 'CSIDriver'): 'storage.v1.CSIDriver',
    ('storage.k8s.io/v1', 'StorageClass'): 'storage.v1.StorageClass',
    ('v1', 'ConfigMap'): 'core.v1.ConfigMap',
    ('v1', 'Endpoints'): 'core.v1.Endpoints',
    ('v1', 'LimitRange'): 'core.v1.LimitRange',
    ('v1', 'Namespace'): 'core.v1.Namespace',
    ('v1', 'PersistentVolume'): 'core.v1.PersistentVolume',
    ('v1', 'PersistentVolumeClaim'): 'core.v1.PersistentVolumeClaim',
    ('v1', 'Pod'): 'core.v1.Pod',
    ('v1', 'PodTemplate'): 'core.v1.PodTemplate',
    ('v1', 'ReplicationController'): 'core.v1.ReplicationController',
    ('v1', 'ResourceQuota'): 'core.v1.ResourceQuota',
    ('v1', 'Secret'): 'core.v1.Secret',
    ('v1', 'Service'): 'core.v1.Service',
    ('v1', 'ServiceAccount'): 'core.v1.ServiceAccount',
}
FIELDS = {
    'admissionregistration.v1.MutatingWebhookConfiguration': {
        'metadata': ('meta.v1.ObjectMeta', None),
        'webhooks': (None, ('name',)),
    },
    'admissionregistration.v1.ValidatingWebhookConfiguration': {
        'metadata': ('meta.v1.ObjectMeta', None),
        'webhooks': (None, ('name',)),
    },
    'apps.v1.ControllerRevision': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'apps.v1.DaemonSet': {
        'metadata': ('meta.v1.ObjectMeta', None),
        'spec': ('apps.v1.DaemonSetSpec', None),
    },
    'apps.v1.DaemonSetSpec': {
        'template': ('core.v1.PodTemplateSpec', None),
    },
    'apps.v1.Deployment': {
        'metadata': ('meta.v1.ObjectMeta', None),
        'spec': ('apps.v1.DeploymentSpec', None),
    },
    'apps.v1.DeploymentSpec': {
        'template': ('core.v1.PodTemplateSpec', None),
    },
    'apps.v1.ReplicaSet': {
        'metadata': ('meta.v1.ObjectMeta', None),
        'spec': ('apps.v1.ReplicaSetSpec', None),
    },
    'apps.v1.ReplicaSetSpec': {
        'template': ('core.v1.PodTemplateSpec', None),
    },
    'apps.v1.StatefulSet': {
        'metadata': ('meta.v1.ObjectMeta', None),
        'spec': ('apps.v1.StatefulSetSpec', None),
    },
    'apps.v1.StatefulSetSpec': {
        'template': ('core.v1.PodTemplateSpec', None),
    },
    'autoscaling.v1.HorizontalPodAutoscaler': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'batch.v1.CronJob': {
        'metadata': ('meta.v1.ObjectMeta', None),
        'spec': ('batch.v1.CronJobSpec', None),
    },
    'batch.v1.CronJobSpec': {
        'jobTemplate': ('batch.v1.JobTemplateSpec', None),
    },
    'batch.v1.Job': {
        'metadata': ('meta.v1.ObjectMeta', None),
        'spec': ('batch.v1.JobSpec', None),
    },
    'batch.v1.JobSpec': {
        'template': ('core.v1.PodTemplateSpec', None),
    },
    'batch.v1.JobTemplateSpec': {
        'metadata': ('meta.v1.ObjectMeta', None),
        'spec': ('batch.v1.JobSpec', None),
    },
    'coordination.v1.Lease': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'core.v1.ConfigMap': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'core.v1.Container': {
        'env': (None, ('name',)),
        'ports': (None, ('containerPort', 'protocol')),
        'volumeDevices': (None, ('devicePath',)),
        'volumeMounts': (None, ('mountPath',)),
    },
    'core.v1.Endpoints': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'core.v1.EphemeralContainer': {
        'env': (None, ('name',)),
        'ports': (None, ('containerPort', 'protocol')),
        'volumeDevices': (None, ('devicePath',)),
        'volumeMounts': (None, ('mountPath',)),
    },
    'core.v1.EphemeralVolumeSource': {
        'volumeClaimTemplate': ('core.v1.PersistentVolumeClaimTemplate', None),
    },
    'core.v1.LimitRange': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'core.v1.Namespace': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'core.v1.PersistentVolume': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'core.v1.PersistentVolumeClaim': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'core.v1.PersistentVolumeClaimTemplate': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'core.v1.Pod': {
        'metadata': ('meta.v1.ObjectMeta', None),
        'spec': ('core.v1.PodSpec', None),
    },
    'core.v1.PodSpec': {
        'containers': ('core.v1.Container', ('name',)),
        'ephemeralContainers': ('core.v1.EphemeralContainer', ('name',)),
        'hostAliases': (None, ('ip',)),
        'imagePullSecrets': (None, ('name',)),
        'initContainers': ('core.v1.Container', ('name',)),
        'topologySpreadConstraints': (None, ('topologyKey', 'whenUnsatisfiable')),
        'volumes': ('core.v1.Volume', ('name',)),
    },
    'core.v1.PodTemplate': {
        'metadata': ('meta.v1.ObjectMeta', None),
        'template': ('core.v1.PodTemplateSpec', None),
    },
    'core.v1.PodTemplateSpec': {
        'metadata': ('meta.v1.ObjectMeta', None),
        'spec': ('core.v1.PodSpec', None),
    },
    'core.v1.ReplicationController': {
        'metadata': ('meta.v1.ObjectMeta', None),
        'spec': ('core.v1.ReplicationControllerSpec', None),
    },
    'core.v1.ReplicationControllerSpec': {
        'template': ('core.v1.PodTemplateSpec', None),
    },
    'core.v1.ResourceQuota': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'core.v1.Secret': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'core.v1.Service': {
        'metadata': ('meta.v1.ObjectMeta', None),
        'spec': ('core.v1.ServiceSpec', None),
    },
    'core.v1.ServiceAccount': {
        'metadata': ('meta.v1.ObjectMeta', None),
        'secrets': (None, ('name',)),
    },
    'core.v1.ServiceSpec': {
        'ports': (None, ('port', 'protocol')),
    },
    'core.v1.Volume': {
        'ephemeral': ('core.v1.EphemeralVolumeSource', None),
    },
    'meta.v1.ObjectMeta': {
        'finalizers': (None, ()),
        'ownerReferences': (None, ('uid',)),
    },
    'networking.v1.Ingress': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'networking.v1.IngressClass': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'networking.v1.NetworkPolicy': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'node.v1.RuntimeClass': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'policy.v1.PodDisruptionBudget': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'rbac.v1.ClusterRole': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'rbac.v1.ClusterRoleBinding': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'rbac.v1.Role': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'rbac.v1.RoleBinding': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'scheduling.v1.PriorityClass': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'storage.v1.CSIDriver': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
    'storage.v1.StorageClass': {
        'metadata': ('meta.v1.ObjectMeta', None),
    },
}

# Kinds kyaml's v1.21.2 schema serves that 1.25 no longer does (same types as their successors), and
# workload kinds removed before 1.21, for which kyaml has no schema at all: every list is replaced.
ROOTS[("batch/v1beta1", "CronJob")] = "batch.v1.CronJob"
SCHEMALESS = frozenset((version, kind) for version in ("apps/v1beta1", "apps/v1beta2", "extensions/v1beta1")
                       for kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")
                       if (version, kind) not in {("apps/v1beta1", "DaemonSet"), ("apps/v1beta1", "ReplicaSet"),
                                                  ("extensions/v1beta1", "StatefulSet")})

# Kind names that hold a merge list outside their metadata in some version (Kubernetes 1.25's OpenAPI;
# the test re-derives it). A built-in kind the table lacks is merged schema-less (as kyaml does when
# 1.21.2 lacks it, and the same as typed when it has it) unless its name is here or it holds lists in
# metadata.finalizers/ownerReferences or status.
MERGE_KINDS = frozenset({
    "CSINode", "ComponentStatus", "CronJob", "DaemonSet", "Deployment", "Job", "MutatingWebhookConfiguration",
    "Node", "Pod", "PodTemplate", "ReplicaSet", "ReplicationController", "Service", "ServiceAccount",
    "StatefulSet", "ValidatingWebhookConfiguration"})
