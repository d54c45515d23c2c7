"""Merging Compose trees: a service's ``extends`` and several files (``compose.yaml`` with
``compose.override.yaml``), following the Compose specification's merge rules as compose-go applies them.

* Mappings are merged key by key; for a scalar the later value wins.
* Sequences are appended, duplicates dropped. ``volumes``, ``secrets``, ``configs`` and ``devices``
  are unique by their path in the container and ``ports`` by ``{ip, target, published, protocol}``: a
  later entry with the same key is merged into the earlier one (both long syntax) or replaces it.
* ``command``, ``entrypoint`` and ``healthcheck.test`` are replaced, never appended.
* A key whose value is tagged ``!override`` replaces what it merges onto; one tagged ``!reset`` removes
  it. The parser has already dropped ``!reset`` keys from each file's tree, keeping only the tag
  (``YMap.tags``), so a reset key is absent from the result whatever the earlier files said.

Trees are the parser's positioned ``YMap``/``YSeq``: every kept value keeps the position, and so the
file, it was written at.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...yamlsource import YMap, YSeq
from .interpolation import Interpolated
from .syntax import split_port, split_volume

RESET = "!reset"
OVERRIDE = "!override"
REPLACED_BY_DIRECTIVE = frozenset({RESET, OVERRIDE})

OVERRIDDEN = frozenset({"command", "entrypoint", "healthcheck.test"})
LIST_OR_DICT = frozenset({"environment", "labels", "sysctls", "annotations", "build.args", "build.labels",
                          "deploy.labels"})
STRING_OR_LIST = frozenset({"tmpfs", "dns", "dns_search", "env_file"})
UNIQUE = ("volumes", "ports", "devices", "secrets", "configs")  # lists whose entries are unique by a key
PROJECT = "<project>"  # path prefix of top-level keys, so no service-level rule applies to them


def merge_services(base: YMap, main: YMap) -> YMap:
    """One service merged onto another (``extends``, or the same service in a later file)."""
    return _merge_mapping(_normalised(base, ""), _normalised(main, ""), "")


def merge_projects(base: YMap, override: YMap) -> YMap:
    """A whole Compose file merged onto an earlier one (``docker compose -f base -f override``).

    Services present in both keep the base file's position for their name (the workload lives in
    the base file); everything the override sets keeps the override file's positions.
    """
    merged = _merge_mapping(base, override, PROJECT)
    base_services, services = base.get("services"), override.get("services")
    if isinstance(base_services, YMap) and isinstance(services, YMap) and "services" not in _directives(override):
        merged["services"] = _merge_service_maps(base_services, services)
        merged.key_pos["services"] = base.pos_of("services")
    return merged


def unique_entries(root: YMap) -> YMap:
    """A file's services with their ``volumes``, ``ports``, ``devices``, ``secrets`` and ``configs``
    unique as Compose makes them on loading each file (compose-go ``EnforceUnicity``): a later entry
    with the same key (as in a merge) takes the earlier one's place. In place; returns ``root``."""
    services = root.get("services")
    if not isinstance(services, YMap):
        return root
    for svc in services.values():
        if not isinstance(svc, YMap):
            continue
        for key in UNIQUE:
            if isinstance(svc.get(key), YSeq):
                svc[key] = _concatenated(YSeq(), svc[key], _identity_for(key), key)
    return root


def _merge_service_maps(base: YMap, override: YMap) -> YMap:
    out = _copy_shape(base)
    directives = _directives(override)
    for name, svc in base.items():
        if name not in directives:
            out[name] = svc
            out.key_pos[name] = base.pos_of(name)
    for name, svc in override.items():
        if isinstance(out.get(name), YMap) and isinstance(svc, YMap):
            out[name] = merge_services(out[name], svc)
        elif svc is None and name in out:  # ``web:`` with nothing under it changes nothing
            continue
        else:
            out[name] = svc
            out.key_pos[name] = override.pos_of(name)
    out.tags = dict(override.tags)
    return out


def _directives(node: YMap) -> set[Any]:
    return {key for key, tag in node.tags.items() if tag in REPLACED_BY_DIRECTIVE}


def _copy_shape(node: YMap) -> YMap:
    out = YMap()
    out.pos = node.pos
    return out


def _normalised(node: YMap, path: str) -> YMap:
    """Forms Compose treats as equal made equal: ``build: ctx`` is ``{context: ctx}``,
    ``"k=v"`` lists are mappings, a lone string is a list of one."""
    out = _copy_shape(node)
    out.tags = dict(node.tags)
    for key, value in node.items():
        child = f"{path}.{key}" if path else str(key)
        pos = node.pos_of(key)
        if child == "build" and isinstance(value, str):
            build = YMap()
            build.pos = pos
            build["context"] = value
            build.key_pos["context"] = pos
            value = build
        elif child in LIST_OR_DICT and isinstance(value, YSeq):
            value = _list_to_mapping(value)
        elif child in STRING_OR_LIST and isinstance(value, str):
            seq = YSeq()
            seq.pos = pos
            seq.append(value)
            seq.item_pos.append(pos)
            value = seq
        if isinstance(value, YMap) and child in ("build", "deploy"):
            value = _normalised(value, child)
        out[key] = value
        out.key_pos[key] = pos
    return out


def _list_to_mapping(seq: YSeq) -> YMap | YSeq:
    mapping = YMap()
    mapping.pos = seq.pos
    for i, item in enumerate(seq):
        if not isinstance(item, str):
            return seq
        key, sep, value = item.partition("=")
        mapping[key] = keep_origin(item, value) if sep else None
        mapping.key_pos[key] = seq.pos_of(i)
    return mapping


def keep_origin(item: str, value: str) -> str:
    """``value`` derived from ``item``, with its interpolation certainty when it had one."""
    if isinstance(item, Interpolated):
        return Interpolated(value, item.raw, item.certain)
    return value


def _merge_mapping(base: YMap, main: YMap, path: str) -> YMap:
    out = _copy_shape(main)
    directives = _directives(main)
    for key in base:
        if key not in directives:
            out[key] = base[key]
            out.key_pos[key] = base.pos_of(key)
    for key, value in main.items():
        child = f"{path}.{key}" if path else str(key)
        if key in out and child not in OVERRIDDEN:
            value = _merge_value(out[key], value, child)
        out[key] = value
        out.key_pos[key] = main.pos_of(key)
    out.tags = dict(main.tags)  # a later merge (extends, then the next file) honours them too
    return out


def _merge_value(base: Any, main: Any, path: str) -> Any:
    if isinstance(base, YMap) and isinstance(main, YMap):
        return _merge_mapping(base, main, path)
    if isinstance(base, YSeq) and isinstance(main, YSeq):
        return _concatenated(base, main, _identity_for(path), path)
    return main


def _identity_for(path: str) -> Callable[[Any], Any]:
    return {"volumes": _volume_target, "ports": _port_key, "secrets": _mount_target("/run/secrets/"),
            "configs": _mount_target("/"), "devices": _device_target}.get(path, _hashable)


def _volume_target(item: Any) -> Any:
    if isinstance(item, YMap):
        return ("target", item.get("target"))
    if isinstance(item, str):
        try:
            return ("target", split_volume(item)[1])
        except ValueError:
            return item
    return _hashable(item)


def _device_target(item: Any) -> Any:
    """A device's path in the container: ``HOST[:CONTAINER[:PERMISSIONS]]`` (the container path
    defaults to the host's) or the long syntax's ``target`` (else its ``source``)."""
    if isinstance(item, YMap):
        return ("device", str(item.get("target") or item.get("source")))
    if isinstance(item, str):
        parts = item.split(":")
        return ("device", parts[1] if len(parts) > 1 and parts[1] else parts[0])
    return _hashable(item)


def _port_key(item: Any) -> Any:
    """``{ip, target, published, protocol}`` of a short or long port (protocol defaults to tcp)."""
    if isinstance(item, YMap):
        return ("port", str(item.get("host_ip") or ""), str(item.get("target")), str(item.get("published") or ""),
                str(item.get("protocol") or "tcp"))
    if isinstance(item, (str, int)) and not isinstance(item, bool):
        try:
            ip, host, container, protocol = split_port(str(item))
        except ValueError:
            return item
        return ("port", ip or "", container, host or "", protocol or "tcp")
    return _hashable(item)


def _mount_target(default_directory: str) -> Callable[[Any], Any]:
    """Secrets and configs: the target, which defaults to a path named after the source."""

    def target(item: Any) -> Any:
        if isinstance(item, str):
            return ("target", default_directory + item)
        if isinstance(item, YMap):
            return ("target", str(item.get("target") or default_directory + str(item.get("source"))))
        return _hashable(item)

    return target


def _hashable(item: Any) -> Any:
    if isinstance(item, YMap):
        return tuple(sorted((str(k), _hashable(v)) for k, v in item.items()))
    if isinstance(item, YSeq):
        return tuple(_hashable(v) for v in item)
    return item


def _concatenated(base: YSeq, main: YSeq, identity: Callable[[Any], Any], path: str) -> YSeq:
    """Base then main items; a main item sharing an identity with an earlier one takes its place
    (merged into it when both are mappings)."""
    out = YSeq()
    out.pos = main.pos
    index: dict[Any, int] = {}
    for seq in (base, main):
        for i, item in enumerate(seq):
            ident = identity(item)
            if ident in index:
                earlier = out[index[ident]]
                both_long = isinstance(earlier, YMap) and isinstance(item, YMap)
                out[index[ident]] = _merge_mapping(earlier, item, f"{path}[]") if both_long else item
                out.item_pos[index[ident]] = seq.pos_of(i)
                continue
            index[ident] = len(out)
            out.append(item)
            out.item_pos.append(seq.pos_of(i))
    return out
