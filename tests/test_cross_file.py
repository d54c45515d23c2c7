"""A Compose service with ``build:`` is judged with the Dockerfile it builds (fixtures/advisor)."""

from __future__ import annotations

import os

from isolint.runner import run
from isolint.settings import Settings

from .fixture_harness import FIXTURES

ADVISOR = FIXTURES / "advisor"


def _findings(directory: str, *codes: str):
    compose = ADVISOR / directory / "compose.yaml"
    result = run([str(compose)], Settings(select=list(codes)))
    assert not result.errors, result.errors
    return result


def test_root_image_is_reported_on_build_with_the_dockerfile_as_related():
    result = _findings("root-build", "USR003")
    [finding] = [d for d in result.diagnostics if d.resource.name == "web"]
    assert finding.location.line == 5  # the service's build: key
    [(related, message)] = finding.related
    assert os.path.samefile(related.path, ADVISOR / "root-build" / "app" / "Dockerfile")
    assert related.line == 1 and "without USER" in message


def test_inline_dockerfile_ending_as_root_is_reported_on_build():
    result = _findings("root-build", "USR002")
    [finding] = [d for d in result.diagnostics if d.resource.name == "inline"]
    assert finding.location.line == 9 and "USER root" in finding.message


def test_service_user_overrides_the_image():
    assert not _findings("user-override", "USR002", "USR003").diagnostics


def test_user_inherited_through_from_stage_is_not_root():
    result = _findings("inherited-user", "USR002", "USR003")
    assert not result.diagnostics
    [workload] = [w for m in result.models for w in m.workloads]
    assert workload.target_stage is not None and workload.target_stage.effective_user.value == "10001"
