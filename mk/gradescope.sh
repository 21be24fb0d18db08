#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make gradescope LAB=NN`: the Gradescope autograder zip of one lab,
# build/gradescope/NN-name-autograder.zip. Its top holds setup.sh and
# run_autograder (ci/gradescope/), the lab's name in `lab`, where the kit
# came from in `kit-commit`, and the kit's source tree in kit/ (without
# solutions/); Gradescope unpacks it into /autograder/source.
# Usage: mk/gradescope.sh LAB   (a number such as 02, or a name such as 02-threads)
# Exit status: 0 built, 1 could not build, 2 bad usage (no or unknown lab).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/build/gradescope

GRADER=$ROOT/build/release/grader/grader

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

# The kit as the instructor's repository has it: tracked files only (with
# their working-tree contents, so an edited lab.ini counts before it is
# committed), never build/ or a student's stray files. Outside git, the
# tree without build/. Never solutions/: grading does not need them, and
# student code runs on the machine that holds the zip.
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$ROOT" && git ls-files -z --cached) |
        while IFS= read -r -d '' file; do
            case $file in solutions/*) continue ;; esac
            # A file deleted from the working tree but still in the index.
            [ -e "$ROOT/$file" ] || continue
            mkdir -p "$stage/kit/$(dirname "$file")"
            cp -p "$ROOT/$file" "$stage/kit/$file"
        done
    commit=$(git -C "$ROOT" rev-parse HEAD)
    if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then
        commit="$commit with uncommitted changes"
        echo "gradescope: note: the zip holds the working tree's uncommitted changes" >&2
    fi
else
    tar -C "$ROOT" --exclude=./build --exclude=./.git --exclude=./solutions -cf - . |
        tar -C "$stage/kit" -xf -
    commit="unknown (not a git checkout)"
fi

cp "$ROOT/ci/gradescope/setup.sh" "$ROOT/ci/gradescope/run_autograder" "$stage/"
chmod 755 "$stage/setup.sh" "$stage/run_autograder"
echo "$lab" >"$stage/lab"
echo "$commit" >"$stage/kit-commit"

# -X: no extra timestamps or uid fields; Unix permissions are kept, so
# setup.sh and run_autograder stay executable.
(cd "$stage" && zip -q -r -X "$zipfile" .)
rm -rf "$stage"
echo "  ZIP     ${zipfile#"$ROOT"/} ($lab; kit $commit)"
