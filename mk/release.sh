#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make release OUT=DIR`: the student kit, a new git repository in DIR
# (one commit, ready to push as a template repository or to zip): the kit
# as its last commit has it, without what is the instructor's alone, and
# with docs/student-kit.md as its README. Refused when any file left in it
# has the content of a reference solution, whatever its name.
# Usage: mk/release.sh DIR   (DIR must not exist, or be an empty folder)
# Exit status: 0 made, 1 could not make or refused, 2 bad usage.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)

# What the student kit leaves out, and why:
#   solutions/                  the reference solutions
#   grader/tests/fixtures/*/    the bad submissions the kit's own tests grade
#                               (starters.expect, the starters' verdicts, stays)
#   tests/mutation/             mutation testing of the labs' tests, which
#                               mutates the solutions
#   labs/*/kit/hidden/          the instructor's hidden test cases
#   docs/student-kit.md         it becomes the README
# and every lab.ini loses the tests that are not visible.
INSTRUCTOR_ONLY=(solutions grader/tests/fixtures/*/ tests/mutation labs/*/kit/hidden
                 docs/student-kit.md)

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: make release OUT=DIR   (a new folder for the student kit)" >&2
    exit 2
fi
out=$1
if [ -e "$out" ] && { [ ! -d "$out" ] || [ -n "$(ls -A "$out")" ]; }; then
    echo "release: $out exists and is not an empty folder: name a new one" >&2
    exit 2
fi
"$ROOT/mk/deps.sh" ensure cmd:git >&2 || exit 1
if ! commit=$(git -C "$ROOT" rev-parse --verify -q HEAD); then
    echo "release: $ROOT is not a git checkout with a commit: the student kit is made" >&2
    echo "  from the last commit, so that nothing uncommitted or built ships" >&2
    exit 1
fi
changed=$(git -C "$ROOT" status --porcelain --untracked-files=no)
if [ -n "$changed" ]; then
    echo "release: note: the student kit holds the last commit, not these uncommitted changes:" >&2
    printf '%s\n' "$changed" | sed 's/^/  /' >&2
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
# Whatever stops the making half-way leaves no half a kit behind.
trap 'rm -rf "$out"' EXIT
git -C "$ROOT" archive --format=tar HEAD | tar -C "$out" -xf -
(cd "$out" && shopt -s nullglob && rm -rf "${INSTRUCTOR_ONLY[@]}")
if ! git -C "$ROOT" show HEAD:docs/student-kit.md >"$out/README.md" 2>/dev/null; then
    echo "release: the last commit has no docs/student-kit.md, the student kit's README" >&2
    exit 1
fi

# A lab.ini keeps only the tests a student may see: one shown later (hidden,
# after_due_date, after_published) is graded by the instructor's kit, and
# its test cases are not here. The comment lines right above a section go
# with it.
for ini in "$out"/labs/*/kit/lab.ini; do
    [ -f "$ini" ] || continue
    awk '
    { line[NR] = $0 }
    END {
        n = 0
        for (i = 1; i <= NR; i++)
            if (line[i] ~ /^\[/) { start[++n] = i }
        for (s = 1; s <= n; s++) {
            first[s] = start[s]
            while (first[s] > 1 && line[first[s] - 1] ~ /^[ \t]*;/) first[s]--
        }
        for (s = 1; s <= n; s++) {
            last = s < n ? first[s + 1] - 1 : NR
            if (line[start[s]] !~ /^\[test /) continue
            for (i = start[s] + 1; i <= last; i++)
                if (line[i] ~ /^[ \t]*visibility[ \t]*=/) {
                    v = line[i]
                    sub(/^[^=]*=[ \t]*/, "", v)
                    sub(/[ \t]*(;.*)?$/, "", v)
                    if (v != "visible") drop[s] = 1
                }
        }
        s = 0
        for (i = 1; i <= NR; i++) {
            while (s < n && i >= first[s + 1]) s++
            if (!drop[s]) print line[i]
        }
    }' "$ini" >"$ini.tmp" && mv "$ini.tmp" "$ini" || exit 1
done
# The grader must read every lab of the kit as it now stands (a visible
# test whose test case was in kit/hidden/ would leave its lab ungradable).
if [ -x "$ROOT/build/release/grader/grader" ] &&
    ! why=$("$ROOT/build/release/grader/grader" --kit "$out" --describe 2>&1 >/dev/null); then
    echo "release: refused: the student kit's labs do not read: $why" >&2
    echo "  (a test whose test case is in kit/hidden/ must not be visible: give it a visibility)" >&2
    exit 1
fi

# By content, not by name: the blob ids git gives every file of solutions/
# and of the hidden tests at the commit, against those of every file left.
# (An empty file is no one's secret.)
empty=$(git hash-object --stdin </dev/null)
secret=$(git -C "$ROOT" ls-tree -r HEAD -- solutions labs | awk -v e="$empty" \
    '$3 != e && ($4 ~ /^solutions\// || $4 ~ /^labs\/[^\/]+\/kit\/hidden\//) {print $3, $4}')
if [ -n "$secret" ]; then
    found=$(cd "$out" && find . -type f -print0 |
        while IFS= read -r -d '' f; do
            printf '%s %s\n' "$(git hash-object -- "$f")" "${f#./}"
        done |
        awk 'NR == FNR {s[$1] = $2; next} ($1 in s) {print $2 " (" s[$1] ")"}' \
            <(printf '%s\n' "$secret") -)
    if [ -n "$found" ]; then
        echo "release: refused: these files of the student kit are the instructor's:" >&2
        printf '%s\n' "$found" | sed 's/^/  /' >&2
        echo "  (commit the starter files, and keep hidden tests in labs/NN-name/kit/hidden/)" >&2
        exit 1
    fi
fi

# Its own repository: one commit, by the kit, saying where it came from.
git -C "$out" init -q -b main
git -C "$out" add -A
git -C "$out" -c user.name="Concurrency lab kit" -c user.email="kit@localhost" \
    -c commit.gpgsign=false commit -q -m "Student kit, from the course kit at ${commit:0:12}"
trap - EXIT
files=$(git -C "$out" ls-files | wc -l)
echo "  RELEASE $out ($files files, from kit ${commit:0:12}; without solutions/, the fixtures of bad submissions, mutation tests or hidden tests)"
