# SPDX-License-Identifier: MIT
"""The student kit (make release OUT=DIR): a git repository of one commit
that holds no reference solution, no fixture of bad submissions and no
hidden test, by name or by content; the student's README; its grader
grades as the instructor's does; a kit whose starter is solved is refused;
bad input refused."""

import json

import pytest

from kit import (FIXTURES, ROOT, SOLUTIONS, STUDENT_KIT, describe, grade, make, needs_solutions,
                 open_to_all, run)

if not (ROOT / "docs" / "student-kit.md").is_file():
    pytest.skip(STUDENT_KIT + "the student kit's README: a student kit makes no other",
                allow_module_level=True)
LAB = "01-cores"
ONLY = "synthetic"


def files_of(top):
    return [p for p in top.rglob("*") if p.is_file() and ".git" not in p.relative_to(top).parts]


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "kit"
    ran = make("release", f"OUT={out}", timeout=300)
    assert ran.status == 0 and "RELEASE" in ran.output, str(ran)
    return out


@needs_solutions
def test_release_holds_nothing_of_the_instructors(release):
    log = run(["git", "-C", release, "log", "--oneline"])
    assert log.status == 0 and len(log.output.splitlines()) == 1, str(log)
    assert run(["git", "-C", release, "status", "--porcelain"]).output == ""
    for gone in ("solutions", "tests/mutation", "docs/student-kit.md"):
        assert not (release / gone).exists(), f"the student kit holds {gone}"
    assert not list(release.glob("labs/*/kit/hidden")), "the student kit holds hidden tests"
    assert [p.name for p in (release / "grader/tests/fixtures").iterdir()] == ["starters.expect"]
    # By content: not one file of the student kit is a solution's, or a
    # fixture's, whatever it is called.
    secret = {p.read_bytes() for p in files_of(SOLUTIONS)}
    secret |= {p.read_bytes() for p in files_of(FIXTURES) if p.name.endswith((".c", ".patch"))}
    secret |= {p.read_bytes() for p in ROOT.glob("labs/*/kit/hidden/*")}
    secret.discard(b"")
    leaked = [str(p.relative_to(release)) for p in files_of(release) if p.read_bytes() in secret]
    assert not leaked, f"the student kit holds the instructor's files: {leaked}"
    readme = (release / "README.md").read_text()
    assert readme.startswith("<!-- SPDX") and "your kit" in readme and "hidden tests" in readme
    for lab in ("01-cores", "02-threads", "03-locks", "04-processes"):
        assert (release / "labs" / lab / "kit" / "lab.ini").is_file()
    # Its lab.ini files hold the tests a student may see, and the grader
    # reads every lab of it: none names a test case that stayed behind.
    ours, theirs = describe(), describe(kit=release)
    for mine, shipped in zip(ours["labs"], theirs["labs"]):
        visible = [t["name"] for t in mine["tests"] if t["visibility"] == "visible"]
        assert [t["name"] for t in shipped["tests"]] == visible, (mine["lab"], shipped["tests"])


@pytest.mark.duration(15)
def test_release_grades_as_the_instructors_kit(release):
    open_to_all(release)
    results = release / "build" / "results.json"
    ran = run(["make", "-s", "-C", release, "grade", f"LAB={LAB}", f"TEST={ONLY}",
               f"RESULTS={results}"], timeout=600)
    # The starter: graded, below full marks (the grader's 1, make's 2).
    assert ran.status == 2 and "grade] Error 1" in ran.output, str(ran)
    theirs = {t["name"]: t["score"] for t in json.loads(results.read_text())["tests"]}
    ours = grade(ROOT / "labs", LAB, only=ONLY)
    assert theirs and theirs == {t["name"]: t["score"] for t in ours.results["tests"]}, \
        f"{theirs}\n{ours.ran}"


@needs_solutions
@pytest.mark.duration(5)
def test_a_solution_never_ships(tmp_path):
    """A starter committed solved, or a solution under another name: the
    release is refused, names the file, and leaves no folder behind."""
    clone = tmp_path / "kit"
    git = ["git", "-C", clone, "-c", "user.name=kit", "-c", "user.email=kit@localhost"]
    assert run(["git", "clone", "-q", ROOT, clone]).status == 0
    hidden = clone / "labs" / "02-threads" / "kit" / "notes.c"
    hidden.write_bytes((SOLUTIONS / "02-threads" / "parallel.c").read_bytes())
    assert run([*git, "add", "-A"]).status == 0 and run([*git, "commit", "-qm", "x"]).status == 0
    out = tmp_path / "student"
    ran = run(["bash", clone / "mk" / "release.sh", out])
    assert ran.status == 1 and "labs/02-threads/kit/notes.c" in ran.output \
        and "solutions/02-threads/parallel.c" in ran.output, str(ran)
    assert not out.exists()


def test_bad_release_requests_refused(tmp_path):
    script = ROOT / "mk" / "release.sh"
    ran = run(["bash", script])
    assert ran.status == 2 and "usage: make release OUT=DIR" in ran.output, str(ran)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("keep me\n")
    ran = run(["bash", script, tmp_path / "full"])
    assert ran.status == 2 and "is not an empty folder" in ran.output, str(ran)
    assert (tmp_path / "full" / "mine.txt").read_text() == "keep me\n"
