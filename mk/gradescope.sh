#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make gradescope LAB=NN`: the Gradescope autograder zip of one lab,
# build/gradescope/NN-name-autograder.zip. Its top holds setup.sh and
# run_autograder (ci/gradescope/), the lab's name in `lab`, the commit the
# kit came from in `kit-commit`, and that commit's tree in kit/ (without
# solutions/); Gradescope unpacks it into /autograder/source. Refused when
# a lab's submit files are solved: changed in the working copy, or the
# reference solution itself.
# Usage: mk/gradescope.sh LAB   (a number such as 02, or a name such as 02-threads)
# Exit status: 0 built, 1 could not build or refused, 2 bad usage (no or
# unknown lab).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/build/gradescope

# GRADER: a grader built elsewhere (the kit's own tests), else the kit's.
GRADER=${GRADER:-$ROOT/build/release/grader/grader}

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: make gradescope LAB=NN" >&2
    exit 2
fi
# The grader knows the kit's labs and the names they go by (2, 02,
# 02-threads); it refuses an unknown one with the list.
if ! lab=$("$GRADER" --kit "$ROOT" --describe --lab "$1" --field lab 2>&1); then
    echo "gradescope: ${lab#grader: }" >&2
    exit 2
fi

"$ROOT/mk/deps.sh" ensure cmd:zip >&2 || exit 1

stage=$OUT/$lab-autograder
zipfile=$OUT/$lab-autograder.zip
rm -rf "$stage" "$zipfile"
mkdir -p "$stage/kit"

# Student code runs on the machine that holds the zip: it must not carry a
# solution. Every lab's submit files (lab.ini's `submit`), as the zip would
# hold them, must differ from the reference solution's.
submit_files() {
    local l
    for l in $("$GRADER" --kit "$ROOT" --describe --field lab); do
        "$GRADER" --kit "$ROOT" --describe --lab "$l" --field submit |
            sed "s|^|labs/$l/|"
    done
}
refuse_solutions() { # the folder that holds the kit as zipped
    local file found=""
    while IFS= read -r file; do
        local lab=${file#labs/}
        lab=${lab%%/*}
        if [ -f "$ROOT/solutions/$lab/${file##*/}" ] && [ -f "$1/$file" ] &&
            cmp -s "$ROOT/solutions/$lab/${file##*/}" "$1/$file"; then
            found="$found $file"
        fi
    done < <(submit_files)
    if [ -n "$found" ]; then
        echo "gradescope: refused: these submit files are the reference solution:$found" >&2
        echo "  (the zip would hand it to the code it grades; commit the starter files)" >&2
        exit 1
    fi
}

# The kit as the last commit has it (git archive): what was committed is
# what ships, never a working copy in which a lab was solved, nor build/
# or stray files. Without solutions/: grading does not need them.
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    commit=$(git -C "$ROOT" rev-parse HEAD)
    changed=$(cd "$ROOT" && git status --porcelain --untracked-files=no | cut -c4-)
    solved=""
    while IFS= read -r file; do
        if printf '%s\n' "$changed" | grep -qxF -- "$file"; then
            solved="$solved $file"
        fi
    done < <(submit_files)
    if [ -n "$solved" ]; then
        echo "gradescope: refused: these submit files differ from the last commit:$solved" >&2
        echo "  (a lab solved in the working copy must not ship; commit the starter, or" >&2
        echo "  git stash, and run make gradescope again)" >&2
        exit 1
    fi
    if [ -n "$changed" ]; then
        echo "gradescope: note: the zip holds the last commit, not these uncommitted changes:" >&2
        printf '%s\n' "$changed" | sed 's/^/  /' >&2
    fi
    git -C "$ROOT" archive --format=tar HEAD | tar -C "$stage/kit" -xf -
    rm -rf "$stage/kit/solutions"
    # Each lab's commit, as the grader records it (base/provenance.h):
    # there is no git history on Gradescope's machine to ask.
    for dir in "$ROOT"/labs/*/; do
        name=$(basename "$dir")
        printf '%s %s\n' "$name" "$(git -C "$ROOT" log -1 --format=%H -- "labs/$name" grader common mk Makefile \
            ':(exclude,glob)**/*.md')"
    done >"$stage/kit/.kit-commits"
else
    tar -C "$ROOT" --exclude=./build --exclude=./.git --exclude=./solutions -cf - . |
        tar -C "$stage/kit" -xf -
    commit="unknown (not a git checkout)"
fi
refuse_solutions "$stage/kit"

cp "$ROOT/ci/gradescope/setup.sh" "$ROOT/ci/gradescope/run_autograder" "$stage/"
chmod 755 "$stage/setup.sh" "$stage/run_autograder"
echo "$lab" >"$stage/lab"
echo "$commit" >"$stage/kit-commit"

# -X: no extra timestamps or uid fields; Unix permissions are kept, so
# setup.sh and run_autograder stay executable.
(cd "$stage" && zip -q -r -X "$zipfile" .)
rm -rf "$stage"
echo "  ZIP     ${zipfile#"$ROOT"/} ($lab; kit $commit)"
