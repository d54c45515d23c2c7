"""A service's isolation settings: user, privileged, capabilities, ``security_opt`` and namespaces.

``security_opt`` entries become the model's fields as the daemon reads them (``no-new-privileges``
with Go's boolean spellings, ``seccomp``/``apparmor`` profiles, ``label`` SELinux options); an entry
the daemon would reject is an error, unless it came from an unset variable (unknown, not wrong).
Namespace modes follow ``service:`` joins transitively.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from ...model import Location, NamespaceJoin, Profile, SecurityContext, SELinux, Value
from ...sources import excerpt
from ...yamlsource import YMap
from .reader import ServiceReader, number_or_name, scalar_text

# Go strconv.ParseBool, which the daemon uses for ``no-new-privileges`` and ``writable-cgroups``.
GO_BOOLS = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
            "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False}
NAMESPACE_KEYS = {"network": "network_mode", "pid": "pid", "ipc": "ipc"}

Made = Callable[[Any], Value[Any]]


def security(r: ServiceReader, svc: YMap, loc: Location) -> tuple[SecurityContext, tuple[Value[str], ...]]:
    """The service's security context, and its ``security_opt`` entries as written."""
    run_as_user, run_as_group = user(r, svc)
    options = r.texts(svc, "security_opt")
    parsed = _security_options(options, r.under(".security_opt"))
    context = SecurityContext(
        loc=loc,
        privileged=r.flag(svc, "privileged"),
        capabilities_add=r.texts(svc, "cap_add"),
        capabilities_drop=r.texts(svc, "cap_drop"),
        run_as_user=run_as_user,
        run_as_group=run_as_group,
        supplemental_groups=tuple(
            dataclasses.replace(v, value=number_or_name(v.value)) for v in r.texts(svc, "group_add")),
        read_only_root_filesystem=r.flag(svc, "read_only"),
        sysctls=r.key_values(svc, "sysctls"),
        **parsed,
    )
    return context, options


def user(r: ServiceReader, svc: YMap) -> tuple[Value[int | str] | None, Value[int | str] | None]:
    """``user: NAME_OR_UID[:GROUP]`` (of a service or a lifecycle hook) as user and group."""
    written = r.text(svc, "user")
    if written is None or not written.value.strip():
        return None, None
    raw = svc["user"]
    if isinstance(raw, (bool, int, float)) and written.value == scalar_text(raw):  # not 1000:1000 (YAML 1.1 base 60)
        # `user: 0`: Compose refuses the file ("must be a string"); what it says is still judged
        r.under(".user").error(f"expected a string, got {raw!r}: Compose refuses the file (quote the value)",
                               written.loc)
    text = written.text or written.value
    name, sep, group = written.value.partition(":")
    uid = Value(number_or_name(name), written.loc, written.certain, text)
    gid = Value(number_or_name(group), written.loc, written.certain, text) if sep and group.strip() else None
    return uid, gid


def _security_options(options: tuple[Value[str], ...], r: ServiceReader) -> dict[str, Any]:
    """The settings ``security_opt`` entries make, as :class:`SecurityContext` fields."""
    fields: dict[str, Any] = {}
    selinux: dict[str, Any] = {}
    selinux_loc: Location | None = None
    for i, option in enumerate(options):
        effect = _security_option(option, r.under(f"[{i}]"))
        if effect is None:
            continue
        field_name, value = effect
        if field_name.startswith("selinux."):
            selinux[field_name.removeprefix("selinux.")] = value
            selinux_loc = selinux_loc or option.loc
        else:
            fields[field_name] = value
    if selinux_loc is not None:
        fields["selinux"] = SELinux(loc=selinux_loc, **selinux)
    return fields


def _security_option(option: Value[str], r: ServiceReader) -> tuple[str, Any] | None:
    raw = option.value.strip()
    text = option.text or option.value

    def made(value: Any) -> Value[Any]:
        return Value(value, option.loc, option.certain, text)

    if raw == "systempaths=unconfined":
        return "masked_paths_disabled", made(True)
    if raw == "no-new-privileges":
        return "allow_privilege_escalation", made(False)
    if raw == "writable-cgroups":
        return "writable_cgroups", made(True)
    if raw == "disable":
        return "selinux.disabled", made(True)
    key, sep, value = raw.partition("=")
    if not sep:
        key, sep, value = raw.partition(":")
    if not sep:
        return _bad_option(option, r, f"unknown security_opt {excerpt(raw)}")
    if key == "label":
        return _label_option(value, made, option, r)
    if key in ("seccomp", "apparmor"):
        return key, _profile(key, value, made, option, r)
    if key in ("no-new-privileges", "writable-cgroups"):
        if value not in GO_BOOLS:
            return _bad_option(option, r, f"{key} expects a boolean (true/false/1/0), got {excerpt(value)}")
        if key == "no-new-privileges":
            return "allow_privilege_escalation", made(not GO_BOOLS[value])
        return "writable_cgroups", made(GO_BOOLS[value])
    if key == "systempaths":
        return _bad_option(option, r, "only the exact spelling 'systempaths=unconfined' is recognised")
    hint = " (keys are case-sensitive)" if key.lower() in ("label", "seccomp", "apparmor", "systempaths") else ""
    return _bad_option(option, r, f"unknown security_opt key {excerpt(key)}{hint}; the daemon rejects it")


def _bad_option(option: Value[str], r: ServiceReader, message: str) -> None:
    if option.certain:
        r.error(message, option.loc)
    return None


def _label_option(value: str, made: Made, option: Value[str], r: ServiceReader) -> tuple[str, Any] | None:
    if value == "disable":
        return "selinux.disabled", made(True)
    part, sep, setting = value.partition(":")
    if sep and part in ("user", "role", "type", "level"):
        return f"selinux.{part}", made(setting)
    return _bad_option(option, r,
                       f"unknown label option {excerpt(value)} (expected disable, user:, role:, type: or level:)")


def _profile(kind: str, value: str, made: Made, option: Value[str], r: ServiceReader) -> Profile | None:
    if not value:
        _bad_option(option, r, f"{kind} needs a profile")
        return None
    if value == "unconfined":
        return Profile(option.loc, made("Unconfined"))
    if (kind, value) in (("seccomp", "builtin"), ("apparmor", "docker-default")):
        return Profile(option.loc, made("RuntimeDefault"))
    return Profile(option.loc, made("Localhost"), Value(value, option.loc, option.certain, option.text))


# -- namespaces ---------------------------------------------------------------------------------------

def namespace_modes(r: ServiceReader, svc: YMap) -> dict[str, Value[str]]:
    """The service's network, pid and ipc modes as written (``host``, ``service:db`` ...)."""
    modes = {}
    for namespace, key in NAMESPACE_KEYS.items():
        mode = r.text(svc, key)
        if mode is not None:
            modes[namespace] = mode
    return modes


def host_namespace(name: str, namespace: str, modes: Mapping[str, Mapping[str, Value[str]]],
                   seen: tuple[str, ...] = ()) -> Value[bool] | None:
    """Whether the service shares the host's namespace, following ``service:`` joins."""
    mode = modes.get(name, {}).get(namespace)
    if mode is None:
        return None
    text = mode.text or mode.value
    kind, sep, target = mode.value.partition(":")
    if not sep:
        return Value(mode.value == "host", mode.loc, mode.certain, text)
    if kind != "service" or target in seen or target == name or target not in modes:
        return None
    joined = host_namespace(target, namespace, modes, (*seen, name))
    if joined is None:
        return None
    return Value(joined.value, mode.loc, mode.certain and joined.certain, text)


def namespace_joins(modes: Mapping[str, Value[str]]) -> tuple[NamespaceJoin, ...]:
    return tuple(NamespaceJoin(namespace, mode) for namespace, mode in modes.items()
                 if mode.value.startswith(("service:", "container:")))


def is_host(r: ServiceReader, svc: YMap, key: str) -> Value[bool] | None:
    """Whether a mode key (``uts``, ``cgroup``, ``userns_mode``) is ``host``."""
    mode = r.text(svc, key)
    if mode is None:
        return None
    return Value(mode.value == "host", mode.loc, mode.certain, mode.text or mode.value)
