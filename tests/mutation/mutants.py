#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Mutation testing of the labs' tests (`make mutants`).

Every operator of operators/FAMILY/NAME.cocci, a Coccinelle semantic patch,
is applied to each lab's reference solution one site at a time; each
mutant, a solution with one mistake a student could make, is graded by the
grader, and is killed when it loses points, or survives. known.txt lists
the mutants that cannot lose points (equivalent) and those the tests are
known to let through, each with its reason. The report (terminal, and
report.md and report.json in --out) gives per lab the mutants, those
killed and by which test, and every survivor with its diff.

Exit status: 0 when every lab kills at least --min-score percent of its
non-equivalent mutants (with --sample: every sampled mutant killed), 1
when not, 2 on bad input or when the mutants could not be made."""

import argparse
import concurrent.futures
import difflib
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OPERATORS = HERE / "operators"
KNOWN = HERE / "known.txt"
GRADER = ROOT / "build" / "release" / "grader" / "grader"
# The kinds whose verdicts depend on timing or scheduling: a kill by one
# of them is checked for stability with --repeat.
UNSTEADY_KINDS = {"tsan", "speedup", "busywait"}
# Coccinelle, with the operators' Python rules run by Debian's Python (the
# one the harness runs in, with cocci_site on its path): left to find one,
# spatch asks the first python3 on PATH, which a version manager's shims
# make cost more than the rest of the run.
SPATCH = ["spatch", "--python", "/usr/bin/python3", "--very-quiet"]
# The builds a lab's tests run in.
FLAVOURS = ("release", "tsan", "asan")


class Refused(Exception):
    """Bad input or a tool missing: said in one line, exit status 2."""


@dataclass
class Operator:
    family: str
    name: str
    path: Path
    mistake: str
    timing: bool
    needs: list  # words one of which a file must hold for the operator to try it
    seen_by: str = "release"  # the build whose tests are asked first

    @property
    def id(self):
        return f"{self.family}/{self.name}"


@dataclass
class Mutant:
    lab: str
    file: str
    op: Operator
    function: str
    ordinal: int
    site: str
    text: str = ""
    diff: str = ""
    outcome: str = ""       # killed, survived, equivalent, known, stillborn, duplicate
    killers: list = field(default_factory=list)  # [(test, first line of why)]
    kills: int = 0          # of `graded` gradings, how many lost points
    graded: int = 0
    note: str = ""          # equivalent's or known survivor's reason, or the duplicate's twin
    seconds: float = 0.0

    @property
    def id(self):
        return f"{self.lab}/{self.file}:{self.op.id}@{self.function}#{self.ordinal}"


def read_operators(only=None):
    ops = []
    for path in sorted(OPERATORS.glob("*/*.cocci")):
        head = {}
        for line in path.read_text().splitlines():
            if not line.startswith("//"):
                break
            key, _, value = line[2:].strip().partition(":")
            head[key.strip()] = value.strip()
        if "mistake" not in head:
            raise Refused(f"{path}: no '// mistake:' line saying what it does")
        op = Operator(path.parent.name, path.stem, path, head["mistake"],
                      head.get("timing") == "yes", head.get("needs", "").split(),
                      head.get("seen by", "release"))
        if op.seen_by not in FLAVOURS:
            raise Refused(f"{path}: '// seen by: {op.seen_by}' is not a build "
                          f"({', '.join(FLAVOURS)})")
        if not only or any(o in op.id for o in only):
            ops.append(op)
    if not ops:
        raise Refused(f"no operator matches {only}" if only else f"no operator in {OPERATORS}")
    return ops


def read_known():
    """known.txt: ID<TAB>equivalent|survives<TAB>reason, # comments."""
    known = {}
    for n, line in enumerate(KNOWN.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[1] not in ("equivalent", "survives") or not parts[2].strip():
            raise Refused(f"{KNOWN}:{n}: want ID<TAB>equivalent|survives<TAB>reason")
        known[parts[0]] = (parts[1], parts[2].strip())
    return known


def describe(lab=None):
    args = [str(GRADER), "--kit", str(ROOT), "--describe"] + (["--lab", lab] if lab else [])
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        raise Refused(p.stderr.strip() or p.stdout.strip() or "grader --describe failed")
    return json.loads(p.stdout)["labs"]


def spatch(op, files, site=None, out=None):
    """Run the operator on `files`: the sites it matches (site None), or
    the one mutated file (written to `out`)."""
    env = dict(os.environ, PYTHONPATH=str(HERE))
    env.pop("MUTANT_SITE", None)
    args = SPATCH + ["--sp-file", str(op.path)] + [str(f) for f in files]
    if site is not None:
        env["MUTANT_SITE"] = site
        args += ["-o", str(out)]
    p = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    if p.returncode != 0:
        raise Refused(f"spatch failed on {op.path.name}: {(p.stderr or p.stdout).strip()[:300]}")
    return p.stdout


def sites_of(op, lab, submit):
    """(file, function, line, column) of every site, in source order."""
    files = [ROOT / "solutions" / lab / f for f in submit]
    # Coccinelle takes a tenth of a second to start: a file without any word the
    # operator needs is not worth asking.
    if op.needs:
        files = [f for f in files
                 if any(re.search(rf"\b{re.escape(w)}\b", f.read_text()) for w in op.needs)]
    found = []
    for f in files:
        for line in spatch(op, [f]).splitlines():
            if line.startswith("SITE "):
                function, lineno, col = line[5:].rsplit(":", 2)
                found.append((f.name, function, int(lineno), int(col)))
    return sorted(set(found), key=lambda s: (s[0], s[2], s[3]))


def make_mutants(ops, labs, jobs):
    """Every mutant of every operator on every lab's solution."""
    wanted = [(op, lab) for op in ops for lab in labs]
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        listed = list(pool.map(lambda w: sites_of(w[0], w[1]["lab"], w[1]["submit"]), wanted))
    mutants = []
    for (op, lab), sites in zip(wanted, listed):
        per_function = {}
        for file, function, line, col in sites:
            k = per_function[(file, function)] = per_function.get((file, function), 0) + 1
            mutants.append(Mutant(lab["lab"], file, op, function, k, f"{function}:{line}:{col}"))
    return mutants


def materialise(m, scratch):
    """The mutated file's text and its diff from the solution."""
    src = ROOT / "solutions" / m.lab / m.file
    out = Path(scratch) / f"{hashlib.sha1(m.id.encode()).hexdigest()}-{m.file}"
    spatch(m.op, [src], m.site, out)
    if not out.exists():
        return m
    m.text = out.read_text()
    before = src.read_text()
    if m.text == before:
        m.text = ""
        return m
    m.diff = "".join(difflib.unified_diff(
        before.splitlines(True), m.text.splitlines(True),
        f"a/{m.file}", f"b/{m.file}", n=2))
    return m


def grade(m, lab, tests, machine_lock, timeout, first_loss=False):
    """Grade the mutant on `tests` (names): results.json's tests; with
    `first_loss`, up to the first test that loses points (those the grader
    then did not run are left out)."""
    with tempfile.TemporaryDirectory(prefix="mutant-") as tmp:
        sub = Path(tmp) / "submission"
        shutil.copytree(ROOT / "solutions" / m.lab, sub)
        (sub / m.file).write_text(m.text)
        os.chmod(tmp, 0o755)
        for p in sub.rglob("*"):
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        os.chmod(sub, 0o755)
        results = Path(tmp) / "results.json"
        args = [str(GRADER), "--kit", str(ROOT), "--submission", str(sub), "--lab", m.lab,
                "--no-progress", "--results", str(results)]
        if machine_lock:
            args += ["--machine-lock", str(machine_lock)]
        if timeout:
            args += ["--timeout", str(timeout)]
        for t in tests:
            args += ["--test", t]
        if first_loss:
            args += ["--first-loss"]
        p = subprocess.run(args, capture_output=True, text=True, errors="replace", timeout=1800)
        if p.returncode == 2 or not results.exists():
            raise Refused(f"the grader could not grade {m.id}: {(p.stdout + p.stderr).strip()[-400:]}")
        graded = json.loads(results.read_text())["tests"]
        return [t for t in graded if "Not run: --first-loss" not in t.get("output", "")[:200]]


def why(output):
    """What the test said first: a failed check's message if there is one
    (what the student who made this mistake would read), else its first
    line."""
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("FAIL "):
            return line[5:205]
        if line.startswith(("verdict:", "Faster than", "Tampering")):
            return line[:200]
    for line in output.splitlines():
        line = line.strip()
        if line and not line.startswith("Status:"):
            return line[:200]
    return "(no message)"


def judge(m, lab, machine_lock, timeout, repeat, first_kill=False, steady_only=False):
    """Grade one mutant: stillborn (does not build), killed (by which
    tests, how often of `repeat`), or survived."""
    # Grouped by build flavour, each group in one grading (one build), up
    # to the first test that takes points (the grader's --first-loss):
    # every build and test after it is saved, and a mutant that hangs
    # costs one time limit, not one per test. --every-test: all of them in
    # one grading.
    kinds = {t["name"]: t["kind"] for t in lab["tests"]}
    start = time.monotonic()
    groups = {}
    for t in lab["tests"]:
        # A sample without the timing tests asks a mistake about time only
        # the release build's tests: the sanitizers would not see it either.
        if steady_only and m.op.timing and t["flavour"] != "release":
            continue
        if (m.op.timing and not steady_only) or not t["alone"]:
            groups.setdefault((t["alone"], t["flavour"]), []).append(t["name"])
    # The build the operator says sees its mistake first (a leak: the
    # AddressSanitizer's), then the release build's tests, then (a mistake
    # about time) the timing tests, then the sanitizers' runs: the cheap
    # verdicts first.
    order = sorted(groups, key=lambda k: (k[1] != m.op.seen_by, k[1] != "release", k[0]))
    plan = [groups[k] for k in order] if first_kill else [[n for k in order for n in groups[k]]]
    for group in plan:
        tests = grade(m, lab, group, machine_lock, timeout, first_loss=first_kill)
        if any("Not run: its build failed" in t.get("output", "")[:200] for t in tests):
            m.outcome = "stillborn"
            m.note = why(tests[0]["output"].split("\n", 1)[-1])
            return m
        lost = [t for t in tests
                if t["score"] < t["max_score"] and not t.get("extra_data", {}).get("held")]
        if lost:
            break
    m.graded = 1
    m.killers = [(t["name"].split(": ", 1)[-1], why(t.get("output", ""))) for t in lost]
    m.kills = 1 if lost else 0
    m.outcome = "killed" if lost else "survived"
    # A kill that depends on timing or scheduling must repeat.
    names = [k for k, _ in m.killers]
    if lost and repeat > 1 and all(kinds.get(n) in UNSTEADY_KINDS for n in names):
        for _ in range(repeat - 1):
            again = grade(m, lab, names, machine_lock, timeout)
            m.graded += 1
            m.kills += any(t["score"] < t["max_score"] and not t.get("extra_data", {}).get("held")
                           for t in again)
        if m.kills < m.graded:
            m.outcome = "unsteady"
    m.seconds = time.monotonic() - start
    return m


def sample(ops, labs, known, seed):
    """For each lab and family, the family's operators in an order drawn
    with `seed`, each a thunk that lists its mutants (not known to survive
    or be equivalent) in a drawn order: listing only what is drawn saves
    Coccinelle's start-up for every other operator."""
    rng = random.Random(seed)
    families = {}
    for op in ops:
        families.setdefault(op.family, []).append(op)
    draws = []
    for lab in labs:
        for family in sorted(families):
            members = list(families[family])
            rng.shuffle(members)
            order = rng.random()

            def candidates(lab=lab, members=members, order=order):
                for op in members:
                    ms = [m for m in make_mutants([op], [lab], 1) if m.id not in known]
                    random.Random(order).shuffle(ms)
                    yield from ms
            draws.append(candidates)
    return draws


def score(ms):
    judged = [m for m in ms if m.outcome in ("killed", "survived", "known", "unsteady")]
    killed = [m for m in judged if m.outcome == "killed"]
    return (100.0 * len(killed) / len(judged)) if judged else 100.0, len(killed), len(judged)


def report(mutants, out, seed, elapsed):
    out.mkdir(parents=True, exist_ok=True)
    labs = sorted({m.lab for m in mutants})
    md = ["# Mutants of the labs' reference solutions", ""]
    if seed is not None:
        md += [f"A sample, seed {seed} (`make mutants SAMPLE={seed}` draws it again).", ""]
    md += ["| lab | mutants | stillborn | duplicate | equivalent | killed | survived | score |",
           "|---|---|---|---|---|---|---|---|"]
    summary = {}
    for lab in labs:
        ms = [m for m in mutants if m.lab == lab]
        count = lambda *o: sum(m.outcome in o for m in ms)
        pct, killed, judged = score(ms)
        summary[lab] = {"mutants": len(ms), "stillborn": count("stillborn"),
                        "duplicate": count("duplicate"), "equivalent": count("equivalent"),
                        "killed": killed, "judged": judged, "score": round(pct, 1)}
        md.append(f"| {lab} | {len(ms)} | {count('stillborn')} | {count('duplicate')} | "
                  f"{count('equivalent')} | {killed} | {count('survived', 'known', 'unsteady')} | "
                  f"{pct:.1f} % |")
    slow = {}
    for m in mutants:
        slow[m.op.id] = slow.get(m.op.id, 0) + m.seconds
    if slow:
        top = max(slow, key=slow.get)
        md += ["", f"Slowest operator: {top}, {slow[top]:.0f} s of grading in all. "
               f"Whole run: {elapsed:.0f} s."]
    for title, outcomes in (("Survivors", ("survived", "unsteady", "known")),
                            ("Equivalent", ("equivalent",)),
                            ("Stillborn (do not build)", ("stillborn",)),
                            ("Killed", ("killed",))):
        ms = [m for m in mutants if m.outcome in outcomes]
        if not ms:
            continue
        md += ["", f"## {title}", ""]
        for m in ms:
            md.append(f"### {m.id}")
            md.append(f"{m.op.mistake}.")
            if m.killers:
                md += [f"- killed by **{t}**: {w}" for t, w in m.killers]
            if m.graded > 1:
                md.append(f"- lost points in {m.kills} of {m.graded} gradings")
            if m.note:
                md.append(f"- {m.note}")
            if m.outcome != "killed":
                md += ["```diff", m.diff.rstrip(), "```"]
            md.append("")
    (out / "report.md").write_text("\n".join(md) + "\n")
    (out / "report.json").write_text(json.dumps({
        "seed": seed, "labs": summary,
        "mutants": [{"id": m.id, "lab": m.lab, "file": m.file, "operator": m.op.id,
                     "family": m.op.family, "mistake": m.op.mistake, "outcome": m.outcome,
                     "killers": m.killers, "kills": m.kills, "gradings": m.graded,
                     "note": m.note, "seconds": round(m.seconds, 1), "diff": m.diff}
                    for m in mutants]}, indent=1) + "\n")
    return summary


def say(m):
    line = f"{m.outcome:<10} {m.id}"
    if m.killers:
        t, w = m.killers[0]
        line += f"  by {t}: {w}"
    if m.graded > 1:
        line += f"  ({m.kills}/{m.graded})"
    if m.note and m.outcome != "killed":
        line += f"  ({m.note})"
    print(line, flush=True)
    if m.outcome in ("survived", "unsteady"):
        print("    " + m.diff.rstrip().replace("\n", "\n    "), flush=True)


def main(argv):
    ap = argparse.ArgumentParser(prog="mutants", description=__doc__.split("\n\n")[0])
    ap.add_argument("--lab", action="append", help="a lab (number or name); repeatable; default every lab")
    ap.add_argument("--operator", action="append", help="only operators whose FAMILY/NAME holds this; repeatable")
    ap.add_argument("--sample", type=int, metavar="SEED",
                    help="one mutant per operator family per lab, drawn with SEED")
    ap.add_argument("--repeat", type=int, default=1, metavar="N",
                    help="grade a mutant killed by a race or timing test N times in all (default 1)")
    ap.add_argument("--min-score", type=float, default=95.0, metavar="PCT")
    ap.add_argument("--steady-only", action="store_true",
                    help="never the timing tests (they need the machine alone): a mutant about "
                         "time that the other tests let through is passed over for the next")
    ap.add_argument("--every-test", action="store_true",
                    help="grade each mutant on all its tests at once, to name every test that "
                         "kills it (default: test by test, up to the first that does)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=12,
                    help="cap every test's time limit at this many seconds (default 12: a "
                         "mutant that hangs waits no longer; the solution is graded under the "
                         "same cap first, and must keep every point)")
    ap.add_argument("--machine-lock", type=Path, default=ROOT / "build" / "mutants.lock",
                    help="the graders' machine lock file, so that timing tests run alone "
                         "(default: build/mutants.lock)")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "mutants")
    args = ap.parse_args(argv)
    if args.repeat < 1 or args.jobs < 1:
        ap.error("--repeat and --jobs take a number from 1")
    if shutil.which("spatch") is None:
        raise Refused("spatch (Debian's coccinelle) is not installed: make deps installs it")
    if not GRADER.exists():
        raise Refused(f"{GRADER} is not built: run make first")
    start = time.monotonic()
    known = read_known()
    ops = read_operators(args.operator)
    labs = [l for lab in (args.lab or [None]) for l in describe(lab)]
    mutants = make_mutants(ops, labs, args.jobs) if args.sample is None else []
    # The control: the solution itself, graded as the mutants are. A kill
    # means something only if the unchanged solution keeps every point.
    # (A sample leaves it to make test's own grading of the solutions.)
    for lab in labs if args.sample is None else []:
        control = Mutant(lab["lab"], lab["submit"][0], ops[0], "(none)", 0, "")
        control.text = (ROOT / "solutions" / lab["lab"] / lab["submit"][0]).read_text()
        lost = [t["name"] for t in grade(control, lab, [t["name"] for t in lab["tests"]
                                                        if not t["alone"]],
                                         args.machine_lock, args.timeout)
                if t["score"] < t["max_score"]]
        if lost:
            raise Refused(f"the reference solution of {lab['lab']} itself loses points "
                          f"({', '.join(lost)}) when graded as the mutants are: "
                          "no kill would mean anything (a --timeout too short?)")
    by_lab = {l["lab"]: l for l in labs}
    with tempfile.TemporaryDirectory(prefix="mutants-") as scratch, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        def run(m):
            return judge(m, by_lab[m.lab], args.machine_lock, args.timeout, args.repeat,
                         first_kill=not args.every_test, steady_only=args.steady_only)

        if args.sample is not None:
            print(f"mutants: one per operator family per lab, seed {args.sample}", flush=True)
            chosen = []

            def first_alive(candidates):
                # A member that does not build, or repeats another, is no
                # test of the tests: the next one is drawn.
                seen = set()
                for m in candidates():
                    materialise(m, scratch)
                    digest = hashlib.sha1(m.text.encode()).hexdigest()
                    if not m.text or digest in seen:
                        continue
                    seen.add(digest)
                    run(m)
                    # Without the timing tests, a mistake about time that
                    # the others let through proves nothing either way.
                    if m.outcome == "survived" and m.op.timing and args.steady_only:
                        continue
                    if m.outcome != "stillborn":
                        return m
                return None

            for m in pool.map(first_alive, sample(ops, labs, known, args.sample)):
                if m is not None:
                    chosen.append(m)
                    say(m)
            mutants = chosen
        else:
            list(pool.map(lambda m: materialise(m, scratch), mutants))
            seen = {}
            todo = []
            for m in mutants:
                key = (m.lab, m.file, m.text)
                if not m.text:
                    m.outcome, m.note = "duplicate", "changes nothing"
                elif key in seen:
                    m.outcome, m.note = "duplicate", f"the same file as {seen[key]}"
                elif m.id in known and known[m.id][0] == "equivalent":
                    m.outcome, m.note = "equivalent", known[m.id][1]
                else:
                    seen[key] = m.id
                    todo.append(m)
            for m in pool.map(run, todo):
                if m.outcome == "survived" and m.id in known:
                    m.outcome, m.note = "known", known[m.id][1]
                say(m)
    stale = sorted(set(known) - {m.id for m in mutants}) if args.sample is None and \
        not args.operator and not args.lab else []
    summary = report(mutants, args.out, args.sample, time.monotonic() - start)
    failed = False
    for lab, s in summary.items():
        print(f"{lab}: {s['mutants']} mutants, {s['stillborn']} stillborn, {s['duplicate']} duplicate, "
              f"{s['equivalent']} equivalent; {s['killed']} of {s['judged']} killed ({s['score']} %)")
        if args.sample is None and s["score"] < args.min_score:
            failed = True
    if args.sample is not None:
        alive = [m for m in mutants if m.outcome != "killed"]
        for m in alive:
            print(f"NOT KILLED: {m.id}: {m.op.mistake}", flush=True)
        failed = failed or bool(alive)
    for s in stale:
        print(f"known.txt names a mutant that no longer exists: {s}")
    killed_by_equivalent = [m for m in mutants if m.outcome == "killed" and
                            known.get(m.id, ("",))[0] == "survives"]
    for m in killed_by_equivalent:
        print(f"known.txt says {m.id} survives, but it was killed: take it out")
    print(f"report: {args.out / 'report.md'}")
    return 1 if failed or stale or killed_by_equivalent else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Refused as e:
        print(f"mutants: {e}", file=sys.stderr)
        sys.exit(2)
