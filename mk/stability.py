#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""`make stability [RUNS=N] [BUSY=1]`: grade each speedup subject RUNS times
and show how far its points, ratios and calibrations spread: the reference
solutions' speedup tests of labs 02 and 03, and lab 02's `amdahl` fixture
(correct, 40 % of integrate on one thread: partial points, the case where
a wandering calibration shows most). The spread of points is max - min as a
share of the test's maximum; the kit aims at 2 % or less. With BUSY=1 a
busy loop keeps one CPU occupied the whole time, as another job on a shared
runner would. Exit status 0 when every spread of points is at most 2 % and
no verdict was held, 1 otherwise."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRADER = ROOT / "build" / "release" / "grader" / "grader"
LIMIT = 0.02


def amdahl(into):
    """Lab 02's solution with the amdahl fixture's patch applied."""
    shutil.copytree(ROOT / "solutions" / "02-threads", into)
    patch = ROOT / "grader" / "tests" / "fixtures" / "02-threads" / "amdahl" / "parallel.c.patch"
    subprocess.run(["patch", "-s", "-d", into, "-p1", "-i", patch], check=True)
    for p in [into, *into.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    return into


def grade(submission, lab, test, results):
    subprocess.run([GRADER, "--kit", ROOT, "--submission", submission, "--lab", lab,
                    "--test", test, "--no-progress", "--results", results],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.loads(Path(results).read_text())["tests"] if Path(results).exists() else []


def spread(values):
    return (max(values) - min(values)) if values else 0.0


def main():
    runs = int(os.environ.get("RUNS") or 10)
    busy = None
    if os.environ.get("BUSY") == "1":
        busy = subprocess.Popen(["/bin/sh", "-c", "while :; do :; done"])
        print(f"stability: a busy loop (pid {busy.pid}) keeps one CPU occupied")
    failed = False
    try:
        with tempfile.TemporaryDirectory(prefix="kit-stability-") as tmp:
            tmp = Path(tmp)
            tmp.chmod(0o755)
            subjects = [
                ("02 solution", ROOT / "solutions" / "02-threads", "02", "speedup"),
                ("02 amdahl", amdahl(tmp / "amdahl"), "02", "speedup: integrate"),
                ("03 solution", ROOT / "solutions" / "03-locks", "03", "speedup"),
            ]
            seen = {}
            for run in range(1, runs + 1):
                for label, sub, lab, test in subjects:
                    for t in grade(sub, lab, test, tmp / "results.json"):
                        extra = t.get("extra_data", {})
                        top = (extra.get("measured") or [{}])[-1]
                        # A held test's maximum counts nowhere: lab.ini's points.
                        row = seen.setdefault((label, t["name"]), {
                            "max": extra.get("points") or t["max_score"], "points": [],
                            "ratio": [], "cal": [], "held": 0})
                        if extra.get("held"):
                            row["held"] += 1
                        else:
                            row["points"].append(t["score"])
                        if "ratio" in top:
                            row["ratio"].append(top["ratio"])
                            row["cal"].append(top["calibration_speedup"])
                print(f"run {run} of {runs} done", flush=True)
            print(f"\n{'subject':12} {'test':36} {'points':>13} {'spread':>7} "
                  f"{'ratio':>11} {'calibration':>11} held")
            for (label, name), row in seen.items():
                pts, share = row["points"], spread(row["points"]) / row["max"]
                failed = failed or share > LIMIT or row["held"] > 0
                print(f"{label:12} {name[:36]:36} "
                      f"{min(pts, default=0):5.1f}..{max(pts, default=0):5.1f}/{row['max']:<2.0f}"
                      f" {100 * share:6.1f}% "
                      f"{min(row['ratio'], default=0):.2f}..{max(row['ratio'], default=0):.2f}"
                      f"  {min(row['cal'], default=0):.2f}..{max(row['cal'], default=0):.2f}"
                      f"  {row['held']}")
    finally:
        if busy:
            busy.kill()
    if failed:
        print(f"\nstability: {runs} runs; some points spread over {100 * LIMIT:.0f} % "
              "of their test's maximum, or were held")
    else:
        print(f"\nstability: {runs} runs; every test's points within {100 * LIMIT:.0f} % "
              "of its maximum, nothing held")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
