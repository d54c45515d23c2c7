"""The promises of docs/security.md, each tested here: the repository under review is hostile."""

from __future__ import annotations

import pytest

from isolint.parsers.compose import parse_compose


def test_compose_interpolation_never_reads_the_process_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISOLINT_TEST_SECRET", "s3cr3t-marker")
    model = parse_compose("compose.yaml", 'services:\n  a:\n    image: "x:${ISOLINT_TEST_SECRET:-safe}"\n')
    [workload] = model.workloads
    image = workload.containers[0].image
    assert image.value == "x:safe" and image.certain is False  # the default branch, low confidence
    # given explicitly (the opt-in), it is used
    model = parse_compose("compose.yaml", 'services:\n  a:\n    image: "x:${ISOLINT_TEST_SECRET:-safe}"\n',
                          environ={"ISOLINT_TEST_SECRET": "given"})
    assert model.workloads[0].containers[0].image.value == "x:given"
