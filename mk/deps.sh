#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs, or checks for, the Debian packages the kit needs.
# Usage: mk/deps.sh install        install every package the kit uses
#        mk/deps.sh install grading  only what building and grading the labs
#                                  needs (CI runners, Gradescope's image)
#        mk/deps.sh ensure REQ...  install them only if a requirement is missing;
#                                  REQ is pc:MODULE (pkg-config), cmd:PROGRAM,
#                                  or py:MODULE (Debian's /usr/bin/python3)
#        mk/deps.sh list [grading] print the package names
# Exit status: 0 ready, 1 could not install (the message says what to run),
# 2 bad usage.
set -u

# What each is for: the C toolchain and pkg-config to find libraries; Check
# (with subunit, which its pkg-config file names) for every test suite; hwloc
# for topology; inih and jansson for the grader's lab.ini and results.json;
# nettle for its seeds' HMAC; libelf to read the symbols of the objects it vets;
# rsync to stage the kit where the sandbox user can read it;
# gnuplot for plots; Doxygen for the API pages; gdb for deadlock reports;
# Debian's Python to build lab 06's extension module against, both the
# release build and the debug build its tests embed (python3-dbg: its
# allocator checks the GIL, sys.gettotalrefcount() counts references);
# Open MPI (mpirun and its headers) for lab 07;
# Node.js (for the pinned Marp CLI) and Chromium (to test the slides as a
# reader's browser shows them), with the fonts the slides and plots use;
# zip for `make gradescope`; and for the kit's own tests (tests/), Debian's
# Python with pytest, pytest-xdist (both cores at once) and PyYAML (the CI
# templates), unzip and patch (the fixtures), git (the tree's checks), and Coccinelle (spatch: the
# mutation operators of tests/mutation/); for grade-class, Slurm with munge
# (a job array, tested on a one-node cluster: mk/slurm-one-node.sh) and the
# similarity tester (sim_c, the report of copied work).
#
# The grading set comes first: what building and grading need. Not Doxygen,
# Node.js or Chromium, which only the docs and slides use (and Ubuntu's
# chromium is a snap, which a container cannot install).
GRADING_PACKAGES="
build-essential
pkg-config
check
libsubunit-dev
libhwloc-dev
hwloc
libinih-dev
libjansson-dev
nettle-dev
libelf-dev
rsync
gnuplot-nox
gdb
fonts-dejavu-core
python3-dev
python3-dbg
openmpi-bin
libopenmpi-dev
"
PACKAGES="$GRADING_PACKAGES
doxygen
nodejs
chromium
zip
unzip
patch
git
python3
python3-pytest
python3-pytest-xdist
python3-yaml
coccinelle
slurm-wlm
munge
similarity-tester
"

# The set `install` works on: every package, or the grading subset.
SET=$PACKAGES

# shellcheck disable=SC2086 # word splitting folds the list onto one line
packages() { echo $SET; }

missing() {
    for req in "$@"; do
        case $req in
        pc:*)
            command -v pkg-config >/dev/null 2>&1 || { echo "pkg-config"; continue; }
            pkg-config --exists "${req#pc:}" || echo "${req#pc:} (pkg-config module)"
            ;;
        cmd:*)
            command -v "${req#cmd:}" >/dev/null 2>&1 || echo "${req#cmd:} (program)"
            ;;
        py:*)
            # Debian's Python, not one that a version manager put first on PATH.
            /usr/bin/python3 -c "import ${req#py:}" >/dev/null 2>&1 ||
                echo "${req#py:} (module of /usr/bin/python3)"
            ;;
        *)
            echo "deps.sh: unknown requirement '$req'" >&2
            exit 2
            ;;
        esac
    done
}

install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "deps: this is not a Debian or Ubuntu system (no apt-get)." >&2
        echo "deps: install these packages, or your system's equivalents: $(packages)" >&2
        return 1
    fi
    if [ "$(id -u)" -eq 0 ]; then
        sudo=""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo="sudo"
    elif command -v sudo >/dev/null 2>&1 && [ -t 0 ]; then
        sudo="sudo" # sudo will ask for the password on this terminal
    else
        echo "deps: the kit needs Debian packages and cannot install them without root." >&2
        echo "deps: run this, then try again:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y $(packages)" >&2
        return 1
    fi
    echo "deps: installing $(packages)"
    # Only update the package lists when they are missing or older than a day.
    if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
        $sudo apt-get update -q || return 1
    fi
    # Debian's npm is a package of its own; a nodejs from elsewhere (such as
    # NodeSource's) brings npm and conflicts with it, so ask only if missing.
    extra=""
    if [ "$SET" = "$PACKAGES" ] && ! command -v npm >/dev/null 2>&1; then
        extra="npm"
    fi
    # shellcheck disable=SC2086 # word splitting of the package list is wanted
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $SET $extra || {
        echo "deps: apt-get failed; run by hand:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y $(packages)" >&2
        return 1
    }
}

# install and list take an optional set name.
choose_set() {
    case ${1:-} in
    "" | all) SET=$PACKAGES ;;
    grading) SET=$GRADING_PACKAGES ;;
    *)
        echo "deps.sh: unknown package set '$1' (all or grading)" >&2
        exit 2
        ;;
    esac
}

case ${1:-} in
install)
    choose_set "${2:-}"
    install
    ;;
ensure)
    shift
    need=$(missing "$@")
    [ -z "$need" ] && exit 0
    echo "deps: missing: $(echo "$need" | tr '\n' ',' | sed 's/,$//; s/,/, /g')"
    # The grading set first: it is all a build or a grade needs, and it
    # installs where the whole set cannot (Ubuntu's chromium is a snap).
    SET=$GRADING_PACKAGES
    install || exit 1
    need=$(missing "$@")
    if [ -n "$need" ]; then
        SET=$PACKAGES
        install || exit 1
        need=$(missing "$@")
    fi
    if [ -n "$need" ]; then
        echo "deps: still missing after installing: $need" >&2
        exit 1
    fi
    ;;
list)
    choose_set "${2:-}"
    packages
    echo
    ;;
*)
    echo "usage: mk/deps.sh install [grading] | ensure pc:MODULE|cmd:PROGRAM|py:MODULE... | list [grading]" >&2
    exit 2
    ;;
esac
