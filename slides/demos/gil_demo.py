#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Python threads against Python processes on one CPU-bound job.

A companion of the deck 05-races-and-locks (lab 03). The same job, a chain
of dependent multiply-adds like lab 01's `spin`, is split into equal parts
and run three ways: in the main thread alone, on W threads, and on W
processes (multiprocessing). With CPython's global interpreter lock (GIL)
only one thread runs Python code at a time, so threads take turns; each
process has its own interpreter and its own GIL, so processes run in
parallel on as many CPUs as the machine lets this program use.

Usage: gil_demo.py [-n STEPS] [-w MAX_WORKERS] [-r REPEATS]
Prints a table that gnuplot reads: lines starting with '#' are comments.
"""

import argparse
import multiprocessing
import os
import platform
import sys
import threading
import time


def burn(steps):
    """Run `steps` dependent multiply-adds and return the last value.

    Each step needs the previous one, so the loop is pure interpreter work:
    no memory traffic, no system calls, nothing that releases the GIL.
    """
    x = 1
    for _ in range(steps):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
    return x


def split(total, parts):
    """Equal shares of `total` steps; the first ones take the remainder."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def run_serial(total, _workers):
    burn(total)


def run_threads(total, workers):
    threads = [threading.Thread(target=burn, args=(share,))
               for share in split(total, workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def run_processes(total, workers):
    # The pool's start-up (creating the processes) is part of the time, as
    # it is for the threads.
    with multiprocessing.Pool(processes=workers) as pool:
        pool.map(burn, split(total, workers))


def timed(run, total, workers):
    start = time.perf_counter()
    run(total, workers)
    return time.perf_counter() - start


def best_times(total, workers, repeats):
    """Fastest of `repeats` rounds of (serial, threads, processes).

    The three alternate within each round, so a moment when another
    program takes a CPU slows one round of each rather than all runs of one.
    """
    best = [None, None, None]
    for _ in range(repeats):
        for i, run in enumerate((run_serial, run_threads, run_processes)):
            t = timed(run, total, workers)
            if best[i] is None or t < best[i]:
                best[i] = t
    return best


def usable_cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def gil_state():
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    if is_enabled is None:
        return "GIL enabled"
    return "GIL enabled" if is_enabled() else "GIL disabled (free-threaded build)"


def main():
    parser = argparse.ArgumentParser(
        description="Time one CPU-bound job on Python threads and on "
                    "Python processes.")
    parser.add_argument("-n", "--steps", type=int, default=6_000_000,
                        help="multiply-adds in the whole job "
                             "(default 6000000)")
    parser.add_argument("-w", "--workers", type=int, default=0,
                        help="largest number of workers to try "
                             "(default: twice the usable CPUs, at most 8)")
    parser.add_argument("-r", "--repeats", type=int, default=3,
                        help="runs of each, the fastest counts (default 3)")
    args = parser.parse_args()
    if args.steps < 1 or args.repeats < 1 or args.workers < 0:
        parser.error("steps and repeats must be at least 1, workers at least 0")

    cpus = usable_cpus()
    max_workers = args.workers or min(8, 2 * cpus)

    print(f"# gil_demo: {platform.python_implementation()} "
          f"{platform.python_version()}, {gil_state()}; "
          f"{cpus} usable CPU(s)")
    print(f"# job: {args.steps} dependent multiply-adds in equal parts; "
          f"fastest of {args.repeats} rounds (serial, threads, processes)")
    print(f"# {'workers':>7} {'serial_s':>9} {'threads_s':>10} "
          f"{'processes_s':>12} {'threads_x':>10} {'processes_x':>12}")
    sys.stdout.flush()

    for workers in range(1, max_workers + 1):
        serial, threads, processes = best_times(args.steps, workers,
                                                args.repeats)
        print(f"  {workers:>7} {serial:>9.3f} {threads:>10.3f} "
              f"{processes:>12.3f} {serial / threads:>10.2f} "
              f"{serial / processes:>12.2f}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
