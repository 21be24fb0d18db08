#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Python threads, processes and asyncio on a job that computes and on one
that waits.

A companion of the deck 05-races-and-locks (lab 03). Two jobs, each run for
W = 1, 2, ... workers:

- cpu: a chain of dependent multiply-adds like lab 01's `spin`, split into W
  equal parts, run in the main thread alone, on W threads, and on W
  processes (multiprocessing.Pool). With CPython's global interpreter lock
  (GIL) only one thread runs Python code at a time, so threads take turns;
  each process has its own interpreter and its own GIL, so processes run in
  parallel on as many CPUs as the machine lets this program use.
- io: W waits of the same length (time.sleep, which lets the GIL go as a
  blocking read does), one after another in the main thread, on W threads,
  and as W asyncio tasks in one thread (asyncio.sleep). Waits overlap, on
  threads even with the GIL, and without threads in asyncio.

Every configuration runs REPEATS times: each round runs them all in a random
order (its seed is printed), the three ways of one job and worker count one
after another. The medians of the rounds count: of the times, and of each
round's speedup over the serial run.

Usage: gil_demo.py [-n STEPS] [-i IO_MS] [-w MAX_WORKERS] [-r REPEATS]
                   [-s SEED]
Prints two tables that gnuplot reads as data blocks 0 (cpu) and 1 (io):
lines starting with '#' are comments.
"""

import argparse
import asyncio
import multiprocessing
import os
import platform
import random
import statistics
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


# The cpu job: `total` steps in `workers` equal parts.

def cpu_serial(total, _workers):
    burn(total)


def cpu_threads(total, workers):
    threads = [threading.Thread(target=burn, args=(share,))
               for share in split(total, workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def cpu_processes(total, workers):
    # The pool's start-up (creating the processes) is part of the time, as
    # it is for the threads.
    with multiprocessing.Pool(processes=workers) as pool:
        pool.map(burn, split(total, workers))


# The io job: `workers` waits of `seconds` each.

def io_serial(seconds, workers):
    for _ in range(workers):
        time.sleep(seconds)


def io_threads(seconds, workers):
    threads = [threading.Thread(target=time.sleep, args=(seconds,))
               for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def io_asyncio(seconds, workers):
    async def waits():
        await asyncio.gather(*(asyncio.sleep(seconds)
                               for _ in range(workers)))
    asyncio.run(waits())


CPU_RUNS = (("serial", cpu_serial), ("threads", cpu_threads),
            ("processes", cpu_processes))
IO_RUNS = (("serial", io_serial), ("threads", io_threads),
           ("asyncio", io_asyncio))


def timed(run, size, workers):
    start = time.perf_counter()
    run(size, workers)
    return time.perf_counter() - start


def median_times(steps, wait_s, max_workers, repeats, rng):
    """Medians over `repeats` rounds: of the seconds of every (job, workers,
    way), and of each round's speedup of a way over the serial run.

    A round runs every configuration once. Its (job, workers) groups come in
    an order shuffled anew, and within a group the ways too: no way gains
    from its place in the order (first runs warm the caches), and the runs
    compared in a speedup follow one another, so a slow spell of the machine
    slows all three rather than one.
    """
    groups = [(job, runs, size, w)
              for job, runs, size in (("cpu", CPU_RUNS, steps),
                                      ("io", IO_RUNS, wait_s))
              for w in range(1, max_workers + 1)]
    times, speedups = {}, {}
    for _ in range(repeats):
        rng.shuffle(groups)
        for job, runs, size, w in groups:
            order = list(runs)
            rng.shuffle(order)
            t = {name: timed(run, size, w) for name, run in order}
            for name in t:
                times.setdefault((job, w, name), []).append(t[name])
                speedups.setdefault((job, w, name), []).append(
                    t["serial"] / t[name])
    return ({key: statistics.median(v) for key, v in times.items()},
            {key: statistics.median(v) for key, v in speedups.items()})


def usable_cpus():
    count = getattr(os, "process_cpu_count", None)  # Python 3.13
    if count is not None:
        return count() or 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def gil_state():
    is_enabled = getattr(sys, "_is_gil_enabled", None)  # Python 3.13
    if is_enabled is None:
        return "GIL enabled"
    if is_enabled():
        return "GIL enabled"
    return "GIL disabled (free-threaded build)"


def print_table(title, names, times, speedups, job, max_workers):
    print(f"# {title}")
    header = "".join(f" {n + '_s':>{len(n) + 3}}" for n in names)
    header += "".join(f" {n + '_x':>{len(n) + 3}}" for n in names[1:])
    print(f"# {'workers':>7}{header}")
    for w in range(1, max_workers + 1):
        row = "".join(f" {times[(job, w, n)]:>{len(n) + 3}.3f}"
                      for n in names)
        row += "".join(f" {speedups[(job, w, n)]:>{len(n) + 3}.2f}"
                       for n in names[1:])
        print(f"  {w:>7}{row}")


def main():
    parser = argparse.ArgumentParser(
        description="Time a job that computes on Python threads and on "
                    "processes, and a job that waits on threads and in "
                    "asyncio; each against the same job run serially.")
    parser.add_argument("-n", "--steps", type=int, default=3_000_000,
                        help="multiply-adds in the whole cpu job "
                             "(default 3000000)")
    parser.add_argument("-i", "--io-ms", type=int, default=50,
                        help="milliseconds of each wait of the io job "
                             "(default 50)")
    parser.add_argument("-w", "--workers", type=int, default=0,
                        metavar="MAX_WORKERS",
                        help="largest number of workers to try "
                             "(default: twice the usable CPUs, at most 8)")
    parser.add_argument("-r", "--repeats", type=int, default=5,
                        help="rounds of every configuration; the median "
                             "counts (default 5)")
    parser.add_argument("-s", "--seed", type=int, default=None,
                        help="seed of the random order (default: a new one, "
                             "printed)")
    args = parser.parse_args()
    if (args.steps < 1 or args.io_ms < 1 or args.repeats < 1
            or args.workers < 0):
        parser.error("steps, io-ms and repeats must be at least 1, "
                     "workers at least 0")

    cpus = usable_cpus()
    max_workers = args.workers or min(8, 2 * cpus)
    seed = args.seed if args.seed is not None else random.randrange(10_000)

    print(f"# gil_demo: {platform.python_implementation()} "
          f"{platform.python_version()}, {gil_state()}; "
          f"{cpus} usable CPU(s); multiprocessing start method "
          f"{multiprocessing.get_start_method()}")
    print(f"# medians of {args.repeats} rounds in random orders (seed {seed}):"
          f" times (_s), speedups over serial (_x)")
    sys.stdout.flush()

    burn(args.steps // 10)  # warm up before anything is timed
    times, speedups = median_times(args.steps, args.io_ms / 1000,
                                   max_workers, args.repeats,
                                   random.Random(seed))
    print_table(f"cpu: {args.steps} dependent multiply-adds in W equal parts",
                ["serial", "threads", "processes"], times, speedups, "cpu",
                max_workers)
    print("\n")  # two blank lines: gnuplot's next data block
    print_table(f"io: W waits of {args.io_ms} ms (time.sleep; asyncio.sleep)",
                ["serial", "threads", "asyncio"], times, speedups, "io",
                max_workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
