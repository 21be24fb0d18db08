#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Gradescope's setup.sh for one lab of the concurrency kit: runs once, as
# root, when Gradescope builds the autograder image from the zip that
# `make gradescope LAB=NN` made (unpacked into /autograder/source). It
# installs the Debian/Ubuntu packages grading needs and builds libkit and the
# grader, so that each submission only builds the lab itself.
# Usage: setup.sh [--no-install]   (--no-install: build only, no apt-get;
#                                   what the kit's own test of this file does)
# Exit status: 0 ready, 1 could not install or build, 2 bad usage.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
KIT=$HERE/kit

install=yes
case ${1:-} in
"") ;;
--no-install) install=no ;;
*)
    echo "usage: setup.sh [--no-install]" >&2
    exit 2
    ;;
esac

if [ ! -f "$KIT/Makefile" ] || [ ! -f "$HERE/lab" ]; then
    echo "setup.sh: $HERE does not hold the kit (kit/) and the lab's name (lab);" >&2
    echo "setup.sh: upload the zip that 'make gradescope LAB=NN' builds" >&2
    exit 1
fi

# Only the grading subset: Doxygen, Node.js and Chromium serve the docs and
# slides, and Ubuntu's chromium is a snap, which this image cannot install.
if [ "$install" = yes ]; then
    "$KIT/mk/deps.sh" install grading
fi

# As root, the grader runs student code as an unprivileged user, which
# must read the kit: open it and the folders above it to others.
chmod -R o+rX "$KIT"
dir=$HERE
while [ "$dir" != / ]; do
    chmod o+x "$dir"
    dir=$(dirname "$dir")
done

# libkit and the grader in the release build, where run_autograder expects
# them (kit/build/release/grader/grader).
make -C "$KIT" -j"$(nproc)" lib grader MODE=release
echo "setup.sh: ready to grade $(cat "$HERE/lab") (kit $(cat "$HERE/kit-commit" 2>/dev/null || echo unknown))"
