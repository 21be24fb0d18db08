# SPDX-License-Identifier: MIT
"""The kit's own tests: what the test modules share. Paths of the kit,
running a command with its output kept, the machine lock that keeps timing
to itself, the grader called as the tests call it, and the fixtures'
`expect` files."""

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
GRADER = BUILD / "release" / "grader" / "grader"
GRADE_CLASS = BUILD / "release" / "grader" / "grade-class"
FIXTURES = ROOT / "grader" / "tests" / "fixtures"
SOLUTIONS = ROOT / "solutions"
# The student kit (make release) ships neither the reference solutions nor
# the fixtures of bad submissions: the tests that grade them skip, saying so.
STUDENT_KIT = "this is a student kit (make release), without "
needs_solutions = pytest.mark.skipif(
    not SOLUTIONS.is_dir(), reason=STUDENT_KIT + "solutions/, which this test grades")
needs_fixtures = pytest.mark.skipif(
    not (FIXTURES / "attacks").is_dir(),
    reason=STUDENT_KIT + "the fixtures of bad submissions, which this test grades")
MAKE = os.environ.get("MAKE", "make").split()[0]
# The grader's machine lock: speedup and busywait measurements take it
# alone; every other heavy step of the tests shares it, so that nothing
# else runs while a measurement does.
MACHINE_LOCK = BUILD / "test-machine.lock"
IS_ROOT = os.geteuid() == 0


@contextlib.contextmanager
def machine(alone=False):
    """Hold the machine lock, shared (the default) or alone."""
    MACHINE_LOCK.parent.mkdir(parents=True, exist_ok=True)
    with open(MACHINE_LOCK, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@dataclass
class Ran:
    """A finished command: its exit status and its output (stdout and
    stderr, interleaved)."""
    args: list
    status: int
    output: str

    def __str__(self):
        return f"$ {' '.join(map(str, self.args))}\n(exit status {self.status})\n{self.output}"


def run(args, *, cwd=ROOT, env=None, timeout=600, shared=True, input=None):
    """Run a command to its end, holding the machine lock shared (unless
    `shared` is false: a grader takes the lock itself)."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    ctx = machine() if shared else contextlib.nullcontext()
    with ctx:
        p = subprocess.run([str(a) for a in args], cwd=cwd, env=full_env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout, input=input, text=True,
                           errors="replace")
    return Ran(list(args), p.returncode, p.stdout)


def make(*targets, **kw):
    return run([MAKE, "--no-print-directory", "-C", ROOT, *targets], **kw)


def check_summary(output):
    """Check's last summary line ("100%: Checks: 5, Failures: 0, Errors: 0")."""
    lines = [l for l in output.splitlines() if "%: Checks: " in l]
    return lines[-1] if lines else None


@dataclass
class Grade:
    """What one run of the grader gave."""
    ran: Ran
    results: dict = field(default_factory=dict)
    junit: str = ""

    @property
    def status(self):
        return self.ran.status

    def test(self, name):
        """The results.json entry of the test named `name` (lab.ini's)."""
        for t in self.results.get("tests", []):
            if t["name"].endswith(": " + name):
                return t
        return None


def grade(submission, lab=None, *, only=None, timeout=None, extra=(),
          env=None, kit=ROOT, wall=900, lock=True):
    """Grade `submission` with the release grader, results.json and JUnit
    written to a folder of their own under build/test-results/, the
    machine lock shared with the other tests (lock=False: none, for a
    caller that holds the machine alone)."""
    (BUILD / "test-results").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="grade-", dir=BUILD / "test-results") as out:
        results = Path(out) / "results.json"
        junit = Path(out) / "junit.xml"
        args = [GRADER, "--kit", kit, "--submission", submission, "--no-progress",
                *(["--machine-lock", MACHINE_LOCK] if lock else []),
                "--results", results, "--junit", junit]
        if lab:
            args += ["--lab", lab]
        for name in ([only] if isinstance(only, str) else only or []):
            args += ["--test", name]
        if timeout:
            args += ["--timeout", str(timeout)]
        args += list(extra)
        ran = run(args, env=env, timeout=wall, shared=False)
        data = json.loads(results.read_text()) if results.exists() else {}
        xml = junit.read_text() if junit.exists() else ""
    return Grade(ran, data, xml)


def describe(lab=None, kit=ROOT):
    """`grader --describe`: the kit's labs as the grader reads them."""
    args = [GRADER, "--kit", kit, "--describe"] + (["--lab", lab] if lab else [])
    ran = run(args, shared=False)
    assert ran.status == 0, str(ran)
    return json.loads(ran.output)


def labs():
    """The kit's labs, by folder name."""
    return [lab["lab"] for lab in describe()["labs"]]


def timed_tests(lab, only=None):
    """The names of the tests of `lab` (those whose name holds `only`, a
    text or a list of them) that time, and so need the machine alone: they
    run in the first phase of `make test` (the `timing` mark), and the
    others in the second."""
    tests = describe(lab)["labs"][0]["tests"]
    wanted = [only] if isinstance(only, str) else only
    return [t["name"] for t in tests if t["alone"] and
            (not wanted or any(w in t["name"] for w in wanted))]


@dataclass
class Expect:
    """A fixture's `expect` file: a line per verdict, NAME<TAB>STATUSES<TAB>
    TEXT, and the lines #lab:, #only: (repeatable), #timeout:, #needs: (see
    the fixtures' READMEs)."""
    path: Path
    lab: str = None
    only: list = None
    timeout: str = None
    needs: str = None
    verdicts: list = field(default_factory=list)

    @classmethod
    def read(cls, path):
        e = cls(Path(path))
        for line in e.path.read_text().splitlines():
            if not line.strip():
                continue
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                if key == "only":
                    e.only = (e.only or []) + [value.strip()]
                elif key in ("lab", "timeout", "needs"):
                    setattr(e, key, value.strip())
                continue
            name, statuses, *text = line.split("\t")
            e.verdicts.append((name, statuses.split("|"), text[0] if text else ""))
        return e

    def problems(self, g):
        """What in the grade `g` differs from the expected verdicts."""
        found = []
        if not self.verdicts:
            found.append(f"{self.path}: no verdict to check")
        for name, statuses, text in self.verdicts:
            t = g.test(name)
            if t is None:
                found.append(f"MISSING {name}: not in results.json")
                continue
            status = (t.get("tags") or ["(none)"])[0]
            if status not in statuses:
                found.append(f"WRONG {name}: {status}, expected {'|'.join(statuses)}\n{t.get('output', '')}")
            elif text and text not in t.get("output", ""):
                found.append(f"WRONG {name}: the output lacks {text!r}:\n{t.get('output', '')}")
        return found


def fixture_submission(folder, lab, into):
    """A fixture holds what its submission changes in the lab's reference
    solution: whole files that replace the solution's, and FILE.patch, a
    unified diff (a/FILE, b/FILE). Assemble the submission in `into`."""
    into = Path(into)
    shutil.copytree(ROOT / "solutions" / lab, into, dirs_exist_ok=True)
    for f in Path(folder).iterdir():
        if f.name == "expect" or f.suffix == ".patch":
            continue
        if f.is_dir():
            shutil.copytree(f, into / f.name, dirs_exist_ok=True)
        else:
            shutil.copy(f, into / f.name)
    for p in sorted(Path(folder).glob("*.patch")):
        r = subprocess.run(["patch", "-s", "-d", into, "-p1",
                            "--no-backup-if-mismatch", "-i", p],
                           capture_output=True, text=True)
        assert r.returncode == 0, f"{p} no longer applies to solutions/{lab}: update the fixture\n{r.stdout}{r.stderr}"
    open_to_all(into)
    return into


def open_to_all(path):
    """As root the grader runs student code as another user, who must read
    what is graded: open the folders above and below `path`."""
    path = Path(path)
    for p in [path, *path.rglob("*")]:
        if not p.is_symlink():
            p.chmod(p.stat().st_mode | (0o755 if p.is_dir() else 0o644))
    for parent in path.parents:
        if parent == Path("/"):
            break
        if str(parent).startswith(tempfile.gettempdir()):
            parent.chmod(parent.stat().st_mode | 0o755)
