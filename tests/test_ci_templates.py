# SPDX-License-Identifier: MIT
"""The CI templates for instructors (ci/github, ci/gitlab): every YAML file
parses, the workflows run the kit's real make targets with variables the
grade rule uses, and they upload the files the grade writes."""

import glob
import os
import re
import shlex
import subprocess

import yaml

from kit import MAKE, ROOT, describe

root = str(ROOT)
make = MAKE
LAB_NUMBERS = {lab["lab"]: lab["number"] for lab in describe()["labs"]}
labs = sorted(LAB_NUMBERS)


class Problems(list):
    """The checks of one test: each failed one noted, all reported at once."""

    def ok(self, msg):
        pass

    def bad(self, msg):
        self.append(msg)

    def check(self):
        assert not self, "\n".join(self)


def lab_exists(value):
    return any(value == l or (value.isdigit() and LAB_NUMBERS[l] == int(value))
               for l in labs)


def load_docs():
    files = sorted(glob.glob(os.path.join(root, "ci", "**", "*.y*ml"), recursive=True))
    docs = {}
    for f in files:
        with open(f, encoding="utf-8") as fh:
            docs[os.path.relpath(f, root)] = yaml.safe_load(fh)
    return files, docs


def make_database():
    """The kit's make database: its targets, recipes and variables."""
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
    return targets, recipes, variables


targets, recipes, variables = make_database()


def referenced(text):
    return set(re.findall(r"\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]", text))


def grade_variables():
    """The variables the grade rule uses: those its recipe names, and those
    named by the variables it names (GRADE_ARGS)."""
    found, todo = set(), referenced("\n".join(recipes.get("grade", [])))
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo |= referenced(variables.get(name, ""))
    return found


grade_vars = grade_variables()

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

def bash_syntax(p, name, script):
    script = re.sub(r"\$\{\{.*?\}\}", "x", script)
    r = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
    if r.returncode != 0:
        p.bad(f"{name}: bash -n: {r.stderr.strip()}")

def covered(path, listed):
    """Whether an artifact list holds path, itself or a folder above it."""
    path = path.rstrip("/")
    return any(path == p.rstrip("/") or path.startswith(p.rstrip("/") + "/") for p in listed)

def check_calls(p, where, calls, kit_dir, workspace, submission):
    """The make calls of one CI file; returns the grade's output files."""
    outputs, graded = {}, False
    if not calls:
        p.bad(f"{where}: runs no make command")
    for folder, goals, assigns in calls:
        cmd = f"make -C {folder} {' '.join(goals)}"
        if folder != kit_dir:
            p.bad(f"{where}: `{cmd}` runs in {folder}, not in the kit ({kit_dir})")
        for g in goals:
            if g in targets:
                p.ok(f"{where}: `make {g}` is a target of the kit's Makefile")
            else:
                p.bad(f"{where}: `make {g}`: the kit's Makefile has no such target")
        if "grade" in goals:
            graded = True
            for k in assigns:
                if k in grade_vars:
                    p.ok(f"{where}: make grade {k}= is used by the grade rule")
                else:
                    p.bad(f"{where}: make grade {k}=: the grade rule does not use {k} "
                        f"(it uses {', '.join(sorted(grade_vars))})")
            for k in ("LAB", "SUBMISSION", "RESULTS", "JUNIT", "SUMMARY", "PLOT"):
                if k not in assigns:
                    p.bad(f"{where}: make grade without {k}=")
            if assigns.get("SUBMISSION") != f"{workspace}/{submission}":
                p.bad(f"{where}: SUBMISSION={assigns.get('SUBMISSION')}, "
                    f"want the student's labs/ ({workspace}/{submission})")
            else:
                p.ok(f"{where}: SUBMISSION is the student's checkout ({submission})")
            for k in ("RESULTS", "JUNIT", "SUMMARY", "PLOT"):
                v = assigns.get(k)
                if v is None:
                    continue
                if not v.startswith(workspace + "/"):
                    p.bad(f"{where}: {k}={v} is not under {workspace}, where artifacts come from")
                outputs[k] = v[len(workspace) + 1:]
    if not graded:
        p.bad(f"{where}: no `make grade`")
    return outputs

def pinned_ref(p, where, value):
    if re.fullmatch(r"[0-9a-f]{40}", str(value or "")):
        p.ok(f"{where}: KIT_REF is a full commit hash (instructors write theirs)")
    else:
        p.bad(f"{where}: KIT_REF '{value}' is not a 40-digit commit hash")



def test_yaml_files_parse():
    files, docs = load_docs()
    assert files, "no YAML file under ci/"
    assert set(docs) == {os.path.relpath(f, root) for f in files}
    assert "grade" in targets, "cannot read the kit's Makefile: no grade target in `make -p`"


def test_github_workflow():
    p = Problems()
    docs = load_docs()[1]
    gh = docs.get("ci/github/grade.yml")
    if gh is None:
        p.bad("ci/github/grade.yml is missing")
    else:
        where = "github"
        on = gh.get("on", gh.get(True)) or {}  # YAML 1.1 reads a bare `on` as true
        for event in ("push", "workflow_dispatch"):
            (p.ok if event in on else p.bad)(f"{where}: runs on {event}")
        env = gh.get("env", {})
        pinned_ref(p, where, env.get("KIT_REF"))
        m = re.search(r"'([^']+)'\s*\}\}\s*$", str(env.get("LAB", ""))) or \
            re.fullmatch(r"([0-9A-Za-z-]+)", str(env.get("LAB", "")))
        if m and lab_exists(m.group(1)):
            p.ok(f"{where}: LAB defaults to {m.group(1)}, a lab of the kit")
        else:
            p.bad(f"{where}: LAB={env.get('LAB')} names no lab of the kit ({' '.join(labs)})")
        steps = [s for job in gh.get("jobs", {}).values() for s in job.get("steps", [])]
        checkouts = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
        student = [s for s in checkouts if "repository" not in s.get("with", {})]
        kit = [s for s in checkouts if "repository" in s.get("with", {})]
        if len(student) != 1 or len(kit) != 1:
            p.bad(f"{where}: want one checkout of the student's repository and one of the kit")
            student_path = kit_path = "?"
        else:
            student_path = student[0]["with"].get("path", ".")
            kit_path = kit[0]["with"].get("path", ".")
            if kit[0]["with"].get("ref") == "${{ env.KIT_REF }}":
                p.ok(f"{where}: the kit is checked out into {kit_path}/ at KIT_REF")
            else:
                p.bad(f"{where}: the kit's checkout is not at ${{{{ env.KIT_REF }}}}")
            if student_path == kit_path or student_path in (".", ""):
                p.bad(f"{where}: the student's checkout must have a folder of its own")
        for s in steps:
            uses = s.get("uses")
            if uses:
                (p.ok if re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", uses) else p.bad)(
                    f"{where}: {uses} is pinned to a major version")
        scripts = [(s.get("name", "?"), s["run"]) for s in steps if "run" in s]
        for name, script in scripts:
            bash_syntax(p, f"{where}: step '{name}'", script)
        p.ok(f"{where}: {len(scripts)} run scripts pass bash -n")
        calls = [c for _, script in scripts for c in make_calls(script)]
        outputs = check_calls(p, where, calls, kit_path, "$GITHUB_WORKSPACE", f"{student_path}/labs")
        uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
        if len(uploads) != 1:
            p.bad(f"{where}: want one actions/upload-artifact step")
        else:
            up = uploads[0]
            listed = [x.strip() for x in str(up.get("with", {}).get("path", "")).splitlines() if x.strip()]
            for k, path in outputs.items():
                (p.ok if covered(path, listed) else p.bad)(f"{where}: {k} ({path}) is uploaded")
            (p.ok if str(up.get("if", "")).replace(" ", "") == "always()" else p.bad)(
                f"{where}: the upload runs always, below full marks too")
        summary = [s for s in steps if "GITHUB_STEP_SUMMARY" in str(s.get("run", ""))]
        if len(summary) == 1 and outputs.get("SUMMARY", "?") in summary[0]["run"] \
                and str(summary[0].get("if", "")).replace(" ", "") == "always()":
            p.ok(f"{where}: the summary ({outputs.get('SUMMARY')}) goes to $GITHUB_STEP_SUMMARY, always")
        else:
            p.bad(f"{where}: no step appends SUMMARY's file to $GITHUB_STEP_SUMMARY with if: always()")
    p.check()


def test_gitlab_pipeline():
    p = Problems()
    docs = load_docs()[1]
    gl = docs.get("ci/gitlab/grade.gitlab-ci.yml")
    if gl is None:
        p.bad("ci/gitlab/grade.gitlab-ci.yml is missing")
    else:
        where = "gitlab"
        gvars = gl.get("variables", {})
        pinned_ref(p, where, gvars.get("KIT_REF"))
        if lab_exists(str(gvars.get("LAB", ""))):
            p.ok(f"{where}: LAB defaults to {gvars.get('LAB')}, a lab of the kit")
        else:
            p.bad(f"{where}: LAB={gvars.get('LAB')} names no lab of the kit")
        jobs = {k: v for k, v in gl.items() if isinstance(v, dict) and "script" in v}
        if len(jobs) != 1:
            p.bad(f"{where}: want one job with a script")
        for name, job in jobs.items():
            lines = [l for part in ("before_script", "script", "after_script")
                     for l in job.get(part, [])]
            script = "\n".join(lines)
            bash_syntax(p, f"{where}: job {name}", script)
            p.ok(f"{where}: job {name}'s scripts pass bash -n")
            if re.search(r'git clone .*"\$KIT_URL" "\$KIT_DIR"', script) and \
                    re.search(r'checkout .*"\$KIT_REF"', script):
                p.ok(f"{where}: the kit is cloned from KIT_URL into KIT_DIR at KIT_REF")
            else:
                p.bad(f"{where}: no git clone of $KIT_URL into $KIT_DIR and checkout of $KIT_REF")
            calls = [c for l in lines for c in make_calls(l)]
            outputs = check_calls(p, f"{where}: job {name}", calls, "$KIT_DIR",
                                  "$CI_PROJECT_DIR", "labs")
            art = job.get("artifacts", {})
            listed = art.get("paths", [])
            for k, path in outputs.items():
                (p.ok if covered(path, listed) else p.bad)(f"{where}: {k} ({path}) is an artifact")
            junit = art.get("reports", {}).get("junit")
            (p.ok if junit == outputs.get("JUNIT") else p.bad)(
                f"{where}: the JUnit report ({junit}) is the grade's JUNIT")
            (p.ok if art.get("when") == "always" else p.bad)(
                f"{where}: artifacts are kept always, below full marks too")
            (p.ok if outputs.get("SUMMARY", "?") in "\n".join(job.get("after_script", [])) else p.bad)(
                f"{where}: after_script shows the summary")
    p.check()
