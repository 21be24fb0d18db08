# SPDX-License-Identifier: MIT
"""The kit's tree as its rules say it must be: every file says its licence,
the grader's stages include only the stages beneath them and nothing
includes in a circle, a test kind is named only in the kinds table, and
nothing built is committed."""

import re
import subprocess
from pathlib import Path

from kit import ROOT

TRACKED = subprocess.run(["git", "-C", ROOT, "ls-files"], capture_output=True,
                         text=True).stdout.split()
# Files that cannot hold a comment, or are data a test reads to the byte:
# LICENSE says what covers them.
NO_COMMENT = re.compile(r"(^LICENSE$|package(-lock)?\.json$|/expect$|\.expect$|\.patch$)")

# What each stage of the grader may include, besides itself: only the
# stages beneath it (grader/README.md). "top" is grader/*.{c,h}.
STAGES = {
    "base": set(),
    "spec": {"base"},
    "run": {"base"},
    "hang": {"base", "run"},
    "prepare": {"base", "spec", "run"},
    "kinds": {"base", "spec", "run", "hang", "prepare", "top"},
    "report": {"base", "top"},
    "top": {"base", "spec", "run", "hang", "prepare", "kinds", "report"},
    "class": {"base", "spec"},
}


def test_every_file_says_its_licence():
    missing = [f for f in TRACKED if not NO_COMMENT.search(f)
               and "SPDX-License-Identifier: " not in (ROOT / f).read_text(errors="replace")[:600]]
    assert not missing, f"files without an SPDX line: {missing}"


def stage_of(path):
    parts = Path(path).relative_to(ROOT / "grader").parts
    return parts[0] if len(parts) > 1 else "top"


def includes(path):
    return re.findall(r'^#include "([^"]+)"', path.read_text(), re.M)


def test_grader_stages_include_only_beneath():
    sources = [p for p in (ROOT / "grader").rglob("*.[ch]")
               if "tests" not in p.relative_to(ROOT / "grader").parts]
    wrong = []
    graph = {}
    for p in sources:
        stage = stage_of(p)
        if stage not in STAGES:
            wrong.append(f"{p}: a folder of the grader that is no stage")
            continue
        deps = []
        for inc in includes(p):
            target = ROOT / "grader" / inc
            if not target.exists():
                if stage == "class" and (p.parent / inc).exists():
                    target = p.parent / inc
                else:
                    continue  # libkit's, or a system header
            deps.append(target)
            to = stage_of(target)
            if to != stage and to not in STAGES[stage]:
                wrong.append(f"{p.relative_to(ROOT)} includes {inc}: {stage} may not use {to}")
        graph[p] = deps
    assert not wrong, "\n".join(wrong)
    # No circle of headers: a depth-first walk finds no path back.
    state = {}

    def visit(n, path):
        if state.get(n) == "open":
            raise AssertionError("an include circle: " + " -> ".join(str(x.relative_to(ROOT)) for x in path + [n]))
        if state.get(n) == "done":
            return
        state[n] = "open"
        for m in graph.get(n, []):
            visit(m, path + [n])
        state[n] = "done"

    for n in graph:
        visit(n, [])


def test_kinds_named_only_in_the_table():
    names = re.findall(r'\.name = "(\w+)"', (ROOT / "grader/kinds/kinds.c").read_text())
    assert set(names) >= {"check", "tsan", "asan", "leftovers", "speedup", "busywait"}
    found = []
    for p in (ROOT / "grader").rglob("*.c"):
        if "tests" in p.parts or p.name == "kinds.c":
            continue
        for n in names:
            # A flavour (release, tsan, asan) is a build, not a kind.
            if n in ("tsan", "asan"):
                continue
            if re.search(rf'"{n}"', p.read_text()):
                found.append(f"{p.relative_to(ROOT)} names the kind {n}")
    assert not found, "\n".join(found)


def test_nothing_built_is_committed():
    built = [f for f in TRACKED if f.startswith("build/") or f.endswith((".o", ".a", ".d"))]
    assert not built, built
