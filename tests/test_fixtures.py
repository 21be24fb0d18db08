# SPDX-License-Identifier: MIT
"""The fixtures of bad submissions (grader/tests/fixtures/NN-name/): each
graded on the tests it is about gets the verdict and the diagnosis its
`expect` file names."""

import tempfile
from pathlib import Path

import pytest

from kit import FIXTURES, Expect, fixture_submission, grade

FOLDERS = sorted(p.parent for p in FIXTURES.glob("[0-9][0-9]-*/*/expect"))
# Speedup fixtures are measured: longer, and the machine to themselves.
SLOW = {"serial", "slow-one-thread", "global-lock", "volatile-counter"}


@pytest.mark.duration(8)
@pytest.mark.parametrize("folder", FOLDERS, ids=[f"{p.parent.name}/{p.name}" for p in FOLDERS])
def test_fixture_gets_its_verdict(folder):
    lab = folder.parent.name
    expect = Expect.read(folder / "expect")
    with tempfile.TemporaryDirectory(prefix="kit-fixture-") as tmp:
        sub = fixture_submission(folder, lab, Path(tmp) / folder.name)
        g = grade(sub, lab, only=expect.only, timeout=expect.timeout)
    # 0 too: a speedup the machine cannot judge holds the points.
    assert g.status in (0, 1), str(g.ran)
    problems = expect.problems(g)
    assert not problems, "\n".join(problems) + "\n" + str(g.ran)
