"""Tests for the Compose parser: typed reads: Compose booleans and interpolation
(``isolint.parsers.compose.reader``, ``.interpolation``).
"""

from __future__ import annotations

import pytest

from isolint.model import Location, Value
from isolint.parsers.compose.interpolation import InterpolationError, interpolate

from .compose_helpers import PATH, at, container, messages, parse


# -- booleans and interpolation ----------------------------------------------------------------
@pytest.mark.parametrize(("spelling", "expected"), [
    ("true", True), ("'On'", True), ("'YES'", True), ("y", True), ("'off'", False), ("'N'", False), ("no", False),
])
def test_compose_boolean_spellings(spelling: str, expected: bool) -> None:
    model = parse(f"services:\n  a:\n    read_only: {spelling}\n")
    assert model.errors == []
    value = container(model, "a").security.read_only_root_filesystem
    assert value is not None and value.value is expected and at(value) == (3, 5)


def test_interpolated_boolean_with_default_taken_is_uncertain() -> None:
    model = parse("""
        services:
          a:
            privileged: ${PRIV:-true}
        """)
    assert model.errors == []
    assert container(model, "a").security.privileged == Value(True, Location(PATH, 3, 5), False, "${PRIV:-true}")


def test_interpolated_boolean_from_environment_is_certain() -> None:
    model = parse("services:\n  a:\n    privileged: ${PRIV:-false}\n", env={"PRIV": "yes"})
    assert container(model, "a").security.privileged == Value(True, Location(PATH, 3, 5), True, "${PRIV:-false}")


def test_unset_variable_without_default_is_unknown_not_an_error() -> None:
    model = parse("services:\n  a:\n    read_only: ${RO}\n    image: ${IMG}\n")
    assert model.errors == []
    c = container(model, "a")
    assert c.security.read_only_root_filesystem is None
    assert c.image == Value("", Location(PATH, 4, 5), False, "${IMG}")


def test_user_from_unset_variable_default() -> None:
    model = parse('services:\n  a:\n    user: "${UID:-0}"\n')
    user = container(model, "a").security.run_as_user
    assert user == Value(0, Location(PATH, 3, 5), False, "${UID:-0}")


def test_dollar_dollar_is_a_literal_dollar() -> None:
    model = parse("services:\n  a:\n    command: echo $$HOME\n", env={"HOME": "/root"})
    assert [v.value for v in container(model, "a").args] == ["echo", "$HOME"]


def test_keys_are_not_interpolated() -> None:
    model = parse("services:\n  ${NAME:-web}:\n    image: x\n", env={"NAME": "other"})
    assert [w.resource.name for w in model.workloads] == ["${NAME:-web}"]


@pytest.mark.parametrize(("template", "env", "expected"), [
    ("${A}", {"A": "1"}, ("1", True)),
    ("$A/x", {"A": "1"}, ("1/x", True)),
    ("${A:-d}", {}, ("d", False)),
    ("${A:-d}", {"A": ""}, ("d", True)),
    ("${A-d}", {"A": ""}, ("", True)),
    ("${A-d}", {}, ("d", False)),
    ("${A:?must be set}", {"A": "v"}, ("v", True)),
    ("${A:?must be set}", {}, ("", False)),
    ("${A?err}", {"A": ""}, ("", True)),
    ("${A:+alt}", {"A": "v"}, ("alt", True)),
    ("${A:+alt}", {}, ("", False)),
    ("${A:-${B:-x}}", {}, ("x", False)),
    ("${A:-${B:-x}}", {"B": "b"}, ("b", False)),
    ("${A:-${B}}", {"A": "a"}, ("a", True)),
    ("$$A ${A}", {"A": "1"}, ("$A 1", True)),
    ("cost $ 5", {}, ("cost $ 5", True)),
    ("${A:-{x}}", {}, ("{x}", False)),  # the first "}" ends the default
])
def test_interpolation_forms(template: str, env: dict[str, str], expected: tuple[str, bool]) -> None:
    assert interpolate(template, env.get) == expected


@pytest.mark.parametrize("template", ["${", "${A", "${1A}", "${A:x}", "${A:-unclosed"])
def test_invalid_interpolation_raises(template: str) -> None:
    with pytest.raises(InterpolationError):
        interpolate(template, {}.get)


def test_invalid_interpolation_is_a_parse_error() -> None:
    model = parse("services:\n  a:\n    image: ${A:x}\n")
    assert len(model.errors) == 1
    error = model.errors[0]
    assert (error.line, error.column) == (3, 5)
    assert error.message.startswith("invalid Compose file: services.a.image: invalid interpolation format")


def test_a_key_with_no_value_is_what_compose_refuses() -> None:
    # Compose: "services.a.user must be a string", "... privileged must be a boolean or string" ...
    model = parse("services:\n  a:\n    image: x\n    user:\n    privileged:\n    cap_add:\n"
                  "    ports: [{target: 80, published: 8080, host_ip: }]\n")
    assert [(line, text.split(": ")[1]) for line, _, text in messages(model)] == [
        (4, "services.a.user"), (5, "services.a.privileged"), (6, "services.a.cap_add"),
        (7, "services.a.ports[0].host_ip")]
    port = container(model, "a").ports[0]
    assert port.host_ip is None and port.host_port is not None  # read as unset: all interfaces
