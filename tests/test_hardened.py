"""A hardened Deployment, Compose service and multi-stage Dockerfile produce no findings.

The default output must stay quiet on hardened configuration: anything reported here would be
noise that teaches users to ignore the tool.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from isolint.runner import run
from isolint.settings import Settings

HARDENED = Path(__file__).resolve().parent.parent / "fixtures" / "hardened"


@pytest.mark.parametrize("profile", [None, "pss-baseline", "pss-restricted"])
def test_hardened_configuration_is_silent(profile):
    result = run([str(HARDENED)], Settings(profile=profile))
    assert result.errors == []
    assert [(d.rule, d.location.path, d.location.line, d.message) for d in result.diagnostics] == []
    assert result.files == 3
    assert {m.format.value for m in result.models if m.format} == {"kubernetes", "compose", "dockerfile"}
