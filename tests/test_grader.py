# SPDX-License-Identifier: MIT
"""The grader on the kit's own labs: the reference solutions at full marks,
the starters at zero and promptly, points held exiting 3, `--describe`
saying what lab.ini says, and bad input refused with one message and exit
status 2."""

import shutil
import tempfile
from pathlib import Path

import pytest

from kit import (FIXTURES, GRADER, IS_ROOT, MAKE, ROOT, Expect, describe, grade, needs_solutions,
                 open_to_all, run, timed_tests)


LABS = [lab["lab"] for lab in describe()["labs"]]


def split(lab):
    """A lab's tests: those that time, and the others (kit.timed_tests)."""
    timed = timed_tests(lab)
    others = [t["name"] for t in describe(lab)["labs"][0]["tests"] if t["name"] not in timed]
    return timed, others


def full_marks(g):
    held = any(t.get("extra_data", {}).get("held") for t in g.results.get("tests", []))
    # 3: nothing lost, but points held (never judged).
    assert g.status == (3 if held else 0), str(g.ran)
    assert g.results["tests"] and g.results["score"] > 0, str(g.ran)
    for t in g.results["tests"]:
        assert t["score"] == t["max_score"] or t.get("extra_data", {}).get("held"), \
            f"{t['name']}: {t['score']}/{t['max_score']}\n{t['output']}"


# The solutions a lab at a time, their tests that time apart from the
# others, so that they spread over the workers and the machine; `make grade
# SUBMISSION=solutions` grades them all in one run.
@pytest.mark.duration(20)
@pytest.mark.parametrize("lab", LABS)
@needs_solutions
def test_solution_grades_at_full_marks(lab):
    full_marks(grade(ROOT / "solutions", lab, only=split(lab)[1]))


TIMED = [(lab, name) for lab in LABS for name in split(lab)[0]]


@pytest.mark.timing
@pytest.mark.duration(3)
@pytest.mark.parametrize("lab,name", TIMED, ids=[f"{l}: {n}" for l, n in TIMED])
@needs_solutions
def test_solution_measures_at_full_marks(lab, name):
    g = grade(ROOT / "solutions", lab, only=name)
    (t,) = g.results["tests"]
    if t.get("extra_data", {}).get("held"):
        # The grader's own verdict: this machine cannot judge the test now.
        why = next((line for line in t["output"].splitlines()
                    if line.startswith(("Inconclusive", "Skipped"))), "held")
        pytest.skip(f"{name}: {why[:300]}")
    full_marks(g)


def starter_problems(g, lab, names):
    expect = Expect.read(FIXTURES / "starters.expect")
    assert g.status == 1, str(g.ran)
    assert g.results["score"] == 0, str(g.ran)
    expect.verdicts = [v for v in expect.verdicts if v[0] in names]
    return expect.problems(g)


@pytest.mark.duration(6)
@pytest.mark.parametrize("lab", LABS)
def test_starter_grades_at_zero_promptly(lab):
    others = split(lab)[1]
    problems = starter_problems(grade(ROOT / "labs", lab, only=others), lab, others)
    assert not problems, "\n".join(problems)


@pytest.mark.timing
@pytest.mark.parametrize("lab", [lab for lab in LABS if split(lab)[0]])
def test_starter_measures_nothing(lab):
    timed = split(lab)[0]
    problems = starter_problems(grade(ROOT / "labs", lab, only=timed), lab, timed)
    assert not problems, "\n".join(problems)


def test_first_loss_stops_at_the_first_test_that_loses_points():
    # The starter of lab 02 loses its first test; --first-loss runs no other.
    g = grade(ROOT / "labs", "02", extra=["--first-loss"])
    tests = g.results.get("tests", [])
    assert g.ran.status == 1 and len(tests) > 2, str(g.ran)
    assert tests[0]["score"] == 0 and "--first-loss" not in tests[0]["output"], tests[0]
    assert all(t["score"] == 0 and "Not run: --first-loss" in t["output"][:200]
               for t in tests[1:]), [t["output"][:80] for t in tests]


@needs_solutions
def test_held_points_exit_3_unless_accepted():
    # On one usable CPU a speedup test cannot be judged: its points are held.
    one_cpu = ["taskset", "-c", "0"]
    name = "speedup: integrate"
    args = [GRADER, "--kit", ROOT, "--submission", ROOT / "solutions", "--lab", "02",
            "--test", name, "--no-progress"]
    ran = run(one_cpu + args)
    assert ran.status == 3 and "held" in ran.output, str(ran)
    ran = run(one_cpu + args + ["--accept-held"])
    assert ran.status == 0, str(ran)
    # make grade fails on held points too, unless told they may pass.
    grade_args = ["grade", f"SUBMISSION={ROOT / 'solutions'}", "LAB=02", f"TEST={name}"]
    ran = run(one_cpu + [MAKE, "--no-print-directory", "-C", ROOT, *grade_args])
    assert ran.status != 0, str(ran)
    ran = run(one_cpu + [MAKE, "--no-print-directory", "-C", ROOT, *grade_args, "ACCEPT_HELD=1"])
    assert ran.status == 0, str(ran)


def test_describe_says_what_lab_ini_says():
    d = describe()
    names = [lab["lab"] for lab in d["labs"]]
    assert names == sorted(names) and "02-threads" in names
    kinds = {k["name"]: k for k in d["kinds"]}
    assert set(kinds) >= {"check", "tsan", "asan", "speedup", "leftovers", "busywait"}
    for k in kinds.values():
        assert k["what"] and k["timeout_means"] and k["flavour"] in ("release", "tsan", "asan")
    lab = next(l for l in d["labs"] if l["lab"] == "02-threads")
    assert lab["number"] == 2 and lab["submit"] == ["parallel.c"]
    assert lab["points"] == sum(t["points"] for t in lab["tests"])
    # 100 in all; a student kit's lab.ini lacks the hidden test's 5.
    assert lab["points"] == (100 if HIDDEN.is_dir() else 95), lab["points"]
    speedup = [t for t in lab["tests"] if t["kind"] == "speedup"]
    assert speedup and all(t["alone"] and t["skip"] == "hold" for t in speedup)
    visibility = {t["name"]: t["visibility"] for t in lab["tests"]}
    assert set(visibility.values()) <= {"visible", "hidden", "after_due_date", "after_published"}
    # One field, a value per line, for shell scripts.
    ran = run([GRADER, "--kit", ROOT, "--describe", "--lab", "2", "--field", "submit"])
    assert ran.status == 0 and ran.output == "parallel.c\n", str(ran)
    ran = run([GRADER, "--kit", ROOT, "--describe", "--lab", "02", "--field", "points"])
    assert ran.output == f"{lab['points']:g}\n", str(ran)


HIDDEN = ROOT / "labs" / "02-threads" / "kit" / "hidden"


@pytest.mark.skipif(not HIDDEN.is_dir(), reason="this kit has no hidden test of lab 02")
def test_hidden_test_graded_and_shown_as_its_visibility_says():
    """Lab 02's example hidden test: graded, in results.json with its
    visibility (Gradescope shows it then); a student's view leaves it out
    of the terminal report, the Markdown summary and the exit status."""
    name = "edge cases (hidden)"
    lab = describe("02")["labs"][0]
    assert {t["name"]: t["visibility"] for t in lab["tests"]}[name] == "after_due_date"
    g = grade(ROOT / "labs", "02", only=[name, "integrate matches"])
    assert g.test(name)["visibility"] == "after_due_date" and g.test(name)["score"] == 0
    assert name in g.ran.output and "shown later" in g.results["output"]
    assert "Grade: 0/20" in g.results["output"], g.results["output"]
    seen = grade(ROOT / "labs", "02", only=[name, "integrate matches"], extra=["--student-view"])
    assert seen.test(name)["visibility"] == "after_due_date", str(seen.ran)
    assert name not in seen.ran.output and "edge cases" not in seen.junit, str(seen.ran)
    assert "1 more test (5 points) was graded" in seen.ran.output, str(seen.ran)
    # Nobody but root may read the hidden tests' sources once the grader ran:
    # the kit's, or where the kit's folder is closed to the sandbox user (a
    # root home, without mount walls), those of the mirror it was shown.
    if IS_ROOT and "shown a copy of the kit" in g.ran.output:
        mirrored = [m for m in Path(tempfile.gettempdir()).glob("kit-mirror-*/labs/02-threads/kit/hidden")]
        assert mirrored, "the kit was mirrored, without its hidden tests"
        for m in mirrored:
            for p in [m, *m.rglob("*")]:
                assert p.stat().st_mode & 0o077 == 0, f"{p}: {oct(p.stat().st_mode)}"
    elif IS_ROOT:
        assert HIDDEN.stat().st_mode & 0o077 == 0, oct(HIDDEN.stat().st_mode)
    # Only the visible tests count for a student: the exit status is theirs.
    only_hidden = grade(ROOT / "solutions", "02", only=[name], extra=["--student-view"])
    assert only_hidden.status == 0 and name not in only_hidden.ran.output, str(only_hidden.ran)


def refusal(want, *args, env=None):
    ran = run([GRADER, "--no-progress", *args], env=env)
    assert ran.status == 2 and want in ran.output, \
        f"grader {' '.join(map(str, args))}: exit status {ran.status} (want 2), output lacks {want!r}:\n{ran.output}"


@pytest.fixture
def scratch():
    """A folder other users may enter: as root, the grader runs student
    code as nobody, who must read the kit it is given."""
    d = Path(tempfile.mkdtemp(prefix="kit-test-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_bad_command_lines_refused(scratch):
    (scratch / "empty").mkdir()
    (scratch / "a-file").write_text("int x;\n")
    refusal("usage: grader", "--kit", ROOT, "--frobnicate")
    refusal("no lab '99'; the labs are: 01-cores", "--kit", ROOT, "--lab", "99")
    refusal("no such folder", "--kit", ROOT, "--submission", scratch / "nowhere")
    refusal("a file, not a folder", "--kit", ROOT, "--submission", scratch / "a-file")
    refusal("missing submit file cores.c", "--kit", ROOT, "--lab", "01", "--submission", scratch / "empty")
    refusal("--timeout zero", "--kit", ROOT, "--timeout", "zero")
    refusal(f"--hide {scratch}/nowhere: no such folder", "--kit", ROOT, "--hide", scratch / "nowhere")
    refusal("it holds the kit", "--kit", ROOT, "--hide", ROOT.parent)
    refusal("--kit /nowhere: no such folder", "--kit", "/nowhere")
    refusal("holds no lab", "--kit", scratch)
    refusal("--field goes with --describe", "--kit", ROOT, "--field", "submit")
    refusal("--field colour: not one of", "--kit", ROOT, "--describe", "--lab", "02", "--field", "colour")


def broken_kit(scratch, ini, extra_c=()):
    lab = scratch / "kit" / "labs" / "01-cores"
    (lab / "kit").mkdir(parents=True)
    (lab / "kit" / "lab.ini").write_text(ini)
    for name in ("cores.c", *extra_c):
        (lab / name).write_text("")
    return scratch / "kit"


def test_broken_lab_ini_refused(scratch):
    kit = broken_kit(scratch, '[lab]\ntitle = x\nsubmit = cores.c\n[test "t"]\nkind = chek\npoints = 1\n')
    refusal("unknown kind 'chek'", "--kit", kit)
    refusal("unknown kind 'chek'", "--kit", kit, "--describe")


def test_misspelt_tcase_refused_before_anything_runs(scratch):
    kit = broken_kit(scratch, '[lab]\ntitle = x\nsubmit = cores.c\n[test "t"]\nkind = check\n'
                     'points = 1\ntcase = synthetic machine\n')
    tests = kit / "labs" / "01-cores" / "tests"
    tests.mkdir()
    (tests / "check_cores.c").write_text('TCase *t = tcase_create("synthetic machines");\n')
    refusal('tcase = synthetic machine: the lab\'s tests create no TCase of that name '
            '(they create "synthetic machines")', "--kit", kit, "--describe")


def test_lab_folder_must_hold_its_submit_files(scratch):
    kit = broken_kit(scratch, '[lab]\ntitle = x\nsubmit = cores.c\n[test "t"]\nkind = check\npoints = 1\n',
                     extra_c=["helper.c"])
    refusal("helper.c: a .c file at the top of a lab folder is the student's", "--kit", kit, "--describe")


def test_binary_submit_file_refused_before_compiling(scratch):
    sub = scratch / "sub"
    sub.mkdir()
    (sub / "parallel.c").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 64)
    open_to_all(scratch)
    g = grade(sub, "02")
    assert g.status == 2, str(g.ran)
    assert "holds NUL bytes" in g.ran.output, str(g.ran)
    assert len(g.ran.output) < 20000, f"a binary file made a {len(g.ran.output)}-byte report"
    assert "error:" not in g.ran.output, "the binary reached the compiler"


@pytest.mark.duration(5)
def test_build_failure_reported_once(scratch):
    sub = scratch / "sub"
    sub.mkdir()
    (sub / "parallel.c").write_text("#include \"parallel.h\"\n" + "int broken = ;\n" * 400)
    open_to_all(scratch)
    g = grade(sub, "02")
    assert g.status == 1, str(g.ran)
    # The compiler's words once for the lab, each test with their first lines.
    assert g.ran.output.count("more lines of the compiler's cut") == 1, g.ran.output
    assert g.ran.output.count("the release build failed") <= 1 + len(g.results["tests"]), g.ran.output
    assert len(g.ran.output) < 30000, f"a {len(g.ran.output)}-byte report for one syntax error"
    assert "| parallel.c:2:" in g.ran.output, "the compiler's words are not quoted"
    assert all(t["score"] == 0 for t in g.results["tests"])


@pytest.mark.skipif(not IS_ROOT, reason="the sandbox user's refusals need root")
def test_root_only_refusals(scratch):
    refusal("no such user", "--kit", ROOT, "--sandbox-user", "no-such-user-here")
    # A kit closed to the sandbox user is mirrored, in a folder that must
    # be the grader's own: one planted where the mirror goes is refused.
    kit = broken_kit(scratch, '[lab]\ntitle = x\nsubmit = cores.c\n[test "t"]\nkind = check\npoints = 1\n')
    kit.chmod(0o700)
    tmp = scratch / "tmp"
    tmp.mkdir(mode=0o755)
    planted = tmp / f"kit-mirror-{fnv1a64(str(kit.resolve())):016x}"
    planted.mkdir()
    planted.chmod(0o777)
    refusal("is not a folder of the grader's own", "--kit", kit, env={"TMPDIR": str(tmp)})


def fnv1a64(text):
    """The hash that names a kit's mirror (grader/prepare/mirror.c)."""
    h = 14695981039346656037
    for b in text.encode():
        h = ((h ^ b) * 1099511628211) % 2**64
    return h


@pytest.mark.duration(20)
@needs_solutions
def test_a_kit_in_a_closed_folder_is_graded_through_its_mirror():
    """As root, a kit in a folder closed to others (a root home is 0700),
    without mount walls (told to go without them, as a chroot or a
    container that refuses mount namespaces would): the grader mirrors what
    student code needs, and only that, where the sandbox user can read it,
    and the solutions get full marks."""
    if not IS_ROOT:
        pytest.skip("needs root: only root switches student code's user")
    with tempfile.TemporaryDirectory(prefix="kit-closed-") as top:
        top = Path(top)
        top.chmod(0o755)  # the mirror and the work folders go here
        home = top / "home"
        home.mkdir(mode=0o700)
        kit = home / "kit"
        kit.mkdir()
        for part in ("Makefile", "mk", "common", "labs", "solutions"):
            src = ROOT / part
            (shutil.copytree(src, kit / part) if src.is_dir() else shutil.copy2(src, kit / part))
        g = grade(kit / "solutions", "01", kit=kit,
                  env={"KIT_SANDBOX_WITHOUT": "mounts", "TMPDIR": str(top)})
        full_marks(g)
        assert "shown a copy of the kit" in g.ran.output, g.ran.output
        assert "KIT_SANDBOX_WITHOUT says so" in g.ran.output, g.ran.output
        mirrors = list(top.glob("kit-mirror-*"))
        assert len(mirrors) == 1, mirrors
        mirrored = [p for p in mirrors[0].rglob("*") if p.is_file() and "build" not in p.relative_to(mirrors[0]).parts]
        assert mirrored, "nothing was mirrored"
        # Only what builds and runs need: no lab.ini, no solution (by
        # content, whatever its name).
        secret = {p.read_bytes() for p in (kit / "solutions").rglob("*.c")}
        secret |= {p.read_bytes() for p in (kit / "labs").glob("*/kit/lab.ini")}
        shown = [p for p in mirrored if p.read_bytes() in secret]
        assert not shown, f"mirrored for student code: {shown}"
        # The hidden tests come along, closed to every user but root.
        hidden = [p for p in mirrors[0].glob("labs/*/kit/hidden/**/*")]
        assert hidden, "the hidden tests were not mirrored: the grader's builds link them"
        opened = [p for p in [*hidden, *(h.parent for h in hidden)] if p.stat().st_mode & 0o077]
        assert not opened, f"hidden tests open to others in the mirror: {opened}"
