# SPDX-License-Identifier: MIT
"""Every lab as a student meets it: the starter builds and fails its tests
with messages (no crash, no hang), the reference solution passes them,
every program of the lab refuses a bad flag, and the lab folder shows at
its top what the student reads and edits, with the kit's own files in
kit/."""

import os
import re
import subprocess

import pytest

from kit import BUILD, ROOT, check_summary, describe, needs_solutions, run

LABS = describe()["labs"]
IDS = [lab["lab"] for lab in LABS]


def make_lab(lab, *args, **kw):
    return run(["make", "--no-print-directory", "-C", ROOT / "labs" / lab, *args], **kw)


# A README's quote of the starter's `make check`, under this line.
QUOTED = "<!-- quoted: the starter's make check (tests/test_labs.py checks each line) -->"


def quoted_starter_lines(lab):
    text = (ROOT / "labs" / lab / "README.md").read_text()
    blocks = re.findall(re.escape(QUOTED) + r"\n```\n(.*?)```\n", text, re.S)
    return [l for b in blocks for l in b.splitlines() if l.strip()]


def as_printed(line):
    """A line of output without what differs between machines: the kit's
    folder, addresses, this machine's CPU count."""
    line = re.sub(r"\S*/labs/", "labs/", line)
    line = re.sub(r"0x[0-9a-f]+", "0x...", line)
    return re.sub(r"the system has \d+ online", "the system has N online", line)


@pytest.mark.duration(4)
@pytest.mark.parametrize("lab", IDS)
def test_starter_fails_cleanly(lab):
    ran = make_lab(lab, "check", "MODE=release", timeout=300)
    line = check_summary(ran.output)
    assert ran.status != 0, f"the starter of {lab} passes its tests: they cannot tell it from a solution\n{ran}"
    assert line, f"the starter of {lab} did not get as far as Check's summary\n{ran}"
    assert re.search(r"Failures: [1-9][0-9]*, Errors: 0$", line), \
        f"the starter of {lab} should fail with failures, not errors: {line}\n{ran}"
    assert re.search(r":F:[^:]+:[^:]+:[0-9]+: .+", ran.output), \
        f"the starter of {lab} fails without a message\n{ran}"
    # What the README quotes of this run is what the kit prints today.
    quoted = quoted_starter_lines(lab)
    assert quoted, f"labs/{lab}/README.md quotes no starter output under {QUOTED!r}"
    printed = {as_printed(l) for l in ran.output.splitlines()}
    stale = [l for l in quoted if as_printed(l) not in printed]
    assert not stale, f"labs/{lab}/README.md quotes lines the starter no longer prints " \
        f"(make -C labs/{lab} check prints them today):\n" + "\n".join(stale)


@pytest.mark.duration(4)
@pytest.mark.parametrize("lab", IDS)
@needs_solutions
def test_solution_passes_its_tests(lab):
    ran = make_lab(lab, "check", "MODE=release",
                   f"SUBMIT_DIR={ROOT}/solutions/{lab}",
                   f"OUT={BUILD}/release/solutions/{lab}",
                   f"KIT_OBJS_DIR={BUILD}/release/labs/{lab}", timeout=300)
    assert ran.status == 0, str(ran)
    assert check_summary(ran.output).endswith("Failures: 0, Errors: 0"), str(ran)


def programs(lab):
    folder = BUILD / "release" / "labs" / lab
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and os.access(p, os.X_OK) and not p.name.startswith("check_"))


@pytest.mark.parametrize("lab", IDS)
def test_programs_refuse_bad_flags(lab):
    found = programs(lab)
    assert found, f"build/release/labs/{lab} holds no program: was `make` run?"
    for prog in found:
        p = subprocess.run([prog, "-Z"], capture_output=True, text=True, timeout=60)
        assert p.returncode == 2 and re.search(r"^usage: ", p.stderr, re.M), \
            f"{prog} -Z: exit status {p.returncode} (want 2), stderr: {p.stderr}"
        p = subprocess.run([prog, "-h"], capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, f"{prog} -h: exit status {p.returncode}\n{p.stderr}"


@pytest.mark.parametrize("lab", IDS)
def test_program_targets_run_without_paths(lab):
    """`make -C labs/NN-name PROGRAM ARGS=...` builds and runs a program."""
    prog = programs(lab)[0].name
    ran = make_lab(lab, prog, "ARGS=-h", timeout=300)
    assert ran.status == 0 and "usage: " in ran.output, str(ran)


@pytest.mark.parametrize("lab", LABS, ids=IDS)
def test_lab_folder_is_student_shaped(lab):
    folder = ROOT / "labs" / lab["lab"]
    top = sorted(p.name for p in folder.iterdir())
    headers = [n for n in top if n.endswith(".h")]
    expected = sorted(["README.md", "Makefile", "tests", "kit", *lab["submit"], *headers])
    assert top == expected, f"{folder}: the top holds {top}; a student's files, " \
        f"README.md, Makefile, tests/ and kit/ belong there, and nothing else"
    assert (folder / "kit" / "lab.ini").is_file()
    # The README opens with the table of files, each top-level file in it,
    # the student's marked as theirs.
    readme = (folder / "README.md").read_text().splitlines()
    table_start = next((i for i, l in enumerate(readme) if l.startswith("| ")), None)
    assert table_start is not None and table_start < 25, \
        f"{folder}/README.md does not open with the table of its files"
    table = []
    for l in readme[table_start:]:
        if not l.startswith("|"):
            break
        table.append(l)
    text = "\n".join(table)
    for name in [*lab["submit"], *headers, "tests/", "kit/"]:
        assert f"`{name}`" in text, f"{folder}/README.md's table of files does not name `{name}`"
    for name in lab["submit"]:
        row = next(l for l in table if f"`{name}`" in l)
        assert "you edit" in row.lower(), f"the README's row of {name} does not say the student edits it: {row}"


def test_bench_times_a_start_with_nothing_to_do():
    """A kernel whose workers are processes started for each call (lab 07's
    mpirun) times them starting and ending with none of the work, from the
    reference build (`-v startup`, what the grader takes off a student's run
    where lab.ini says `startup = excluded`); a kernel of threads starts
    none and says so."""
    labs = BUILD / "release" / "labs"
    p = subprocess.run([labs / "07-mpi" / "bench-reference", "-v", "startup", "-k", "heat",
                        "-t", "2", "-n", "600", "-r", "2"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    m = re.match(r"bench: kernel=heat variant=startup threads=2 n=600 reps=2 seed=\d+ "
                 r"wall_ns=(\d+) cpu_ns=(\d+) bound=\S+ results=\S+\n$", p.stdout)
    assert m and int(m[1]) > 0 and int(m[2]) > 0, p.stdout
    p = subprocess.run([labs / "02-threads" / "bench-reference", "-v", "startup", "-k",
                        "integrate", "-t", "2"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "starts no workers of its own" in p.stderr, p.stderr
