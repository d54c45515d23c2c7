"""Configuration files: found upward from the target, validated by a JSON schema, never executed.

Looked for in each folder from the first target up to the filesystem root, first hit wins:
``.isolint.toml``, ``.isolint.yaml``/``.isolint.yml`` (keys at top level), then a
``pyproject.toml`` holding ``[tool.isolint]``. ``--config FILE`` names one explicitly.
Keys are kebab-case (see ``data/config.schema.json``); an unknown key or a bad value is an error
naming the key. Paths in the file (``baseline``, ``per-path-ignores``) are relative to its folder.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .rule import Severity
from .selectors import matches
from .settings import Settings, parse_version
from .sources import OUTSIDE, ReadError, inside, is_inside, read_text, run_root

CONFIG_NAMES = (".isolint.toml", ".isolint.yaml", ".isolint.yml")
PYPROJECT = "pyproject.toml"


class ConfigError(Exception):
    pass


@dataclass(slots=True)
class Config:
    path: str | None = None  # None: no configuration file
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def root(self) -> str | None:
        return os.path.dirname(os.path.abspath(self.path)) if self.path else None

    @property
    def table(self) -> str:
        """How a key is named in messages: ``[tool.isolint]`` for pyproject, else the file."""
        return "[tool.isolint]" if self.path and os.path.basename(self.path) == PYPROJECT else "configuration"


def schema() -> dict[str, Any]:
    import json
    from importlib import resources  # only with a configuration file: costly to import

    text = resources.files("isolint").joinpath("data/config.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


MAX_CONFIG_BYTES = 1024 * 1024


def _read_toml(path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):  # imported here: most runs have no TOML file to read
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:  # read as hostile input like any linted file: non-blocking, size-limited
        return tomllib.loads(read_text(path, MAX_CONFIG_BYTES))
    except ReadError as exc:
        raise ConfigError(f"{path}: {exc.message}") from None
    except tomllib.TOMLDecodeError as exc:  # its message quotes no text of the file
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def _read_yaml(path: str) -> dict[str, Any]:
    """A YAML configuration, read as hostile input like any linted file: non-blocking, size-limited,
    and through the loader that refuses alias bombs (schema validation would walk the expansion)."""
    import yaml

    from .yamlsource import load_all

    try:
        text = read_text(path, MAX_CONFIG_BYTES)
    except ReadError as exc:
        raise ConfigError(f"{path}: {exc.message}") from None
    documents = list(load_all(text))
    for _, error in documents:
        if error is not None:
            where = f":{error.line}" if error.line else ""
            raise ConfigError(f"{path}{where}: {error.message}")
    if len(documents) > 1:
        raise ConfigError(f"{path}: expected one YAML document, found {len(documents)}")
    try:  # plain safe_load too: it refuses tags such as !!python/object instead of keeping their text
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:  # its problem only: str(exc) quotes the file's lines
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise ConfigError(f"{path}{where}: invalid YAML: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping of keys")
    return data


def read_config(path: str) -> Config:
    """Read and validate one configuration file."""
    name = os.path.basename(path)
    if name == PYPROJECT:
        tool = _read_toml(path).get("tool", {})
        data = tool.get("isolint", {}) if isinstance(tool, dict) else {}
    elif name.endswith(".toml"):
        data = _read_toml(path)
    else:
        data = _read_yaml(path)
    config = Config(path, data if isinstance(data, dict) else {})
    validate(config)
    return config


def _pyproject_has_table(path: str) -> bool:
    try:
        text = read_text(path, MAX_CONFIG_BYTES)
    except ReadError:
        return False
    return "tool.isolint" in text and isinstance(_read_toml(path).get("tool", {}).get("isolint"), dict)


def find_config(start: str) -> str | None:
    directory = os.path.abspath(start)
    if not os.path.isdir(directory):
        directory = os.path.dirname(directory)
    root = run_root(start)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate) or _leaves(candidate, root):
                return candidate
        candidate = os.path.join(directory, PYPROJECT)
        if _leaves(candidate, root):
            return candidate  # never opened: load_config reports it
        if os.path.isfile(candidate) and _pyproject_has_table(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def load_config(explicit: str | None, targets: Sequence[str]) -> Config:
    if explicit:
        if not os.path.isfile(explicit):
            raise ConfigError(f"{explicit}: configuration file not found")
        return read_config(explicit)
    start = next((t for t in targets if t != "-"), ".")
    found = find_config(start)
    if found is None:
        return Config()
    if _leaves(found, run_root(start)):
        raise ConfigError(f"{found}: {OUTSIDE}")
    return read_config(found)


def _leaves(path: str, root: str) -> bool:
    """Whether ``path`` is a link inside the repository under review that leads out of it (a
    configuration above the repository is the user's own, read where it is)."""
    return os.path.islink(path) and \
        is_inside(os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path)), root) \
        and inside(path, root) is None


def _where(config: Config, path: Iterable[Any]) -> str:
    parts = [str(p) for p in path]
    return f"{config.table} key {'.'.join(parts)!r}" if parts else config.table


def validate(config: Config) -> None:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(config.data), key=lambda e: (len(e.absolute_path), list(map(str,
                                                                                             e.absolute_path))))
    if not errors:
        return
    error = errors[0]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {}))
        unknown = [k for k in error.instance if k not in known]
        key = unknown[0] if unknown else "?"
        from difflib import get_close_matches

        hint = get_close_matches(str(key).replace("_", "-"), known, n=1)
        suggestion = f" (did you mean {hint[0]!r}?)" if hint else f" (known keys: {', '.join(known)})"
        where = _where(config, [*error.absolute_path, key])
        raise ConfigError(f"{config.path}: unknown {where}{suggestion}")
    raise ConfigError(f"{config.path}: invalid value for {_where(config, error.absolute_path)}: {error.message}")


def _kebab_to_snake(key: str) -> str:
    return key.replace("-", "_")


def apply_config(settings: Settings, config: Config) -> None:
    """Copy a validated configuration onto ``settings`` (command-line flags are applied after)."""
    data = config.data
    simple = {"select": "select", "ignore": "ignore", "profile": "profile", "exclude": "exclude",
              "gitignore": "gitignore", "render": "render", "max-file-size": "max_file_size", "jobs": "jobs",
              "plugins": "plugins", "suppressions": "suppressions", "gate": "gate"}
    for key, attr in simple.items():
        if key in data:
            setattr(settings, attr, list(data[key]) if isinstance(data[key], list) else data[key])
    if "fail-on" in data:
        settings.fail_on = Severity.parse(data["fail-on"])
    if "kubernetes-version" in data:
        settings.kubernetes_version = parse_version(data["kubernetes-version"])
    root = config.root
    if "baseline" in data:
        settings.baseline = _inside_repository(config, "baseline", os.path.join(root or ".", data["baseline"]))
    if "interpolate-process-env" in data:
        settings.process_env = data["interpolate-process-env"]
    for name in data.get("env-file", ()):
        path = _inside_repository(config, "env-file", os.path.join(root or ".", name))
        try:
            read_text(path, settings.max_file_size)
        except ReadError as exc:
            raise ConfigError(f"{config.path}: {_where(config, ['env-file'])} {name}: {exc.message}") from None
        settings.env_files.append(path)
    if "per-path-ignores" in data:
        settings.per_path_ignores = {glob: list(rules) for glob, rules in data["per-path-ignores"].items()}
        settings.root = root
    for rule, table in data.get("rules", {}).items():
        if "severity" in table:
            settings.severity[rule] = Severity.parse(table["severity"])
        if "tier" in table:
            settings.tiers[rule] = table["tier"]
        options = {_kebab_to_snake(k): v for k, v in table.items() if k not in ("severity", "tier")}
        if options:
            settings.rule_options[rule] = options
    if "trust" in data:
        settings.trust = {_kebab_to_snake(k): v for k, v in data["trust"].items()}
    if "helm" in data:
        settings.helm = {**data["helm"], "config-root": root}
    if "kustomize" in data:
        settings.kustomize = dict(data["kustomize"])
    settings.config_path = config.path


def _inside_repository(config: Config, key: str, path: str) -> str:
    """A path a configuration file names: the configuration may come from the repository under
    review, so it must not lead out of it (:mod:`isolint.sources`)."""
    if config.path is not None and inside(path, run_root(config.path)) is None:
        raise ConfigError(f"{config.path}: {_where(config, [key])}: {path} {OUTSIDE}")
    return path


def check_rule_settings(config: Config, rules: Sequence[Any]) -> None:
    """Rule keys are selectors (:mod:`isolint.selectors`) that select a rule; option keys must be
    options each selected rule declares, of the same type (so a group or ``ALL`` takes only ``severity``)."""
    for key, table in config.data.get("rules", {}).items():
        selected = [r for r in rules if matches(key, r)]
        if not selected:
            raise ConfigError(f"{config.path}: unknown {_where(config, ['rules', key])}: no such rule "
                              "(see `isolint rules`)")
        for option, value in table.items():
            if option not in ("severity", "tier"):
                for rule in selected:
                    _check_option(config, key, rule, option, value)


def _check_option(config: Config, key: str, rule: Any, option: str, value: Any) -> None:
    declared = rule.meta.options
    name = _kebab_to_snake(option)
    if name not in declared:
        known = ", ".join(k.replace("_", "-") for k in declared) or "none"
        raise ConfigError(f"{config.path}: unknown {_where(config, ['rules', key, option])}: "
                          f"{rule.code} has no option {option!r} (its options: {known})")
    default = declared[name]
    if default is not None and not _same_kind(default, value):
        raise ConfigError(f"{config.path}: invalid value for {_where(config, ['rules', key, option])}: "
                          f"expected {type(default).__name__}, got {type(value).__name__}")


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    if isinstance(default, (list, tuple)):
        return isinstance(value, list)
    return isinstance(value, type(default))
