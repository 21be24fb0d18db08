# SPDX-License-Identifier: MIT
"""grade-class on a small class of lab 01, graded on its quick tests only:
the gradebook's rows, columns and totals; resuming, FORCE=1 and an
interrupted run; that a student's code cannot read another student's
folder; and bad input refused."""

import csv
import hashlib
import json
import shutil
import signal
import subprocess
import time

import pytest

from kit import (BUILD, FIXTURES, GRADE_CLASS, ROOT, describe, make, needs_fixtures, needs_solutions,
                 open_to_all, run)

LAB = "01-cores"
SUBMIT = "cores.c"
ONLY = "synthetic"
SECRET = "ALICE-SECRET-7f3a"
ATTACK = FIXTURES / "attacks" / "read-other-student"
WORK = BUILD / "test-class"


@pytest.fixture(scope="module")
def klass():
    """The class: every layout a student may hand in (a labs/ tree, an
    NN-name/ folder, flat files), a student who handed in nothing, and the
    attack."""
    shutil.rmtree(WORK, ignore_errors=True)
    c = WORK / "class"
    for d in (f"ann/labs/{LAB}", f"dave/{LAB}", "bob", "carl", "alice", ".hidden-not-a-student"):
        (c / d).mkdir(parents=True)
    solution = ROOT / "solutions" / LAB / SUBMIT
    shutil.copy(solution, c / "ann" / "labs" / LAB)
    shutil.copy(solution, c / "dave" / LAB)
    shutil.copy(ROOT / "labs" / LAB / SUBMIT, c / "bob")
    (c / "carl" / "README.txt").write_text("I will hand it in tomorrow\n")
    (c / "alice" / SUBMIT).write_text(solution.read_text() + f"/* {SECRET} */\n")
    shutil.copytree(ATTACK, c / "mallory")
    open_to_all(WORK)
    return c


def grade_class(*args, **kw):
    return run([GRADE_CLASS, "--kit", ROOT, *args], shared=False, **kw)


def gradebook(out):
    with open(out / "gradebook.csv", newline="") as f:
        return list(csv.reader(f))


def graded_by(results):
    """What a results.json says graded its lab, after checking that it is
    what grades the lab now: the hash of the kit's lab.ini, and the kit's
    last commit of what grades it."""
    by = json.loads(results.read_text())["extra_data"]["graded_by"]
    assert [b["lab"] for b in by] == [LAB], by
    spec = hashlib.sha256((ROOT / "labs" / LAB / "kit" / "lab.ini").read_bytes()).hexdigest()
    assert by[0]["lab_ini_sha256"] == spec, by
    commit = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%H", "--", f"labs/{LAB}", "grader",
                             "common", "mk", "Makefile", ":(exclude,glob)**/*.md"],
                            capture_output=True, text=True).stdout.strip()
    assert commit and by[0]["kit_commit"].split("+")[0] == commit, (by, commit)
    return spec, by[0]["kit_commit"]


def check_rows(out, students):
    rows = gradebook(out)
    header, body = rows[0], rows[1:]
    tests = [t["name"] for t in describe(LAB)["labs"][0]["tests"] if ONLY in t["name"]]
    assert header == ["student", *[f"{LAB}: {t}" for t in tests], "total", "max", "status",
                      "graded by"], header
    assert [r[0] for r in body] == students, "one row per student, sorted, none for a dot folder"
    n = len(tests)
    for r in body:
        student, cells, total, top, status = r[0], r[1:1 + n], float(r[n + 1]), float(r[n + 2]), r[n + 3]
        spec, commit = graded_by(out / student / LAB / "results.json")
        changes = "+changes" if commit.endswith("+changes") else ""
        assert r[n + 4] == f"{LAB}: lab.ini {spec[:8]}, kit {commit[:8]}{changes}", r
        results = out / student / LAB / "results.json"
        assert results.exists(), f"{student}: no results.json"
        d = json.loads(results.read_text())
        assert abs(sum(float(c) for c in cells) - total) < 0.01, r
        assert abs(sum(t["score"] for t in d["tests"]) - total) < 0.01, r
        assert abs(d["score"] - total) < 0.01, r
        assert (out / student / LAB / "report.txt").stat().st_size > 0
        if student == "carl":
            assert status.startswith(f"could not grade: {LAB}: ") and SUBMIT in status, status
        else:
            assert status == "graded", r
        if student in ("alice", "ann", "dave"):
            assert abs(total - top) < 0.01, f"{student} (a solution): {total} of {top}"
        if student == "bob":
            assert total < top, "bob (the starter) got full marks"


@pytest.mark.xdist_group("class")
@pytest.mark.duration(40)
@needs_solutions
@needs_fixtures
def test_class_graded_resumed_and_interrupted(klass):
    out = WORK / "out"
    students = ["alice", "ann", "bob", "carl", "dave", "mallory"]
    # 1. A first run through make: everyone graded but carl.
    ran = make("grade-class", f"SUBMISSIONS={klass}", "LAB=01", f"TEST={ONLY}", f"OUT={out}",
               shared=False, timeout=900)
    assert ran.status != 0, f"carl handed in nothing, yet make grade-class succeeded\n{ran}"
    assert "could not grade 1" in ran.output, str(ran)
    check_rows(out, students)
    # 2. mallory's code looked for alice's folder, and found nothing.
    assert SECRET in (klass / "alice" / SUBMIT).read_text()
    for f in (out / "mallory").rglob("*"):
        if f.is_file():
            assert SECRET not in f.read_text(errors="replace"), \
                f"{f} holds alice's secret: student code read another student's folder"
    # 3. A re-run skips everyone, quickly.
    marker = time.time()
    start = time.monotonic()
    ran = grade_class("--submissions", klass, "--lab", "01", "--test", ONLY, "--out", out)
    took = time.monotonic() - start
    assert ran.status == 1, str(ran)
    assert f"{len(students)} already graded, skipped; FORCE=1 regrades" in ran.output, str(ran)
    assert not [f for f in out.rglob("results.json") if f.stat().st_mtime > marker]
    assert took < 5, f"the re-run took {took:.1f} s"
    # 3b. Graded under another lab.ini or kit commit, or by a grader that
    # did not say: graded again, and said so.
    for student, key, value in [("alice", "lab_ini_sha256", "0" * 64), ("ann", "kit_commit", "deadbeef"),
                                ("dave", None, None)]:
        results = out / student / LAB / "results.json"
        d = json.loads(results.read_text())
        if key is None:
            del d["extra_data"]["graded_by"]
        else:
            d["extra_data"]["graded_by"][0][key] = value
        results.write_text(json.dumps(d))
    ran = grade_class("--submissions", klass, "--lab", "01", "--test", ONLY, "--out", out)
    assert f"{len(students) - 3} already graded" in ran.output, str(ran)
    for why in ("graded with another lab.ini", "graded with another kit commit",
                "graded by a grader that did not record what graded them"):
        assert f"{LAB}: 1 student {why}" in ran.output, str(ran)
    check_rows(out, students)
    # 4. A results.json cut short counts as not graded.
    bob = out / "bob" / LAB / "results.json"
    bob.write_bytes(bob.read_bytes()[:100])
    ran = grade_class("--submissions", klass, "--lab", "01", "--test", ONLY, "--out", out)
    assert f"{len(students) - 1} already graded" in ran.output and f"bob {LAB}" in ran.output, str(ran)
    # 5. An interrupted run leaves nothing half done that counts.
    marker = time.time()
    p = subprocess.Popen([GRADE_CLASS, "--kit", ROOT, "--submissions", klass, "--lab", "01",
                          "--test", ONLY, "--out", out, "--force", "--jobs", "1"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # Interrupted once the first student of this run is graded.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and p.poll() is None and \
            not [f for f in out.rglob("results.json") if f.stat().st_mtime > marker]:
        time.sleep(0.05)
    p.send_signal(signal.SIGTERM)
    output = p.communicate(timeout=120)[0]
    assert p.returncode == 1 and "interrupted" in output, output
    graded = len(list(out.rglob("results.json")))
    assert graded < len(students), "the run was not interrupted early enough to test"
    ran = grade_class("--submissions", klass, "--lab", "01", "--test", ONLY, "--out", out)
    assert f"{graded} already graded" in ran.output, str(ran)
    check_rows(out, students)
    # 6. A class where everyone is graded: exit status 0.
    good = WORK / "good"
    for s in ("ann", "dave"):
        shutil.copytree(klass / s, good / s)
    open_to_all(good)
    ran = grade_class("--submissions", good, "--lab", "01", "--test", ONLY, "--out", WORK / "good-out")
    assert ran.status == 0, str(ran)
    # 7. FORCE=1 regrades everyone (this small class, through make).
    marker = time.time()
    ran = make("grade-class", f"SUBMISSIONS={good}", "LAB=01", f"TEST={ONLY}",
               f"OUT={WORK / 'good-out'}", "FORCE=1", shared=False, timeout=900)
    assert ran.status == 0 and "already graded" not in ran.output, str(ran)
    regraded = [f for f in (WORK / "good-out").rglob("results.json") if f.stat().st_mtime > marker]
    assert len(regraded) == 2, f"FORCE=1 regraded {len(regraded)} of 2\n{ran}"


@pytest.mark.xdist_group("class")
@needs_solutions
def test_held_points_shown_counted_and_regraded(tmp_path):
    # On one usable CPU the speedup test of lab 02 is held, never judged.
    one_cpu = ["taskset", "-c", "0"]
    klass = tmp_path / "class"
    for s in ("ann", "dave"):
        (klass / s).mkdir(parents=True)
        shutil.copy(ROOT / "solutions" / "02-threads" / "parallel.c", klass / s)
    open_to_all(tmp_path)
    out = tmp_path / "out"
    args = ["--submissions", klass, "--lab", "02", "--test", "integrate", "--out", out]
    ran = run(one_cpu + [GRADE_CLASS, "--kit", ROOT, *args], shared=False)
    assert ran.status == 0, str(ran)
    assert "2 students graded with points held (2 tests not judged" in ran.output, str(ran)
    rows = gradebook(out)
    header = rows[0]
    speedup = header.index("02-threads: speedup: integrate (compute-bound)")
    matches = header.index("02-threads: integrate matches the serial reference")
    for r in rows[1:]:
        assert r[speedup] == "held" and float(r[matches]) == 20, r
        assert float(r[-4]) == 20 and float(r[-3]) == 45, f"total, max: {r}"
        assert r[-2] == "graded, 25 points held (1 test not judged)", r
    # dave's speedup judged since (his results.json says so): only ann, held,
    # is graded again.
    dave = out / "dave" / "02-threads" / "results.json"
    d = json.loads(dave.read_text())
    for t in d["tests"]:
        if t["extra_data"]["held"]:
            t["extra_data"]["held"] = False
            t["score"] = t["max_score"] = t["extra_data"]["points"]
    dave.write_text(json.dumps(d))
    ran = run(one_cpu + [GRADE_CLASS, "--kit", ROOT, *args, "--regrade-held"], shared=False)
    assert ran.status == 0 and "graded 1, skipped 1" in ran.output, str(ran)
    assert "1 student graded with points held (1 test not judged" in ran.output, str(ran)


def test_bad_input_refused(tmp_path):
    (tmp_path / "class").mkdir()
    (tmp_path / "empty").mkdir()
    for want, args in [
        ("no class to grade", []),
        ("no such folder", ["--submissions", tmp_path / "nowhere"]),
        ("no lab '99'", ["--submissions", tmp_path / "class", "--lab", "99"]),
        ("inside --submissions", ["--submissions", tmp_path / "class", "--out", tmp_path / "class" / "results"]),
        ("--jobs zero", ["--submissions", tmp_path / "class", "--jobs", "zero"]),
        ("holds no student folder", ["--submissions", tmp_path / "empty"]),
    ]:
        ran = grade_class(*args)
        assert ran.status == 2 and want in ran.output, str(ran)
    ran = make("grade-class")
    assert ran.status != 0 and "give SUBMISSIONS=DIR" in ran.output, str(ran)


@pytest.mark.xdist_group("class")
@needs_solutions
def test_student_report_leaves_out_what_shows_later(tmp_path):
    """Beside the instructor's report.txt, which holds every test,
    student-report.txt is what the student may see now: lab 02's hidden
    example test (after the due date) is in the one, not in the other."""
    klass = tmp_path / "class"
    (klass / "ann").mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / "02-threads" / "parallel.c", klass / "ann")
    open_to_all(tmp_path)
    ran = grade_class("--submissions", klass, "--lab", "02", "--test", "edge cases",
                      "--out", tmp_path / "out", "--similarity", "0")
    assert ran.status == 0, str(ran)
    folder = tmp_path / "out" / "ann" / "02-threads"
    whole, shown = (folder / "report.txt").read_text(), (folder / "student-report.txt").read_text()
    assert "edge cases (hidden)" in whole, whole
    assert "edge cases" not in shown and "1 more test (5 points) was graded" in shown, shown
