/* SPDX-License-Identifier: MIT */
/* Lab 03 "Races and locks": the race experiment. For 1, 2, ... T threads it
 * runs the four counters of counter.h, the racy one and your three, and
 * prints for each the wall time per increment and the count it returned
 * beside the expected one, in columns gnuplot reads. Kit-owned: nothing to
 * edit here. */
#include "counter.h"
#include "kit_args.h"
#include "kit_pthread.h"
#include "kit_time.h"
#include "kit_topology.h"
#include "racy.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct version {
    const char *name;
    long (*count)(long per_thread, int nthreads);
};

static const struct version versions[] = {
    {"racy", counter_racy},
    {"mutex", counter_mutex},
    {"atomic", counter_atomic},
    {"local", counter_local},
};

#define NVERSIONS ((int)(sizeof(versions) / sizeof(versions[0])))

/* What one version did at one thread count: the median wall time of its
 * runs, and of the counts they returned the one furthest from the expected
 * count. The median, not the fastest run: the fastest is often one where
 * the threads happened not to overlap, and contention, which is what this
 * experiment shows, is the usual case. Likewise a loss in any run is what
 * matters. */
struct cell {
    int64_t wall_ns;
    long got;
};

static int
compare_ns(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static struct cell
measure(const struct version *v, long per_thread, int threads, long reps,
        int64_t *walls)
{
    struct cell c = {0, 0};
    long expected = per_thread * threads;

    for (long r = 0; r < reps; r++) {
        int64_t start = kit_now_ns();
        long got = v->count(per_thread, threads);

        walls[r] = kit_now_ns() - start;
        if (r == 0 || labs(got - expected) > labs(c.got - expected))
            c.got = got;
    }
    qsort(walls, (size_t)reps, sizeof(*walls), compare_ns);
    c.wall_ns = walls[reps / 2];
    return c;
}

int
main(int argc, char **argv)
{
    /* Twice the usable CPUs by default (at least 4), to show what more
     * threads than CPUs do to each version. */
    long default_threads = 2L * kit_usable_cpus();
    if (default_threads < 4)
        default_threads = 4;
    if (default_threads > 64)
        default_threads = 64;
    const struct kit_args_spec spec = {
        .program = "race",
        .summary = "Cost per increment of a shared counter, unsynchronised, "
                   "with a mutex, atomic, and counted locally, on 1 to T "
                   "threads.",
        .options = "tnr",
        .threads_default = default_threads,
        .threads_max = 1024,
        .size_default = 5000000,
        .size_min = 1,
        .size_max = 1000000000L,
        .size_meaning = "increments per thread",
        .reps_default = 3,
        .reps_max = 100,
    };
    struct kit_args args;
    int64_t *walls;
    char wrong[NVERSIONS][256];
    bool any_wrong[NVERSIONS] = {false};

    kit_args_parse_or_exit(&spec, argc, argv, &args);
    walls = malloc((size_t)args.reps * sizeof(*walls));
    if (walls == NULL)
        kit_die("out of memory");
    memset(wrong, 0, sizeof(wrong));

    printf("# race: each of 1 to %ld threads adds 1 to one shared count %ld "
           "times; per version,\n"
           "# the wall time per increment in ns (median of %ld runs) and "
           "the count it returned\n"
           "# (of the runs' counts, the furthest from the expected one)\n",
           args.threads, args.size, args.reps);
    printf("# %7s %9s %9s %9s %9s %12s %12s %12s %12s %12s\n", "threads",
           "racy_ns", "mutex_ns", "atomic_ns", "local_ns", "expected", "racy",
           "mutex", "atomic", "local");
    for (int t = 1; t <= args.threads; t++) {
        struct cell cells[NVERSIONS];
        long expected = args.size * t;

        for (int v = 0; v < NVERSIONS; v++)
            cells[v] = measure(&versions[v], args.size, t, args.reps, walls);
        printf("  %7d", t);
        for (int v = 0; v < NVERSIONS; v++)
            printf(" %9.2f", (double)cells[v].wall_ns / (double)expected);
        printf(" %12ld", expected);
        for (int v = 0; v < NVERSIONS; v++)
            printf(" %12ld", cells[v].got);
        printf("\n");
        fflush(stdout);

        for (int v = 0; v < NVERSIONS; v++) {
            size_t used = strlen(wrong[v]);
            if (cells[v].got == expected)
                continue;
            any_wrong[v] = true;
            snprintf(wrong[v] + used, sizeof(wrong[v]) - used, "%s%d: %.1f%%",
                     used > 0 ? ", " : "", t,
                     100.0 * (double)(expected - cells[v].got) /
                         (double)expected);
        }
    }
    /* Comments, so that gnuplot still reads the file. */
    for (int v = 0; v < NVERSIONS; v++) {
        if (any_wrong[v])
            printf("# %s: wrong counts, at threads: percent missing: %s\n",
                   versions[v].name, wrong[v]);
        else
            printf("# %s: every count exact\n", versions[v].name);
    }
    free(walls);
    return EXIT_SUCCESS;
}
