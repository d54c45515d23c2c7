"""Compose short-syntax grammars: ports and volumes, split as Docker and compose-go split them."""

from __future__ import annotations

from ...sources import excerpt


def split_port(spec: str) -> tuple[str | None, str | None, str, str | None]:
    """``[[IP:]HOST:]CONTAINER[/PROTO]`` as Docker splits it: ``(ip, host, container, protocol)``."""
    spec = spec.strip()
    body, sep, protocol = spec.rpartition("/")
    if not sep:
        body, protocol = spec, ""
    parts = body.split(":")
    container = parts[-1]
    if len(parts) == 1:
        ip, host = "", ""
    elif len(parts) == 2:
        ip, host = "", parts[0]
    else:
        ip, host = ":".join(parts[:-2]), parts[-2]
    if ip.startswith("[") and ip.endswith("]"):
        ip = ip[1:-1]
    if not container:
        raise ValueError("no container port")
    return ip or None, host or None, container, protocol or None


def parse_port_range(text: str) -> tuple[int, int]:
    text = text.strip()
    first, sep, last = text.partition("-")
    if not first.isdigit() or (sep and not last.isdigit()):
        raise ValueError(f"invalid port {excerpt(text)}")
    start, end = int(first), int(last) if sep else int(first)
    if not 0 <= start <= 65535 or not 0 <= end <= 65535 or end < start:
        raise ValueError(f"port out of range {excerpt(text)}")
    return start, end


def _is_windows_drive(buffer: str, char: str) -> bool:
    return char == ":" and len(buffer) == 1 and buffer.isalpha()


def split_volume(spec: str) -> tuple[str | None, str, list[str]]:
    """``SRC:DST[:OPTS]`` split as compose-go splits it (a drive letter's colon is not a separator).

    Returns ``(source, target, options)``; source is None for an anonymous volume.
    """
    if not spec:
        raise ValueError("empty volume")
    if len(spec) <= 2:
        return None, spec, []
    fields: list[str] = []
    buffer = ""
    for char in spec:
        if _is_windows_drive(buffer, char) or char != ":":
            buffer += char
            continue
        if not buffer:
            raise ValueError("empty section between colons")
        fields.append(buffer)
        buffer = ""
    if not buffer:
        raise ValueError("empty section between colons")
    fields.append(buffer)
    if len(fields) == 1:
        return None, fields[0], []
    if len(fields) > 3:
        raise ValueError("too many colons")
    options = fields[2].split(",") if len(fields) == 3 else []
    return fields[0], fields[1], options


def is_host_path(source: str) -> bool:
    """A short-syntax source that is a host path (bind) rather than a volume name."""
    if not source:
        return False
    if source[0] in "./~" or source.startswith("\\\\"):
        return True
    return len(source) >= 2 and _is_windows_drive(source[0], source[1])
