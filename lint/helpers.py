"""Judgements several rules share: the public API of rules (``from isolint.helpers import ...``).

This module only re-exports. Each judgement lives in a small leaf module, which the engine imports
directly, so that :mod:`isolint.trust` builds on the leaves and this façade re-exports trust without
an import cycle:

* ``isolint.judgements.values``: ``is_true``/``is_false`` of a model value;
* ``isolint.judgements.globs``: image references and texts against lists of globs;
* ``isolint.judgements.capabilities``: capability names and the sets the rules judge by;
* ``isolint.judgements.host``: host paths, runtime sockets and devices;
* ``isolint.judgements.security``: root users, privileged containers, Pod Security Standards judgements;
* ``isolint.judgements.workloads``: Compose fragments, Windows workloads;
* :mod:`isolint.images` and :mod:`isolint.shell`: Dockerfile stages, image references and shell commands;
* :mod:`isolint.trust`: runtime isolation and trust classification (built on the leaves above).

(The leaves are not submodules of this module's package: a package's ``__init__`` runs before any
of its submodules, so ``trust`` importing a leaf would run this façade, which imports ``trust``.)

Keep each helper a pure function of model values so rules stay one-screen modules. When two rules
need the same judgement, add it to the leaf module it belongs to and re-export it here.
"""

from .images import (
    ImageReference,
    add_source_kind,
    add_sources,
    build_stages,
    dockerfile_of,
    env_assignments,
    image_mode_changes,
    image_references,
    image_stages,
    instruction_node,
    instructions,
    parse_image_reference,
    run_data,
    run_scripts,
    stage_label,
)
from .judgements.capabilities import (
    DANGEROUS_CAPABILITIES,
    PSS_BASELINE_CAPABILITIES,
    capability_name,
    granted_capability,
)
from .judgements.globs import (
    first_glob_match,
    first_image_match,
    image_matches,
)
from .judgements.host import (
    DEVICE_NON_DEVICES,
    HARMLESS_HOST_PATHS,
    HARMLESS_READ_ONLY_HOST_PATHS,
    HOST_ROOTS,
    RUNTIME_PIPES,
    RUNTIME_SOCKET_NAMES,
    RUNTIME_SOCKETS,
    SENSITIVE_HOST_PATHS,
    SensitivePath,
    canonical_host_path,
    exposed_runtime_socket,
    host_mount_report,
    host_mounts,
    host_path_key,
    is_device_path,
    mount_writable,
    path_overlaps,
    project_relative,
    sensitive_host_paths,
)
from .judgements.security import (
    WINDOWS_ADMINISTRATORS,
    host_namespace_amplifier,
    is_privileged,
    pss_profile,
    security_setters,
    unconfined_profiles,
    user_is_root,
    windows_administrator,
    windows_exempt,
    windows_pod_exempt,
)
from .judgements.values import (
    is_false,
    is_true,
)
from .judgements.workloads import (
    compose_fragment,
    runs_windows,
)
from .shell import (
    Command,
    ModeChange,
    commands,
    installed_packages,
    mode_changes,
    octal_mode,
    package_verb,
    pipelines,
    shell_script_argument,
    simple_command,
    symbolic_clauses,
    without_keywords,
)
from .trust import (
    Access,
    RuntimeIsolation,
    RuntimeKind,
    build_tool_image,
    builder_escape,
    external_base,
    host_access,
    linux_only_image,
    namespace_classification,
    runtime_isolation,
    trust_setting,
    windows_build,
    windows_image,
    windows_signal,
)

__all__ = [
    "DANGEROUS_CAPABILITIES",
    "DEVICE_NON_DEVICES",
    "HARMLESS_HOST_PATHS",
    "HARMLESS_READ_ONLY_HOST_PATHS",
    "HOST_ROOTS",
    "PSS_BASELINE_CAPABILITIES",
    "RUNTIME_PIPES",
    "RUNTIME_SOCKETS",
    "RUNTIME_SOCKET_NAMES",
    "SENSITIVE_HOST_PATHS",
    "WINDOWS_ADMINISTRATORS",
    "Access",
    "Command",
    "ImageReference",
    "ModeChange",
    "RuntimeIsolation",
    "RuntimeKind",
    "SensitivePath",
    "add_source_kind",
    "add_sources",
    "build_stages",
    "build_tool_image",
    "builder_escape",
    "canonical_host_path",
    "capability_name",
    "commands",
    "compose_fragment",
    "dockerfile_of",
    "env_assignments",
    "exposed_runtime_socket",
    "external_base",
    "first_glob_match",
    "first_image_match",
    "granted_capability",
    "host_access",
    "host_mount_report",
    "host_mounts",
    "host_namespace_amplifier",
    "host_path_key",
    "image_matches",
    "image_mode_changes",
    "image_references",
    "image_stages",
    "installed_packages",
    "instruction_node",
    "instructions",
    "is_device_path",
    "is_false",
    "is_privileged",
    "is_true",
    "linux_only_image",
    "mode_changes",
    "mount_writable",
    "namespace_classification",
    "octal_mode",
    "package_verb",
    "parse_image_reference",
    "path_overlaps",
    "pipelines",
    "project_relative",
    "pss_profile",
    "run_data",
    "run_scripts",
    "runs_windows",
    "runtime_isolation",
    "security_setters",
    "sensitive_host_paths",
    "shell_script_argument",
    "simple_command",
    "stage_label",
    "symbolic_clauses",
    "trust_setting",
    "unconfined_profiles",
    "user_is_root",
    "windows_administrator",
    "windows_build",
    "windows_exempt",
    "windows_image",
    "windows_pod_exempt",
    "windows_signal",
    "without_keywords",
]
