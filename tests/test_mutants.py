# SPDX-License-Identifier: MIT
"""The labs' tests measured by mutation (tests/mutation/): a sample, one
mutant per operator family per lab, drawn afresh each run from the seed
`make test` prints (MUTANT_SEED), must all be killed, so that a change
that weakens a lab's tests fails here. Graded without the timing tests,
which need the machine alone (the fixtures hold those to their verdicts):
a mistake about time that the other tests let through is passed over for
the next of its family. The harness makes one mutant per site and refuses
bad input. `make mutants` runs every mutant."""

import os
import shutil
import sys

import pytest

from kit import BUILD, MACHINE_LOCK, ROOT, STUDENT_KIT, labs, run

if not (ROOT / "tests" / "mutation").is_dir():
    pytest.skip(STUDENT_KIT + "mutation testing (tests/mutation/), which mutates the solutions",
                allow_module_level=True)
sys.path.insert(0, str(ROOT / "tests" / "mutation"))
from mutants import SPATCH  # noqa: E402 (the harness's own spatch command)

SEED = os.environ.get("MUTANT_SEED", "1")
MUTANTS = ROOT / "tests" / "mutation" / "mutants.py"
HAVE_SPATCH = shutil.which("spatch") is not None
needs_spatch = pytest.mark.skipif(not HAVE_SPATCH, reason="spatch (Debian's coccinelle) is "
                                  "not installed: make deps installs it")


@needs_spatch
@pytest.mark.duration(30)
@pytest.mark.parametrize("lab", labs())
def test_sampled_mutants_are_killed(lab):
    ran = run([sys.executable, MUTANTS, "--lab", lab, "--sample", SEED, "--steady-only", "--jobs", "1",
               "--machine-lock", MACHINE_LOCK, "--out", BUILD / "test-mutants" / lab],
              shared=False, timeout=900)
    assert ran.status == 0, f"seed {SEED}: a sampled mutant survived " \
        f"(make mutants LAB={lab} SAMPLE={SEED} grades them again)\n{ran}"
    assert "killed " in ran.output, str(ran)


@needs_spatch
def test_an_operator_makes_one_mutant_per_site(tmp_path):
    op = ROOT / "tests" / "mutation" / "operators" / "sync-removed" / "lock-pair-removed.cocci"
    bank = ROOT / "solutions" / "03-locks" / "bank.c"
    env = {"PYTHONPATH": str(ROOT / "tests" / "mutation")}
    listed = run([*SPATCH, "--sp-file", op, bank], env=env)
    sites = [l[5:] for l in listed.output.splitlines() if l.startswith("SITE ")]
    # The same-account path's lock, and each of the two accounts' locks.
    assert listed.status == 0 and len(sites) == 3, str(listed)
    before = bank.read_text().splitlines()
    for i, site in enumerate(sites):
        out = tmp_path / f"{i}.c"
        made = run([*SPATCH, "--sp-file", op, bank, "-o", out],
                   env={**env, "MUTANT_SITE": site})
        after = out.read_text().splitlines()
        gone = [l for l in before if l not in after]
        assert made.status == 0 and len(gone) == 2, f"{site}: {gone}\n{made}"
        assert all("Pthread_mutex_" in l for l in gone), gone


@pytest.mark.parametrize("args,want", [
    (["--lab", "99"], "no lab"),
    (["--repeat", "0"], "--repeat"),
    (["--operator", "no-such-operator"], "no operator matches"),
])
def test_bad_input_refused(args, want):
    ran = run([sys.executable, MUTANTS, *args])
    assert ran.status == 2 and want in ran.output, str(ran)
