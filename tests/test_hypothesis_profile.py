"""The Hypothesis profile of the root conftest.py: no per-example deadline unless asked for."""

from __future__ import annotations

import os

from hypothesis import settings


def test_the_ci_profile_has_no_deadline() -> None:
    assert settings.get_profile("ci").deadline is None


def test_the_profile_named_by_the_environment_is_loaded() -> None:
    # given HYPOTHESIS_PROFILE (default: ci), the settings a test decorates itself with inherit it
    profile = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
    assert settings(max_examples=5).deadline == profile.deadline
