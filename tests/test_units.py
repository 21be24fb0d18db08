# SPDX-License-Identifier: MIT
"""The C unit tests, in Check: libkit's (common/tests/) and the grader's
(grader/tests/), each in the release build and under the sanitizers. A
check that cannot run here (it needs root, or gnuplot) prints a SKIPPED
line; its suite then shows as skipped, with the reasons."""

import pytest

from kit import BUILD, IS_ROOT, ROOT, make, run

CASES = [("run-unit-tests", mode) for mode in ("release", "asan", "tsan")] + \
        [("run-grader-tests", mode) for mode in ("release", "asan")]


@pytest.mark.duration(25)
@pytest.mark.parametrize("target,mode", CASES,
                         ids=[f"{t.split('-')[1]}-{m}" for t, m in CASES])
def test_unit_suite(target, mode):
    ran = make(target, f"MODE={mode}", timeout=900)
    summaries = [l for l in ran.output.splitlines() if "%: Checks: " in l]
    assert ran.status == 0, str(ran)
    # The grader's suites run in parts at once (mk/grader.mk): the rest and
    # each tcase tagged "waits", a report each.
    if target == "run-grader-tests":
        assert len(summaries) >= 2, str(ran)
    else:
        assert len(summaries) == 1, str(ran)
    assert all(s.endswith("Failures: 0, Errors: 0") for s in summaries), str(ran)
    # A check that could not run here said so (grader/tests/suites.h): the
    # suite passed, and the closing line counts what it could not check.
    skipped = [l[len("SKIPPED: "):] for l in ran.output.splitlines() if l.startswith("SKIPPED: ")]
    if skipped:
        pytest.skip(f"passed, but {len(skipped)} check(s) could not run here: " + "; ".join(skipped))


def reachable_by_others(path):
    """Whether a user who owns nothing here can reach `path` (every folder
    above it open to others)."""
    return all(p.stat().st_mode & 0o001 for p in [path, *path.parents])


@pytest.mark.skipif(not IS_ROOT, reason="running the suite as an unprivileged user needs root")
def test_a_check_that_cannot_run_says_so():
    binary = BUILD / "release" / "grader" / "tests" / "check_grader"
    if not reachable_by_others(binary.parent) or not reachable_by_others(ROOT):
        pytest.skip(f"{ROOT} is closed to other users: the suite cannot run as nobody here")
    ran = run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", binary],
              env={"CK_RUN_SUITE": "sandbox", "CK_DEFAULT_TIMEOUT": "60"}, cwd="/tmp")
    assert ran.status == 0, str(ran)
    assert "SKIPPED: root_runs_student_code_walled_in: the sandbox user's walls need root" \
        in ran.output, str(ran)
