# SPDX-License-Identifier: MIT
"""grade-class through Slurm: a one-node cluster started on this machine
(mk/slurm-one-node.sh: munge, slurmctld, slurmd), a small class of lab 01
graded through its job array, the same gradebook as the local engine's,
resumed without a new job, and the cluster stopped with nothing left
running."""

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from kit import IS_ROOT, ROOT, make, needs_solutions, open_to_all, run

LAB = "01-cores"
SUBMIT = "cores.c"
ONLY = "synthetic"
CLUSTER = ROOT / "mk" / "slurm-one-node.sh"
DAEMONS = ("munged", "slurmctld", "slurmd", "sbatch", "squeue")


def missing_daemons():
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    return [d for d in DAEMONS if shutil.which(d, path=path) is None]


def free_ports():
    """A port whose next one is free too: the controller's and the node's."""
    for _ in range(50):
        with socket.socket() as a:
            a.bind(("127.0.0.1", 0))
            port = a.getsockname()[1]
            if port > 65000:
                continue
            with socket.socket() as b:
                try:
                    b.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
            return port
    pytest.fail("no two free ports side by side")


def processes_under(folder):
    """The processes whose command line or environment names `folder`: the
    cluster's daemons (and their helpers, which inherit SLURM_CONF) and
    anything the array started."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit() or int(d.name) == os.getpid():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            env = (d / "environ").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if str(folder) in cmd or str(folder) in env:
            found.append(f"{d.name}: {cmd}")
    return found


# One cluster for the module's tests, which share a worker: starting and
# stopping one takes seconds.
pytestmark = pytest.mark.xdist_group("slurm")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("slurm")
    if not IS_ROOT:
        pytest.skip("needs root: slurmd starts jobs as their users")
    if missing_daemons():
        pytest.skip(f"Slurm is not installed ({', '.join(missing_daemons())} missing: make deps "
                    "installs slurm-wlm and munge)")
    where = tmp_path / "cluster"
    started = run(["sh", CLUSTER, "start", where, str(free_ports())], shared=False, timeout=120)
    if started.status == 3:
        pytest.skip(started.output.strip().splitlines()[-1])
    assert started.status == 0, f"the one-node cluster did not start\n{started}"
    daemons = {f.stem: int(f.read_text()) for f in (where / "run").glob("*.pid")}
    assert sorted(daemons) == ["munged", "slurmctld", "slurmd"], daemons
    yield where / "slurm.conf"
    stopped = run(["sh", CLUSTER, "stop", where], shared=False, timeout=120)
    assert stopped.status == 0, str(stopped)
    alive = [f"{name} (pid {pid})" for name, pid in daemons.items() if Path(f"/proc/{pid}").exists()]
    assert not alive, f"still running after the cluster stopped: {alive}"
    left = processes_under(tmp_path)
    assert not left, "still running after the cluster stopped:\n" + "\n".join(left)


@pytest.mark.duration(25)
@needs_solutions
def test_class_graded_through_slurm_as_locally(cluster, tmp_path):
    klass = tmp_path / "class"
    for d in (f"ann/labs/{LAB}", "bob", "carl", "dave"):
        (klass / d).mkdir(parents=True)
    solution = ROOT / "solutions" / LAB / SUBMIT
    shutil.copy(solution, klass / "ann" / "labs" / LAB)
    shutil.copy(solution, klass / "dave")
    shutil.copy(ROOT / "labs" / LAB / SUBMIT, klass / "bob")
    open_to_all(tmp_path)
    env = {"SLURM_CONF": str(cluster), "PATH": os.environ.get("PATH", "") + ":/usr/sbin"}
    common = [f"SUBMISSIONS={klass}", "LAB=01", f"TEST={ONLY}"]

    local = make("grade-class", *common, f"OUT={tmp_path / 'local'}", shared=False, timeout=600)
    slurm = make("grade-class", *common, f"OUT={tmp_path / 'slurm'}", "SLURM=2", env=env,
                 shared=False, timeout=600)
    # carl handed in nothing: both runs say so, and fail alike.
    assert local.status != 0 and "could not grade 1" in local.output, str(local)
    assert slurm.status != 0 and "could not grade 1" in slurm.output, str(slurm)
    assert "Slurm job " in slurm.output and "2 tasks" in slurm.output, str(slurm)
    book = (tmp_path / "local" / "gradebook.csv").read_text()
    assert book == (tmp_path / "slurm" / "gradebook.csv").read_text(), \
        f"the gradebooks differ:\n{book}\n---\n{(tmp_path / 'slurm' / 'gradebook.csv').read_text()}"
    assert "ann,40,40,40,graded" in book and "bob,0,0,40,graded" in book, book
    for student in ("ann", "bob", "carl", "dave"):
        for what in ("results.json", "report.txt"):
            assert (tmp_path / "slurm" / student / LAB / what).stat().st_size > 0, (student, what)
    logs = sorted((tmp_path / "slurm" / ".slurm").glob("task-*.log"))
    assert [l.name for l in logs] == ["task-0.log", "task-1.log"], logs
    assert all("graded 2" in l.read_text() for l in logs), [l.read_text() for l in logs]

    # Resumed: what stands is skipped, and no job is submitted.
    again = run([ROOT / "build" / "release" / "grader" / "grade-class", "--kit", ROOT,
                 "--submissions", klass, "--lab", "01", "--test", ONLY, "--out", tmp_path / "slurm",
                 "--slurm", "2"], env=env, shared=False)
    assert "4 already graded" in again.output and "Slurm job" not in again.output, str(again)

    # A job sbatch refuses is one clear message, and nobody is graded.
    refused = run([ROOT / "build" / "release" / "grader" / "grade-class", "--kit", ROOT,
                   "--submissions", klass, "--lab", "01", "--test", ONLY, "--out", tmp_path / "refused",
                   "--slurm", "1", "--sbatch-args", "--partition=no-such-partition"],
                  env=env, shared=False)
    assert refused.status == 1 and "sbatch refused the job" in refused.output, str(refused)
    assert "no-such-partition" in refused.output or "partition" in refused.output.lower(), str(refused)


def test_bad_slurm_options_refused(tmp_path):
    (tmp_path / "class" / "ann").mkdir(parents=True)
    for want, args in [
        ("--slurm zero", ["--slurm", "zero"]),
        ("--shard needs --todo", ["--shard", "0/2"]),
        ("--shard 3/2", ["--shard", "3/2", "--todo", tmp_path]),
        ("--todo goes with --shard", ["--todo", tmp_path]),
    ]:
        ran = run([ROOT / "build" / "release" / "grader" / "grade-class", "--kit", ROOT,
                   "--submissions", tmp_path / "class", *args], shared=False)
        assert ran.status == 2 and want.split(" ")[0] in ran.output, str(ran)
        assert "grade-class --help" in ran.output, str(ran)


def test_cluster_script_refuses_bad_usage(tmp_path):
    for args in ([], ["start"], ["restart", tmp_path], ["start", tmp_path, "port"]):
        ran = subprocess.run(["sh", CLUSTER, *map(str, args)], capture_output=True, text=True)
        assert ran.returncode == 2 and "usage:" in ran.stderr, ran


@pytest.mark.duration(8)
@needs_solutions
def test_lab_07_runs_through_slurm_as_with_mpirun(cluster):
    # Lab 07's program as a Slurm job of N tasks: the same results as
    # mpirun on this machine gives.
    env = {"SLURM_CONF": str(cluster), "PATH": os.environ.get("PATH", "") + ":/usr/sbin"}
    where = [f"SUBMIT_DIR={ROOT / 'solutions' / '07-mpi'}",
             f"OUT={ROOT / 'build' / 'release' / 'solutions' / '07-mpi'}",
             f"KIT_OBJS_DIR={ROOT / 'build' / 'release' / 'labs' / '07-mpi'}"]
    for np, args in (("4", "steps 100003"),):
        local = run(["make", "-s", "-C", ROOT / "labs" / "07-mpi", "run", f"NP={np}",
                     f"ARGS={args}", *where], shared=False, timeout=120)
        job = run(["make", "-s", "-C", ROOT / "labs" / "07-mpi", "slurm", f"NP={np}",
                   f"ARGS={args}", *where], env=env, shared=False, timeout=120)
        assert local.status == 0 and "allreduce returned" in local.output, str(local)
        assert job.status == 0, str(job)
        # What the program printed, not what make or Open MPI may add.
        said = [[l for l in r.output.splitlines() if " returned " in l or l.startswith("heat: ")]
                for r in (job, local)]
        assert said[0] and said[0] == said[1], \
            f"{args} on {np} ranks: Slurm's job printed\n{job.output}\nand mpirun\n{local.output}"
