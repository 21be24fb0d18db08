# SPDX-License-Identifier: MIT
"""The C unit tests, in Check: libkit's (common/tests/) and the grader's
(grader/tests/), each in the release build and under the sanitizers."""

import pytest

from kit import check_summary, make

CASES = [("run-unit-tests", mode) for mode in ("release", "asan", "tsan")] + \
        [("run-grader-tests", mode) for mode in ("release", "asan")]


@pytest.mark.duration(25)
@pytest.mark.parametrize("target,mode", CASES,
                         ids=[f"{t.split('-')[1]}-{m}" for t, m in CASES])
def test_unit_suite(target, mode):
    ran = make(target, f"MODE={mode}", timeout=900)
    summary = check_summary(ran.output)
    assert ran.status == 0, str(ran)
    assert summary and summary.endswith("Failures: 0, Errors: 0"), str(ran)
