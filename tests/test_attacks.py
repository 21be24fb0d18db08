# SPDX-License-Identifier: MIT
"""The attack fixtures (grader/tests/fixtures/attacks/): each is graded,
and then checked contained, in what a grade cannot show: the kit's files
are as they were, no process of the sandbox's user is left, no connection
reached the server listening on this machine, and the reports are the
grader's own. The attacks run one after another (one xdist group), as a
user of their own when the tests run as root."""

import hashlib
import os
import socket
import subprocess
import threading
import time

import pytest

from kit import FIXTURES, GRADER, IS_ROOT, ROOT, Expect, grade, machine, needs_fixtures

pytestmark = needs_fixtures

ATTACKS = sorted(p.parent for p in (FIXTURES / "attacks").glob("*/expect"))
ATTACK_UID = 61999
# The comments of the instructor's hidden tests (labs/*/kit/hidden/): no
# report may ever quote one (a test's messages may show, its source not).
HIDDEN_LINES = [l.strip() for p in ROOT.glob("labs/*/kit/hidden/*.c")
                for l in p.read_text().splitlines()
                if l.strip().startswith(("/*", "*")) and len(l.strip()) > 30]
# The port the network attack tries, on this machine.
PORT = 47913


def fingerprint():
    digests = {}
    for top in ("labs", "common", "grader", "mk"):
        for dirpath, _, files in os.walk(ROOT / top):
            for f in files:
                path = os.path.join(dirpath, f)
                with open(path, "rb") as fh:
                    digests[path] = hashlib.sha256(fh.read()).hexdigest()
    digests[str(GRADER)] = hashlib.sha256(GRADER.read_bytes()).hexdigest()
    return digests


@pytest.fixture(scope="module")
def listener():
    """A server on 127.0.0.1:PORT that counts the connections it gets."""
    seen = []
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", PORT))
    s.listen(8)
    s.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                c, _ = s.accept()
            except OSError:
                continue
            seen.append("connection")
            c.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield seen
    stop.set()
    t.join()
    s.close()


@pytest.mark.xdist_group("attacks")
@pytest.mark.duration(6)
@pytest.mark.parametrize("folder", ATTACKS, ids=[p.name for p in ATTACKS])
def test_attack_contained(folder, listener):
    expect = Expect.read(folder / "expect")
    if expect.needs == "root" and not IS_ROOT:
        pytest.skip("without root this attack is not contained, by design (the report says so)")
    cpus = sorted(os.sched_getaffinity(0))
    if expect.needs == "spare-cpus" and len(cpus) < 3:
        pytest.skip(f"this machine has {len(cpus)} CPUs: the attack needs CPUs beyond the "
                    "2 the grader is given, so it shows only on 3 or more")
    before = fingerprint()
    listener.clear()
    extra = ["--sandbox-user", str(ATTACK_UID)] if IS_ROOT else []
    if expect.needs == "spare-cpus":
        # The grader (a child of this worker) gets 2 CPUs; the rest are the
        # attack's to take.
        os.sched_setaffinity(0, cpus[:2])
    try:
        g = grade(folder, expect.lab, only=expect.only, timeout=expect.timeout, extra=extra)
    finally:
        os.sched_setaffinity(0, cpus)
    # Graded (3: nothing lost, but a speedup held on a noisy machine).
    assert g.status in (0, 1, 3), str(g.ran)
    if expect.needs == "hidden-kit" and "hidden from the tests" not in g.ran.output:
        pytest.skip("this machine's sandbox cannot hide the kit from the tests "
                    "(the report names the wall it lacks)")
    problems = expect.problems(g)
    assert not problems, "\n".join(problems) + "\n" + str(g.ran)
    after = fingerprint()
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    assert not changed, f"the attack changed the kit's files: {changed[:20]}"
    assert not listener, "the attack reached a server on this machine"
    if IS_ROOT:
        left = subprocess.run(["pgrep", "-u", str(ATTACK_UID)], capture_output=True, text=True)
        assert left.returncode != 0, f"processes of the sandbox's user are still running: {left.stdout}"
    assert "FORGED" not in str(g.results) and "FORGED" not in g.junit, \
        "a report holds the attack's forgery"
    assert "Instructors: change points" not in str(g.results), \
        "student code read the lab's lab.ini"
    for line in HIDDEN_LINES:
        assert line not in str(g.results) and line not in g.ran.output, \
            f"a report holds a line of the hidden tests' source: {line}"


def tasks_of(uid):
    """How many tasks (threads) the user `uid` runs, from /proc."""
    n = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue  # ended meanwhile
        if int(fields["Uid"].split()[0]) == uid:
            n += int(fields["Threads"])
    return n


# The attacks on the limits that cgroups give, again where the host has
# none (a chroot, some containers): told to go without them, the grader
# caps processes with RLIMIT_NPROC and memory by sampling the tree and the
# sanitizer's own limit. (memory-hog, in the release build, meets
# RLIMIT_AS whether there are cgroups or not.)
WITHOUT_CGROUPS = ["fork-bomb", "memory-hog-asan"]


@pytest.mark.xdist_group("attacks")
@pytest.mark.duration(8)
@pytest.mark.parametrize("name", WITHOUT_CGROUPS)
def test_attack_contained_without_cgroups(name):
    if not IS_ROOT:
        pytest.skip("needs root: the cap is on a user of the attack's own")
    folder = FIXTURES / "attacks" / name
    expect = Expect.read(folder / "expect")
    peak = [0]
    done = threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], tasks_of(ATTACK_UID))
            done.wait(0.05)

    t = threading.Thread(target=watch, daemon=True)
    t.start()
    start = time.monotonic()
    try:
        # A thousand processes that want a CPU would starve any other
        # grading meanwhile (an MPI launch times out): the machine alone.
        with machine(alone=True):
            g = grade(folder, expect.lab, only=expect.only, timeout=expect.timeout,
                      extra=["--sandbox-user", str(ATTACK_UID)],
                      env={"KIT_SANDBOX_WITHOUT": "cgroups"}, lock=False)
    finally:
        took = time.monotonic() - start
        done.set()
        t.join()
    assert g.status in (0, 1, 3), str(g.ran)
    assert "no pids cgroup here" in g.ran.output and "KIT_SANDBOX_WITHOUT says so" in g.ran.output, \
        g.ran.output
    problems = expect.problems(g)
    assert not problems, "\n".join(problems) + "\n" + str(g.ran)
    # The suites' cap (lab.ini's kinds: 1024 tasks), never passed; and the
    # attack stopped at it, not at its time limit or after: a thousand
    # processes that want a CPU must not keep the grader from its look.
    # One more is the grader's own: the process that ends them joins their
    # user, to reach them all with one kill(-1).
    assert peak[0] <= 1024 + 1, f"the sandbox's user ran {peak[0]} tasks at once"
    assert took < 3 * float(expect.timeout), f"contained only after {took:.0f} s\n{g.ran}"
    left = subprocess.run(["pgrep", "-u", str(ATTACK_UID)], capture_output=True, text=True)
    assert left.returncode != 0, f"processes of the sandbox's user are still running: {left.stdout}"
