# SPDX-License-Identifier: MIT
"""The C unit tests, in Check: libkit's (common/tests/) and the grader's
(grader/tests/), each in the release build and under the sanitizers."""

import pytest

from kit import make

CASES = [("run-unit-tests", mode) for mode in ("release", "asan", "tsan")] + \
        [("run-grader-tests", mode) for mode in ("release", "asan")]


@pytest.mark.duration(25)
@pytest.mark.parametrize("target,mode", CASES,
                         ids=[f"{t.split('-')[1]}-{m}" for t, m in CASES])
def test_unit_suite(target, mode):
    ran = make(target, f"MODE={mode}", timeout=900)
    summaries = [l for l in ran.output.splitlines() if "%: Checks: " in l]
    assert ran.status == 0, str(ran)
    # The grader's suites run in two parts at once (mk/grader.mk): a report each.
    assert len(summaries) == (2 if target == "run-grader-tests" else 1), str(ran)
    assert all(s.endswith("Failures: 0, Errors: 0") for s in summaries), str(ran)
