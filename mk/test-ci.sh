#!/usr/bin/env bash
# The kit's test of its CI templates and Gradescope package (ci/), a step of
# `make test`: every YAML file parses; the workflows run the kit's real
# targets with variables the grade rule uses, and upload the files the grade
# writes; `make gradescope LAB=02` builds a zip whose run_autograder grades a
# reference solution at full marks, an empty submission at zero with the
# missing file named, and leaves a valid results.json when it cannot grade.
# Exit status: 0 all checks passed, 1 a check failed (the message says which).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
MAKE=${MAKE:-make}
# Debian's Python with PyYAML: a version manager's python3 may come first on
# PATH without it.
PY=/usr/bin/python3
LAB=02-threads
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Run as root, the grader runs student code as an unprivileged user, who
# must reach the fake /autograder's kit below.
chmod 755 "$TMP"

fail() {
    echo "test-ci: FAIL: $*" >&2
    exit 1
}

"$ROOT/mk/deps.sh" ensure py:yaml cmd:zip cmd:unzip >&2 || fail "cannot install PyYAML, zip and unzip"

# ---- (a) and (b): the YAML files and the commands they run -------------

"$PY" - "$ROOT" "${MAKE%% *}" <<'PYTHON' || fail "the CI templates do not match the kit (above)"
import glob, os, re, shlex, subprocess, sys
import yaml

root, make = sys.argv[1], sys.argv[2]
problems = []

def ok(msg):
    print("ok    " + msg)

def bad(msg):
    problems.append(msg)
    print("FAIL  " + msg)

# (a) Every YAML file under ci/ parses.
files = sorted(glob.glob(os.path.join(root, "ci", "**", "*.y*ml"), recursive=True))
if not files:
    bad("no YAML file under ci/")
docs = {}
for f in files:
    rel = os.path.relpath(f, root)
    try:
        with open(f, encoding="utf-8") as fh:
            docs[rel] = yaml.safe_load(fh)
        ok(f"{rel} parses")
    except yaml.YAMLError as e:
        bad(f"{rel} does not parse: {e}")

# The kit's make database: its targets, recipes and variables.
db = subprocess.run([make, "-pRrq", "-C", root, ".test-ci-no-such-target"],
                    capture_output=True, text=True).stdout.splitlines()
targets, recipes, variables = set(), {}, {}
not_target, current = False, None
for line in db:
    if line == "# Not a target:":
        not_target = True
        continue
    m = re.match(r"^([A-Za-z0-9_]+) :?= (.*)$", line)
    if m:
        variables[m.group(1)] = m.group(2)
        continue
    m = re.match(r"^([A-Za-z0-9_./%-]+):(?:\s|$)", line)
    if m:
        if not not_target:
            targets.add(m.group(1))
            current = m.group(1)
            recipes.setdefault(current, [])
        continue
    if line.startswith("\t") and current is not None:
        recipes[current].append(line)
    elif line == "":
        not_target, current = False, None
if "grade" not in targets:
    bad("cannot read the kit's Makefile: no grade target in `make -p`")

# The variables the grade rule uses: those its recipe names, and those
# named by the variables it names (GRADE_ARGS).
def referenced(text):
    return set(re.findall(r"\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]", text))
grade_vars, todo = set(), referenced("\n".join(recipes.get("grade", [])))
while todo:
    name = todo.pop()
    if name not in grade_vars:
        grade_vars.add(name)
        todo |= referenced(variables.get(name, ""))
labs = sorted(os.path.basename(os.path.dirname(p))
              for p in glob.glob(os.path.join(root, "labs", "*", "lab.ini")))

def lab_exists(value):
    return any(value == l or (value.isdigit() and int(l.split("-")[0]) == int(value))
               for l in labs)

def make_calls(script):
    """Each `make ...` in a shell script: (-C folder, targets, VAR=VALUE)."""
    calls = []
    for line in script.replace("\\\n", " ").splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        for i, w in enumerate(words):
            if w != "make" or (i > 0 and words[i - 1] not in ("sudo", "&&", "||", ";", "then", "do")):
                continue
            folder, goals, assigns, j = None, [], {}, i + 1
            while j < len(words) and words[j] not in ("&&", "||", ";", "|"):
                a = words[j]
                if a == "-C":
                    folder, j = words[j + 1], j + 2
                    continue
                if a.startswith("-C"):
                    folder = a[2:]
                elif a.startswith("-") or re.match(r"^\d*[<>]", a):
                    pass
                elif re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", a):
                    k, v = a.split("=", 1)
                    assigns[k] = v
                else:
                    goals.append(a)
                j += 1
            calls.append((folder, goals or ["all"], assigns))
    return calls

def bash_syntax(name, script):
    script = re.sub(r"\$\{\{.*?\}\}", "x", script)
    r = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
    if r.returncode != 0:
        bad(f"{name}: bash -n: {r.stderr.strip()}")

def covered(path, listed):
    """Whether an artifact list holds path, itself or a folder above it."""
    path = path.rstrip("/")
    return any(path == p.rstrip("/") or path.startswith(p.rstrip("/") + "/") for p in listed)

def check_calls(where, calls, kit_dir, workspace, submission):
    """The make calls of one CI file; returns the grade's output files."""
    outputs, graded = {}, False
    if not calls:
        bad(f"{where}: runs no make command")
    for folder, goals, assigns in calls:
        cmd = f"make -C {folder} {' '.join(goals)}"
        if folder != kit_dir:
            bad(f"{where}: `{cmd}` runs in {folder}, not in the kit ({kit_dir})")
        for g in goals:
            if g in targets:
                ok(f"{where}: `make {g}` is a target of the kit's Makefile")
            else:
                bad(f"{where}: `make {g}`: the kit's Makefile has no such target")
        if "grade" in goals:
            graded = True
            for k in assigns:
                if k in grade_vars:
                    ok(f"{where}: make grade {k}= is used by the grade rule")
                else:
                    bad(f"{where}: make grade {k}=: the grade rule does not use {k} "
                        f"(it uses {', '.join(sorted(grade_vars))})")
            for k in ("LAB", "SUBMISSION", "RESULTS", "JUNIT", "SUMMARY", "PLOT"):
                if k not in assigns:
                    bad(f"{where}: make grade without {k}=")
            if assigns.get("SUBMISSION") != f"{workspace}/{submission}":
                bad(f"{where}: SUBMISSION={assigns.get('SUBMISSION')}, "
                    f"want the student's labs/ ({workspace}/{submission})")
            else:
                ok(f"{where}: SUBMISSION is the student's checkout ({submission})")
            for k in ("RESULTS", "JUNIT", "SUMMARY", "PLOT"):
                v = assigns.get(k)
                if v is None:
                    continue
                if not v.startswith(workspace + "/"):
                    bad(f"{where}: {k}={v} is not under {workspace}, where artifacts come from")
                outputs[k] = v[len(workspace) + 1:]
    if not graded:
        bad(f"{where}: no `make grade`")
    return outputs

def pinned_ref(where, value):
    if re.fullmatch(r"[0-9a-f]{40}", str(value or "")):
        ok(f"{where}: KIT_REF is a full commit hash (instructors write theirs)")
    else:
        bad(f"{where}: KIT_REF '{value}' is not a 40-digit commit hash")

# ---- GitHub Actions ----
gh = docs.get("ci/github/grade.yml")
if gh is None:
    bad("ci/github/grade.yml is missing")
else:
    where = "github"
    on = gh.get("on", gh.get(True)) or {}  # YAML 1.1 reads a bare `on` as true
    for event in ("push", "workflow_dispatch"):
        (ok if event in on else bad)(f"{where}: runs on {event}")
    env = gh.get("env", {})
    pinned_ref(where, env.get("KIT_REF"))
    m = re.search(r"'([^']+)'\s*\}\}\s*$", str(env.get("LAB", ""))) or \
        re.fullmatch(r"([0-9A-Za-z-]+)", str(env.get("LAB", "")))
    if m and lab_exists(m.group(1)):
        ok(f"{where}: LAB defaults to {m.group(1)}, a lab of the kit")
    else:
        bad(f"{where}: LAB={env.get('LAB')} names no lab of the kit ({' '.join(labs)})")
    steps = [s for job in gh.get("jobs", {}).values() for s in job.get("steps", [])]
    checkouts = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
    student = [s for s in checkouts if "repository" not in s.get("with", {})]
    kit = [s for s in checkouts if "repository" in s.get("with", {})]
    if len(student) != 1 or len(kit) != 1:
        bad(f"{where}: want one checkout of the student's repository and one of the kit")
        student_path = kit_path = "?"
    else:
        student_path = student[0]["with"].get("path", ".")
        kit_path = kit[0]["with"].get("path", ".")
        if kit[0]["with"].get("ref") == "${{ env.KIT_REF }}":
            ok(f"{where}: the kit is checked out into {kit_path}/ at KIT_REF")
        else:
            bad(f"{where}: the kit's checkout is not at ${{{{ env.KIT_REF }}}}")
        if student_path == kit_path or student_path in (".", ""):
            bad(f"{where}: the student's checkout must have a folder of its own")
    for s in steps:
        uses = s.get("uses")
        if uses:
            (ok if re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", uses) else bad)(
                f"{where}: {uses} is pinned to a major version")
    scripts = [(s.get("name", "?"), s["run"]) for s in steps if "run" in s]
    for name, script in scripts:
        bash_syntax(f"{where}: step '{name}'", script)
    ok(f"{where}: {len(scripts)} run scripts pass bash -n")
    calls = [c for _, script in scripts for c in make_calls(script)]
    outputs = check_calls(where, calls, kit_path, "$GITHUB_WORKSPACE", f"{student_path}/labs")
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    if len(uploads) != 1:
        bad(f"{where}: want one actions/upload-artifact step")
    else:
        up = uploads[0]
        listed = [p.strip() for p in str(up.get("with", {}).get("path", "")).splitlines() if p.strip()]
        for k, path in outputs.items():
            (ok if covered(path, listed) else bad)(f"{where}: {k} ({path}) is uploaded")
        (ok if str(up.get("if", "")).replace(" ", "") == "always()" else bad)(
            f"{where}: the upload runs always, below full marks too")
    summary = [s for s in steps if "GITHUB_STEP_SUMMARY" in str(s.get("run", ""))]
    if len(summary) == 1 and outputs.get("SUMMARY", "?") in summary[0]["run"] \
            and str(summary[0].get("if", "")).replace(" ", "") == "always()":
        ok(f"{where}: the summary ({outputs.get('SUMMARY')}) goes to $GITHUB_STEP_SUMMARY, always")
    else:
        bad(f"{where}: no step appends SUMMARY's file to $GITHUB_STEP_SUMMARY with if: always()")

# ---- GitLab CI ----
gl = docs.get("ci/gitlab/grade.gitlab-ci.yml")
if gl is None:
    bad("ci/gitlab/grade.gitlab-ci.yml is missing")
else:
    where = "gitlab"
    gvars = gl.get("variables", {})
    pinned_ref(where, gvars.get("KIT_REF"))
    if lab_exists(str(gvars.get("LAB", ""))):
        ok(f"{where}: LAB defaults to {gvars.get('LAB')}, a lab of the kit")
    else:
        bad(f"{where}: LAB={gvars.get('LAB')} names no lab of the kit")
    jobs = {k: v for k, v in gl.items() if isinstance(v, dict) and "script" in v}
    if len(jobs) != 1:
        bad(f"{where}: want one job with a script")
    for name, job in jobs.items():
        lines = [l for part in ("before_script", "script", "after_script")
                 for l in job.get(part, [])]
        script = "\n".join(lines)
        bash_syntax(f"{where}: job {name}", script)
        ok(f"{where}: job {name}'s scripts pass bash -n")
        if re.search(r'git clone .*"\$KIT_URL" "\$KIT_DIR"', script) and \
                re.search(r'checkout .*"\$KIT_REF"', script):
            ok(f"{where}: the kit is cloned from KIT_URL into KIT_DIR at KIT_REF")
        else:
            bad(f"{where}: no git clone of $KIT_URL into $KIT_DIR and checkout of $KIT_REF")
        calls = [c for l in lines for c in make_calls(l)]
        outputs = check_calls(f"{where}: job {name}", calls, "$KIT_DIR",
                              "$CI_PROJECT_DIR", "labs")
        art = job.get("artifacts", {})
        listed = art.get("paths", [])
        for k, path in outputs.items():
            (ok if covered(path, listed) else bad)(f"{where}: {k} ({path}) is an artifact")
        junit = art.get("reports", {}).get("junit")
        (ok if junit == outputs.get("JUNIT") else bad)(
            f"{where}: the JUnit report ({junit}) is the grade's JUNIT")
        (ok if art.get("when") == "always" else bad)(
            f"{where}: artifacts are kept always, below full marks too")
        (ok if outputs.get("SUMMARY", "?") in "\n".join(job.get("after_script", [])) else bad)(
            f"{where}: after_script shows the summary")

if problems:
    print(f"{len(problems)} problem(s) in the CI templates")
    sys.exit(1)
PYTHON

# ---- (c) the Gradescope package -----------------------------------------

# make gradescope refuses a missing or unknown lab with exit status 2.
for bad_lab in "" 99; do
    set +e
    out=$("$ROOT/mk/gradescope.sh" "$bad_lab" 2>&1)
    status=$?
    set -e
    if [ "$status" -ne 2 ] || ! grep -qE "usage: make gradescope|no lab '$bad_lab'" <<<"$out"; then
        fail "mk/gradescope.sh '$bad_lab': exit status $status (want 2): $out"
    fi
    echo "ok    make gradescope LAB='$bad_lab' is refused with exit status 2: $out"
done

start=$(date +%s)
"$MAKE" -s -C "$ROOT" gradescope LAB=02 || fail "make gradescope LAB=02 failed"
zip=$ROOT/build/gradescope/$LAB-autograder.zip
[ -f "$zip" ] || fail "make gradescope LAB=02 made no $zip"
listing=$(unzip -Z1 "$zip")
for want in setup.sh run_autograder lab kit-commit kit/Makefile kit/mk/deps.sh \
    kit/labs/$LAB/lab.ini kit/grader/main.c; do
    grep -qx "$want" <<<"$listing" || fail "the zip lacks $want"
done
if grep -qE '^kit/(build|solutions|\.git)/' <<<"$listing"; then
    fail "the zip holds build/, solutions/ or .git/"
fi
echo "ok    $(basename "$zip"): setup.sh, run_autograder, lab and kit/ at its top; no build/ or solutions/"

# A fake /autograder: Gradescope unpacks the zip into source/ and copies
# run_autograder to the top.
AG=$TMP/autograder
mkdir -p "$AG/source" "$AG/submission" "$AG/results"
unzip -q "$zip" -d "$AG/source"
cp "$AG/source/run_autograder" "$AG/run_autograder"
if [ ! -x "$AG/source/setup.sh" ] || [ ! -x "$AG/run_autograder" ]; then
    fail "setup.sh or run_autograder lost its x bit in the zip"
fi
[ "$(cat "$AG/source/lab")" = "$LAB" ] || fail "the zip's lab file says '$(cat "$AG/source/lab")', not $LAB"
"$AG/source/setup.sh" --no-install >"$TMP/setup.log" 2>&1 || {
    tail -20 "$TMP/setup.log"
    fail "setup.sh --no-install failed"
}
[ -x "$AG/source/kit/build/release/grader/grader" ] || fail "setup.sh built no grader"
echo "ok    setup.sh --no-install built libkit and the grader in the unpacked zip"

# grade [TEST]: run_autograder on the fake /autograder's submission.
grade() {
    local status=0
    rm -f "$AG/results/results.json"
    AUTOGRADER_ROOT=$AG AUTOGRADER_TEST=${1:-} "$AG/run_autograder" >"$TMP/grade.log" 2>&1 ||
        status=$?
    if [ "$status" -ne 0 ]; then
        cat "$TMP/grade.log"
        fail "run_autograder exited with $status (want 0)"
    fi
    [ -s "$AG/results/results.json" ] || {
        cat "$TMP/grade.log"
        fail "run_autograder left no results.json"
    }
}

# check_results EXPECT [TEXT]: results.json is what Gradescope reads, and
# EXPECT holds: full (every point of lab.ini won, or held where lab.ini lets
# a speedup be held), zero (score 0, a test's output naming TEXT).
check_results() {
    "$PY" - "$AG/results/results.json" "$ROOT/labs/$LAB/lab.ini" "$@" <<'PYTHON'
import json, re, sys
path, ini, expect = sys.argv[1], sys.argv[2], sys.argv[3]
text = sys.argv[4] if len(sys.argv) > 4 else ""
def die(msg):
    print(f"test-ci: FAIL: results.json: {msg}", file=sys.stderr)
    sys.exit(1)
try:
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
except (ValueError, OSError) as e:
    die(f"not valid JSON: {e}")
num = (int, float)
# Gradescope's specification: a top-level score, or tests that carry one.
if not isinstance(d, dict):
    die("not an object")
tests = d.get("tests", [])
if not isinstance(tests, list):
    die("tests is not a list")
if "score" not in d and not (tests and all("score" in t for t in tests)):
    die("neither a top-level score nor a score in every test")
if "score" in d and (not isinstance(d["score"], num) or d["score"] < 0):
    die(f"score {d['score']!r} is not a number >= 0")
for key in ("output", "visibility", "stdout_visibility"):
    if key in d and not isinstance(d[key], str):
        die(f"{key} is not a string")
for t in tests:
    if not isinstance(t, dict) or not isinstance(t.get("name"), str):
        die(f"a test without a name: {t!r}")
    for key in ("score", "max_score"):
        if key in t and (not isinstance(t[key], num) or t[key] < 0):
            die(f"{t['name']}: {key} {t[key]!r} is not a number >= 0")
    if t.get("status", "passed") not in ("passed", "failed"):
        die(f"{t['name']}: status {t['status']!r} is neither passed nor failed")
    if "output" in t and not isinstance(t["output"], str):
        die(f"{t['name']}: output is not a string")
    if t.get("visibility", "visible") not in ("hidden", "after_due_date", "after_published", "visible"):
        die(f"{t['name']}: visibility {t['visibility']!r}")
total = sum(t.get("score", 0) for t in tests)
if abs(total - d.get("score", total)) > 1e-6:
    die(f"the tests' scores add up to {total}, the top-level score is {d['score']}")

# lab.ini: each test's points and, for speedup tests, what a skip does.
points, skip, name = {}, {}, None
for line in open(ini, encoding="utf-8"):
    line = line.split(";", 1)[0].strip()
    m = re.match(r'\[test "(.*)"\]$', line)
    if m:
        name = m.group(1)
        continue
    m = re.match(r"(\w+)\s*=\s*(.*)$", line)
    if m and name is not None:
        if m.group(1) == "points":
            points[name] = float(m.group(2))
        elif m.group(1) == "skip":
            skip[name] = m.group(2)
lab_total = sum(points.values())

if expect == "full":
    held = []
    for t in tests:
        short = t["name"].split(": ", 1)[-1]
        extra = t.get("extra_data", {})
        if short not in points:
            die(f"{t['name']}: not a test of lab.ini")
        if extra.get("held"):
            # The kit's own expectation: a held test is a speedup test the
            # machine could not judge (inconclusive), or one skipped on one
            # usable CPU where lab.ini says skip = hold; worth 0 of 0 here.
            if extra.get("kind") != "speedup" or t["score"] != 0 or t["max_score"] != 0:
                die(f"{t['name']}: held, but not a speedup test worth 0/0")
            if extra.get("status") == "skipped" and skip.get(short, "hold") != "hold":
                die(f"{t['name']}: skipped and held, but lab.ini says skip = {skip[short]}")
            if extra.get("status") not in ("inconclusive", "skipped"):
                die(f"{t['name']}: held with status {extra.get('status')}")
            held.append((short, f"{short}: {extra.get('status')}, {points[short]:g} points held"))
        elif t["status"] != "passed" or abs(t["score"] - points[short]) > 1e-6:
            die(f"{t['name']}: {t['status']} {t['score']}/{t['max_score']}, want {points[short]:g}/{points[short]:g}:\n{t.get('output', '')}")
    if {t["name"].split(": ", 1)[-1] for t in tests} != set(points):
        die("the tests are not lab.ini's tests")
    won = d["score"]
    want = lab_total - sum(points[short] for short, _ in held)
    if abs(won - want) > 1e-6:
        die(f"score {won}, want {want:g}")
    speed = [f"{t['name'].split(': ', 1)[-1]}: {t.get('extra_data', {}).get('status')}"
             for t in tests if t.get("extra_data", {}).get("kind") == "speedup"
             and not t.get("extra_data", {}).get("held")]
    print(f"full marks, {won:g}/{want:g} of lab.ini's {lab_total:g}"
          + (f"; held: {'; '.join(why for _, why in held)}" if held else "")
          + (f"; measured: {'; '.join(speed)}" if speed else ""))
elif expect == "zero":
    if d.get("score") != 0:
        die(f"score {d.get('score')}, want 0")
    if not any(text in t.get("output", "") for t in tests) or text not in json.dumps(d):
        die(f"no test's output names {text!r}")
    if any(t.get("status") != "failed" for t in tests):
        die("a test passed with nothing submitted")
    print(f"score 0, {len(tests)} failed tests, the output names {text!r}")
elif expect == "some":
    if not tests or any(t.get("status") != "passed" for t in tests):
        die("want every graded test passed")
    print(f"{len(tests)} test(s) passed, {d['score']:g} points")
else:
    die(f"unknown expectation {expect}")
PYTHON
}

# The same file in each layout a student may upload, one quick test each.
layout() { # NAME FOLDER
    rm -rf "$AG/submission" && mkdir -p "$AG/submission/$2"
    cp "$ROOT/solutions/$LAB/parallel.c" "$AG/submission/$2/"
    grade "integrate matches"
    result=$(check_results some) || exit 1
    echo "ok    submission as $1: $result"
}
layout "flat files" .
layout "a labs/ tree (a fork of the kit)" "labs/$LAB"
layout "an NN-name/ folder" "$LAB"
layout "a folder of any name" "my work"

# The whole lab, with the reference solution: full marks, a speedup the
# machine cannot judge held rather than lost.
rm -rf "$AG/submission" && mkdir -p "$AG/submission"
cp "$ROOT/solutions/$LAB/parallel.c" "$AG/submission/"
t0=$(date +%s)
grade
result=$(check_results full) || exit 1
echo "ok    the whole lab, reference solution ($(($(date +%s) - t0)) s): $result"

# Nothing submitted: a valid results.json, score 0, the missing file named.
rm -rf "$AG/submission" && mkdir -p "$AG/submission"
grade
result=$(check_results zero "parallel.c") || exit 1
echo "ok    empty submission: $result"

# A broken package (the grader could not say anything): still a valid
# results.json, with the reason.
echo "99-no-such-lab" >"$AG/source/lab"
grade
result=$(check_results zero "names no lab") || exit 1
echo "ok    broken package: $result"
echo "$LAB" >"$AG/source/lab"

echo "test-ci: all checks passed ($(($(date +%s) - start)) s for the Gradescope package)"
