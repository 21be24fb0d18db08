/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": the waiter program, the grader's test of busy
 * waiting. It runs your pool_map over items that only sleep, so that all a
 * correct pool does meanwhile is wait: the parent for results, the workers
 * for items. It measures the wall time of the call and the CPU time of the
 * parent and of every worker (counted once they are waited for), and prints
 * them on one line for the grader. Kit-owned: nothing to edit here. */
#include "kit_args.h"
#include "kit_time.h"
#include "processes.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

/* How long each item sleeps. */
#define ITEM_MS 50

/* An item that waits 50 ms without using the CPU, as a worker waiting for
 * a disk, a network or another program would. */
static double
sleepy(long item)
{
    struct timespec left = {0, ITEM_MS * 1000000L};

    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        continue;
    return 2.0 * (double)item + 1.0;
}

int
main(int argc, char **argv)
{
    const struct kit_args_spec spec = {
        .program = "waiter",
        .summary = "Run pool_map over items that sleep 50 ms each, and print "
                   "the CPU time it used\nwhile it waited: "
                   "\"busywait: wall_ns=N cpu_ns=N\".",
        .options = "tn",
        .threads_default = 4,
        .threads_max = 64,
        .size_default = 0,
        .size_min = 0,
        .size_max = 10000,
        .size_meaning = "items (0: five per worker)",
    };
    struct kit_args a;
    struct pool_error err = {.item = -1};
    long *items;
    double *results;
    int64_t wall, parent_cpu, workers_cpu;
    siginfo_t left;
    int rc;

    kit_args_parse_or_exit(&spec, argc, argv, &a);
    if (a.size == 0)
        a.size = 5 * a.threads;
    items = malloc((size_t)a.size * sizeof(*items));
    results = malloc((size_t)a.size * sizeof(*results));
    if (items == NULL || results == NULL) {
        fprintf(stderr, "waiter: out of memory\n");
        return EXIT_FAILURE;
    }
    for (long i = 0; i < a.size; i++) {
        items[i] = i;
        results[i] = -1.0;
    }

    parent_cpu = kit_process_cpu_ns();
    workers_cpu = kit_children_cpu_ns();
    wall = kit_now_ns();
    rc = pool_map(sleepy, items, a.size, results, (int)a.threads, &err);
    wall = kit_now_ns() - wall;
    parent_cpu = kit_process_cpu_ns() - parent_cpu;
    workers_cpu = kit_children_cpu_ns() - workers_cpu;

    if (rc != 0) {
        fprintf(stderr, "waiter: pool_map returned %d: %s\n", rc, err.message);
        return EXIT_FAILURE;
    }
    for (long i = 0; i < a.size; i++)
        if (results[i] != 2.0 * (double)i + 1.0) {
            fprintf(stderr,
                    "waiter: results[%ld] is %.17g; expected %.17g, the "
                    "result of item %ld\n",
                    i, results[i], 2.0 * (double)i + 1.0, i);
            return EXIT_FAILURE;
        }
    /* A worker not waited for has not been charged to this process yet:
     * its CPU time, busy or not, would be missing from the sum. */
    memset(&left, 0, sizeof(left));
    if (waitid(P_ALL, 0, &left, WEXITED | WNOHANG | WNOWAIT) == 0) {
        if (left.si_pid != 0)
            fprintf(stderr,
                    "waiter: pool_map returned with worker %d ended but never "
                    "waited for (a zombie);",
                    (int)left.si_pid);
        else
            fprintf(stderr, "waiter: pool_map returned with a worker still "
                            "running;");
        fprintf(stderr, " every worker must be waited for before it returns, "
                        "and only then is its CPU time known\n");
        return EXIT_FAILURE;
    }
    free(items);
    free(results);

    printf("busywait: wall_ns=%lld cpu_ns=%lld\n", (long long)wall,
           (long long)(parent_cpu + workers_cpu));
    fprintf(stderr,
            "waiter: %ld items of %d ms on %ld workers: wall %.1f ms, CPU "
            "%.1f ms (parent %.1f, workers %.1f): %.3f cores busy on "
            "average\n",
            a.size, ITEM_MS, a.threads, kit_ns_to_ms(wall),
            kit_ns_to_ms(parent_cpu + workers_cpu), kit_ns_to_ms(parent_cpu),
            kit_ns_to_ms(workers_cpu),
            wall > 0 ? (double)(parent_cpu + workers_cpu) / (double)wall : 0.0);
    return EXIT_SUCCESS;
}
