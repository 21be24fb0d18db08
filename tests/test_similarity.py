# SPDX-License-Identifier: MIT
"""grade-class's similarity report (sim_c, the starter's lines left out):
a planted copy of the reference solution (renamed variables, reordered
functions, other comments) is flagged beside it, with a side-by-side
listing; an independently written solution is not, nor are two students
who both handed in the untouched starter; and the gradebook is the same
with the report as without it."""

import csv
import shutil

import pytest

from kit import FIXTURES, GRADE_CLASS, ROOT, needs_fixtures, needs_solutions, open_to_all, run

LAB = "02-threads"
SUBMIT = "parallel.c"
ONLY = "integrate matches"
PLANTED = FIXTURES / "similarity" / LAB / "planted-copy" / SUBMIT
INDEPENDENT = FIXTURES / "similarity" / LAB / "independent" / SUBMIT


def rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


@pytest.mark.duration(20)
@needs_solutions
@needs_fixtures
def test_copy_flagged_independent_work_not(tmp_path):
    if shutil.which("sim_c") is None:
        pytest.skip("sim_c is not installed (make deps installs similarity-tester)")
    klass = tmp_path / "class"
    handed_in = {
        "ann": ROOT / "solutions" / LAB / SUBMIT,
        "mallory": PLANTED,
        "ivy": INDEPENDENT,
        "bob": ROOT / "labs" / LAB / SUBMIT,
        "bea": ROOT / "labs" / LAB / SUBMIT,
    }
    for student, source in handed_in.items():
        (klass / student).mkdir(parents=True)
        shutil.copy(source, klass / student / SUBMIT)
    open_to_all(tmp_path)
    common = [GRADE_CLASS, "--kit", ROOT, "--submissions", klass, "--lab", "02", "--test", ONLY]

    ran = run([*common, "--out", tmp_path / "out"], shared=False)
    assert ran.status == 0, str(ran)
    assert "similarity: 1 pair at 50 % or more" in ran.output and "never penalised" in ran.output, str(ran)
    report = rows(tmp_path / "out" / "similarity" / "similarity.csv")
    assert report[0] == ["lab", "file", "student", "other", "percent", "side by side"], report
    assert [r[:4] for r in report[1:]] == [[LAB, SUBMIT, "ann", "mallory"]], report
    assert int(report[1][4]) >= 90, f"the planted copy shares only {report[1][4]} %"
    listing = tmp_path / "out" / report[1][5]
    assert listing.is_file() and "|" in listing.read_text(), f"no side-by-side listing at {listing}"
    assert f"ann/{SUBMIT}" in listing.read_text() and f"mallory/{SUBMIT}" in listing.read_text()

    # The independent solution shares far less with the reference: shown
    # at a threshold low enough to list every pair, it stays under 30 %.
    low = run([*common, "--out", tmp_path / "low", "--similarity", "1"], shared=False)
    assert low.status == 0, str(low)
    shares = {tuple(sorted(r[2:4])): int(r[4]) for r in rows(tmp_path / "low" / "similarity" / "similarity.csv")[1:]}
    for pair in (("ann", "ivy"), ("ivy", "mallory")):
        assert shares.get(pair, 0) < 30, f"{pair} share {shares[pair]} %: independent work flagged"
    assert ("bea", "bob") not in shares, f"the untouched starter counted as copied work: {shares}"

    # Flagged, never penalised: the gradebook is the one a run without the
    # report writes.
    off = run([*common, "--out", tmp_path / "off", "--similarity", "0"], shared=False)
    assert off.status == 0 and "similarity:" not in off.output, str(off)
    assert not (tmp_path / "off" / "similarity").exists()
    book = rows(tmp_path / "out" / "gradebook.csv")
    assert book == rows(tmp_path / "off" / "gradebook.csv")
    by = {r[0]: r for r in book[1:]}
    assert by["mallory"][-4] == by["ann"][-4], "the flagged copy lost points"
