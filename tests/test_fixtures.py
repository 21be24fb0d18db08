# SPDX-License-Identifier: MIT
"""The fixtures of bad submissions (grader/tests/fixtures/NN-name/): each
graded on the tests it is about gets the verdict and the diagnosis its
`expect` file names."""

import tempfile
from pathlib import Path

import pytest

from kit import (FIXTURES, Expect, fixture_submission, grade, needs_fixtures, needs_solutions,
                 timed_tests)

pytestmark = [needs_fixtures, needs_solutions]
FOLDERS = sorted(p.parent for p in FIXTURES.glob("[0-9][0-9]-*/*/expect"))


def param(folder):
    """A fixture graded on tests that time is a timing test (conftest.py)."""
    only = Expect.read(folder / "expect").only
    timing = bool(timed_tests(folder.parent.name, only))
    return pytest.param(folder, id=f"{folder.parent.name}/{folder.name}",
                        marks=[pytest.mark.timing] if timing else [])


@pytest.mark.duration(5)
@pytest.mark.parametrize("folder", [param(f) for f in FOLDERS])
def test_fixture_gets_its_verdict(folder):
    lab = folder.parent.name
    expect = Expect.read(folder / "expect")
    with tempfile.TemporaryDirectory(prefix="kit-fixture-") as tmp:
        sub = fixture_submission(folder, lab, Path(tmp) / folder.name)
        g = grade(sub, lab, only=expect.only, timeout=expect.timeout)
    # Graded: 1 below full marks, or 3 (nothing lost, points held) or 0
    # when a speedup the machine cannot judge holds the points.
    assert g.status in (0, 1, 3), str(g.ran)
    problems = expect.problems(g)
    assert not problems, "\n".join(problems) + "\n" + str(g.ran)
