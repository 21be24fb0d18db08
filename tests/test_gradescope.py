# SPDX-License-Identifier: MIT
"""The Gradescope package (make gradescope, ci/gradescope/): the zip holds
the autograder's scripts and the kit without solutions; its setup.sh
builds the grader; its run_autograder grades every layout a student may
upload, gives the reference solution full marks and an empty submission
zero with the missing file named, and leaves a valid results.json even
when it cannot grade."""

import hashlib
import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest

from kit import GRADER, ROOT, describe, make, needs_solutions, open_to_all, run

# Lab 01: the package's grading is the grader's, whatever the lab; lab 01
# has no speedup test, so the whole lab grades in seconds.
LAB = "01-cores"
SUBMIT = "cores.c"


def check_results(path):
    """results.json as Gradescope's specification reads it; returns it."""
    d = json.loads(Path(path).read_text())
    num = (int, float)
    assert isinstance(d, dict)
    tests = d.get("tests", [])
    assert isinstance(tests, list)
    assert "score" in d or (tests and all("score" in t for t in tests))
    assert isinstance(d.get("score", 0), num) and d.get("score", 0) >= 0
    for key in ("output", "visibility", "stdout_visibility"):
        assert key not in d or isinstance(d[key], str), key
    for t in tests:
        assert isinstance(t.get("name"), str), t
        for key in ("score", "max_score"):
            assert key not in t or (isinstance(t[key], num) and t[key] >= 0), t
        assert t.get("status", "passed") in ("passed", "failed"), t
        assert t.get("visibility", "visible") in ("hidden", "after_due_date", "after_published", "visible")
    total = sum(t.get("score", 0) for t in tests)
    assert abs(total - d.get("score", total)) < 1e-6, "the tests' scores do not add up to the score"
    return d


@pytest.fixture(scope="module")
def autograder():
    """The zip, unpacked into a fake /autograder as Gradescope does, and
    built by its setup.sh."""
    ran = make("gradescope", "LAB=01", timeout=300)
    assert ran.status == 0, str(ran)
    z = ROOT / "build" / "gradescope" / f"{LAB}-autograder.zip"
    names = zipfile.ZipFile(z).namelist()
    wants = ["setup.sh", "run_autograder", "lab", "kit-commit", "kit/Makefile",
             "kit/mk/deps.sh", f"kit/labs/{LAB}/kit/lab.ini", "kit/grader/main.c"]
    # The hidden tests are the autograder's to run (a student kit has none).
    if (ROOT / "labs" / "02-threads" / "kit" / "hidden" / "check_hidden.c").is_file():
        wants.append("kit/labs/02-threads/kit/hidden/check_hidden.c")
    for want in wants:
        assert want in names, f"the zip lacks {want}"
    assert not any(n.startswith(("kit/build/", "kit/solutions/", "kit/.git/")) for n in names)
    top = Path(tempfile.mkdtemp(prefix="kit-autograder-"))
    ag = top / "autograder"
    for sub in ("source", "submission", "results"):
        (ag / sub).mkdir(parents=True)
    # unzip keeps the x bits, which zipfile does not.
    subprocess.run(["unzip", "-q", z, "-d", ag / "source"], check=True)
    shutil.copy(ag / "source" / "run_autograder", ag / "run_autograder")
    assert (ag / "source" / "lab").read_text().strip() == LAB
    ran = run([ag / "source" / "setup.sh", "--no-install"], timeout=600)
    assert ran.status == 0, str(ran)
    assert (ag / "source/kit/build/release/grader/grader").exists()
    open_to_all(top)
    yield ag
    shutil.rmtree(top, ignore_errors=True)


def run_autograder(ag, only=None):
    (ag / "results" / "results.json").unlink(missing_ok=True)
    env = {"AUTOGRADER_ROOT": str(ag), "AUTOGRADER_TEST": only or ""}
    ran = run([ag / "run_autograder"], env=env, timeout=900, shared=False)
    assert ran.status == 0, str(ran)
    assert (ag / "results" / "results.json").stat().st_size > 0, str(ran)
    return check_results(ag / "results" / "results.json")


def submit(ag, folder, files):
    shutil.rmtree(ag / "submission")
    (ag / "submission" / folder).mkdir(parents=True)
    for f in files:
        shutil.copy(f, ag / "submission" / folder)
    open_to_all(ag / "submission")


def test_bad_lab_refused():
    for bad in ("", "99"):
        ran = run([ROOT / "mk" / "gradescope.sh", bad])
        assert ran.status == 2 and ("usage: make gradescope" in ran.output or f"no lab '{bad}'" in ran.output), str(ran)


@pytest.mark.xdist_group("gradescope")
@pytest.mark.duration(20)
@needs_solutions
@pytest.mark.parametrize("layout", [".", f"labs/{LAB}", LAB, "my work"],
                         ids=["flat files", "a labs/ tree", "an NN-name folder", "a folder of any name"])
def test_every_layout_graded(autograder, layout):
    submit(autograder, layout, [ROOT / "solutions" / LAB / SUBMIT])
    d = run_autograder(autograder, "synthetic machines")
    assert d["tests"] and all(t["status"] == "passed" for t in d["tests"]), d


@pytest.mark.xdist_group("gradescope")
@pytest.mark.duration(10)
@needs_solutions
def test_reference_solution_full_marks(autograder):
    """The whole lab: full marks, every test of lab.ini there, a speedup
    the machine cannot judge held rather than lost."""
    submit(autograder, ".", [ROOT / "solutions" / LAB / SUBMIT])
    d = run_autograder(autograder, "")
    lab = describe(LAB)["labs"][0]
    points = {t["name"]: t["points"] for t in lab["tests"]}
    got = {t["name"].split(": ", 1)[1]: t for t in d["tests"]}
    assert set(got) == set(points), "the tests are not lab.ini's tests"
    held = 0
    for name, t in got.items():
        extra = t.get("extra_data", {})
        if extra.get("held"):
            assert extra.get("kind") == "speedup" and t["score"] == t["max_score"] == 0, t
            held += points[name]
        else:
            assert t["status"] == "passed" and abs(t["score"] - points[name]) < 1e-6, t
    assert abs(d["score"] - (lab["points"] - held)) < 1e-6
    # The packed kit has no git history, yet the grade names the commit
    # that graded it, as a git checkout would.
    commit = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%H", "--", f"labs/{LAB}", "grader",
                             "common", "mk", "Makefile", ":(exclude,glob)**/*.md"],
                            capture_output=True, text=True).stdout.strip()
    assert d["extra_data"]["graded_by"] == [
        {"lab": LAB, "lab_ini_sha256": hashlib.sha256((ROOT / "labs" / LAB / "kit" / "lab.ini").read_bytes()).hexdigest(),
         "kit_commit": commit}], d["extra_data"]["graded_by"]


@pytest.mark.xdist_group("gradescope")
def test_empty_submission_zero(autograder):
    submit(autograder, ".", [])
    d = run_autograder(autograder)
    assert d["score"] == 0
    assert any(SUBMIT in t.get("output", "") for t in d["tests"])
    assert all(t.get("status") == "failed" for t in d["tests"])


@pytest.mark.xdist_group("gradescope")
def test_broken_package_still_writes_results(autograder):
    (autograder / "source" / "lab").write_text("99-no-such-lab\n")
    try:
        d = run_autograder(autograder)
    finally:
        (autograder / "source" / "lab").write_text(LAB + "\n")
    assert d["score"] == 0 and "names no lab" in json.dumps(d)


@pytest.mark.duration(4)
@needs_solutions
def test_a_solved_lab_never_ships(tmp_path):
    """make gradescope packs the last commit, and refuses a lab solved in
    the working copy, or one whose committed starter is the solution."""
    clone = tmp_path / "kit"
    git = ["git", "-C", clone, "-c", "user.name=kit", "-c", "user.email=kit@localhost"]
    assert run(["git", "clone", "-q", ROOT, clone]).status == 0
    starter = clone / "labs" / LAB / SUBMIT
    starter.write_bytes((ROOT / "solutions" / LAB / SUBMIT).read_bytes())
    script = ["bash", clone / "mk" / "gradescope.sh", LAB]
    env = {"GRADER": str(GRADER)}

    ran = run(script, env=env)
    assert ran.status == 1, str(ran)
    assert "differ from the last commit" in ran.output and f"labs/{LAB}/{SUBMIT}" in ran.output, str(ran)
    assert not (clone / "build" / "gradescope" / f"{LAB}-autograder.zip").exists()

    assert run(git + ["commit", "-qam", "solved"]).status == 0
    ran = run(script, env=env)
    assert ran.status == 1, str(ran)
    assert "are the reference solution" in ran.output and f"labs/{LAB}/{SUBMIT}" in ran.output, str(ran)

    # Back to the starter, committed: the zip is made, from that commit.
    assert run(git + ["revert", "--no-edit", "HEAD"]).status == 0
    (clone / "labs" / LAB / "README.md").write_text("changed, not committed\n")
    ran = run(script, env=env)
    assert ran.status == 0, str(ran)
    assert "not these uncommitted changes" in ran.output, str(ran)
    names = zipfile.ZipFile(clone / "build" / "gradescope" / f"{LAB}-autograder.zip")
    assert "changed, not committed" not in names.read(f"kit/labs/{LAB}/README.md").decode()
