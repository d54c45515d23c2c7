"""The settings of one run: command-line flags over configuration file over defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .rule import Severity
from .sources import DEFAULT_MAX_BYTES

DEFAULT_KUBERNETES_VERSION = (1, 37)


def parse_version(text: str) -> tuple[int, int]:
    """``1.37``, ``v1.37`` or ``1.37.2`` -> ``(1, 37)``; ``latest`` -> the default."""
    text = str(text).strip().lstrip("vV")
    if text == "latest":
        return DEFAULT_KUBERNETES_VERSION
    parts = text.split(".")
    try:
        major, minor = int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        raise ValueError(f"invalid Kubernetes version {text!r} (expected e.g. 1.37)") from None
    return (major, minor)


@dataclass(slots=True)
class Settings:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    profile: str | None = None
    fail_on: Severity = Severity.LOW
    gate: str = "recommended"  # or "strict" (isolint.gate)
    tiers: dict[str, str] = field(default_factory=dict)  # rule code or name -> tier, from configuration
    kubernetes_version: tuple[int, int] = DEFAULT_KUBERNETES_VERSION
    exclude: list[str] = field(default_factory=list)
    gitignore: bool = True
    render: bool = True  # Helm charts and Kustomize roots rendered (isolint.render)
    severity: dict[str, Severity] = field(default_factory=dict)  # per rule code or name
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    per_path_ignores: dict[str, list[str]] = field(default_factory=dict)  # glob -> selectors
    trust: dict[str, Any] = field(default_factory=dict)  # trust-classification patterns
    helm: dict[str, Any] = field(default_factory=dict)  # the [helm] table (isolint.render.charts)
    kustomize: dict[str, Any] = field(default_factory=dict)  # the [kustomize] table (isolint.render.kustomize)
    max_file_size: int = DEFAULT_MAX_BYTES
    jobs: int = 0  # 0: all cores
    exhaustive: bool = False  # build every YAML document (no prescan shortcut; same results, slower)
    suppressions: bool = True
    stdin_kind: str | None = None
    stdin_filename: str = "<stdin>"
    plugins: bool = True
    baseline: str | None = None  # report only findings not in this baseline file
    only_files: frozenset[str] | None = None  # --changed-since: real paths of the files to lint
    repository_context: bool = True  # a changed-files run reads the rest of the repository for facts
    root: str | None = None  # folder of the configuration file (per-path-ignores are relative to it)
    config_path: str | None = None
    env_files: list[str] = field(default_factory=list)  # Compose variables (--env-file, config env-file)
    process_env: bool = False  # interpolate Compose files with the process environment too (opt-in)
