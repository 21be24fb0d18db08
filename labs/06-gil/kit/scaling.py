# SPDX-License-Identifier: MIT
"""Lab 06 "Python's GIL from C": the scaling driver, run from Python.

The same count of Collatz steps, split among 1 to P workers: Python threads
calling each of kitwork's three versions, and processes of multiprocessing
calling steps_held (a process has a GIL of its own, so which version it
calls does not matter). One line per worker count, as columns a plot
reads: the best time of a few runs, in seconds, and the speedup over
steps_held on one thread. `make scaling ARGS="-p 4"` runs it with your
module; `make plots` draws it for the slides.

Kit-owned: nothing to edit here.
"""

import argparse
import multiprocessing
import os
import random
import sys
import threading
import time

import kitwork

EVERY = 4096  # items between two callbacks of steps_callback


def items(n, seed):
    """n items below 2**24, like the kit's tests, as bytes."""
    rng = random.Random(seed)
    return b"".join(rng.randrange(1, 1 << 24).to_bytes(4, sys.byteorder)
                    for _ in range(n))


def cuts(n, p):
    return [n * i // p for i in range(p + 1)]


def no_op(done):
    return None


VERSIONS = {
    "held": kitwork.steps_held,
    "released": kitwork.steps_released,
    "callback": lambda d: kitwork.steps_callback(d, EVERY, no_op),
}


def on_threads(fn, data, p):
    """fn on p Python threads, each over its share; the counts added."""
    view = memoryview(data)
    c = cuts(len(view) // 4, p)
    parts, errors = [0] * p, []

    def work(i):
        try:
            parts[i] = fn(view[c[i] * 4:c[i + 1] * 4])
        except BaseException as e:  # noqa: B902 - reported by the caller
            errors.append(e)

    ts = [threading.Thread(target=work, args=(i,)) for i in range(p)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise errors[0]
    return sum(parts)


def count_part(part):
    """What a worker process runs: its share, sent to it as bytes."""
    return kitwork.steps_held(part)


def on_processes(pool, data, p):
    c = cuts(len(data) // 4, p)
    return sum(pool.map(count_part, [data[c[i] * 4:c[i + 1] * 4]
                                     for i in range(p)]))


def best(repeats, run):
    """The shortest of `repeats` runs, and the result of the last."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main():
    usable = len(os.sched_getaffinity(0))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-p", type=int, default=max(4, usable),
                    help="the most workers (default: 4, or the usable CPUs)")
    ap.add_argument("-n", type=int, default=400000, help="items (400000)")
    ap.add_argument("-r", type=int, default=3, help="runs per point (3)")
    args = ap.parse_args()
    if args.p < 1 or args.n < 1 or args.r < 1:
        ap.error("-p, -n and -r must be 1 or more")

    data = items(args.n, 6)
    want = None
    method = multiprocessing.get_start_method()
    print(f"# scaling: {args.n} items; Python {sys.version.split()[0]}, "
          f"{usable} usable CPUs, multiprocessing start method {method}; "
          f"best of {args.r} runs; speedups over steps_held on 1 thread")
    print(f"{'workers':>7} {'held_s':>9} {'released_s':>10} "
          f"{'callback_s':>10} {'processes_s':>11} {'start_s':>8} "
          f"{'held_x':>7} {'released_x':>10} {'callback_x':>10} "
          f"{'processes_x':>11}")
    base = None
    for p in range(1, args.p + 1):
        row = {}
        for name, fn in VERSIONS.items():
            row[name], got = best(args.r, lambda: on_threads(fn, data, p))
            if want is None:
                want = got
            if got != want:
                sys.exit(f"scaling: {name} on {p} threads counted {got} "
                         f"steps, and steps_held on 1 thread {want}")
        t0 = time.perf_counter()
        with multiprocessing.Pool(p) as pool:
            pool.map(count_part, [b""] * p)  # every worker started
            start = time.perf_counter() - t0
            row["processes"], got = best(args.r, lambda: on_processes(
                pool, data, p))
        if got != want:
            sys.exit(f"scaling: {p} processes counted {got} steps, and "
                     f"steps_held on 1 thread {want}")
        if base is None:
            base = row["held"]
        print(f"{p:>7} {row['held']:>9.4f} {row['released']:>10.4f} "
              f"{row['callback']:>10.4f} {row['processes']:>11.4f} "
              f"{start:>8.4f} {base / row['held']:>7.2f} "
              f"{base / row['released']:>10.2f} "
              f"{base / row['callback']:>10.2f} "
              f"{base / row['processes']:>11.2f}", flush=True)


if __name__ == "__main__":
    main()
