"""Hypothesis profiles: with ``CI`` set (``.ci/run`` sets it) property tests are derandomized, so a CI
run tries the same examples every time and cannot turn red by chance; locally they stay random, to
keep finding new cases. ``HYPOTHESIS_PROFILE=ci`` picks the CI profile by hand."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))
