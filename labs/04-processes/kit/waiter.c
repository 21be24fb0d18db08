/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": the waiter program, the grader's test of busy
 * waiting. It runs each of your functions that waits for children on work
 * that only sleeps: run_children() over children that sleep, sum_pipes()
 * and sum_shared() over terms that sleep, pool_map() over items that
 * sleep. All correct code does meanwhile is wait, the parent for its
 * children or for results, the workers for work. For each function it
 * measures the wall time of the call and the CPU time of the parent and of
 * every child (counted once they are waited for), and hands the grader one
 * line per function (kit_record.h). Kit-owned: nothing to edit here. */
#include "kit_args.h"
#include "kit_busywait.h"
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

/* How long each child, term share or item sleeps. */
#define ITEM_MS 50
/* The terms each process of a sum gets: each sleeps ITEM_MS / TERMS. */
#define TERMS 5

static void
sleep_ms(long ms)
{
    struct timespec left = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        continue;
}

/* A child of run_children(): sleeps, then exits with its index. */
static int
sleepy_child(int index, void *arg)
{
    (void)arg;
    sleep_ms(ITEM_MS);
    return index % 256;
}

/* A term of the sums, or an item of the pool: it waits as a child waiting
 * for a disk, a network or another program would, then gives 2 i + 1. */
static double
sleepy_term(long i)
{
    sleep_ms(ITEM_MS / TERMS);
    return 2.0 * (double)i + 1.0;
}

static double
sleepy_item(long item)
{
    sleep_ms(ITEM_MS);
    return 2.0 * (double)item + 1.0;
}

/* After "returned -1": the starter's answer. */
#define STARTER_HINT(rc)                                                       \
    ((rc) == -1 ? " (-1 is what the starter returns: not written yet?)" : "")

/* What one phase did, or why it went wrong. */
struct phase {
    const char *name;
    int64_t wall_ns, cpu_ns;
    char error[512];
};

/* The sum of 2 i + 1 for i < n: n * n, exactly in a double. */
static int
check_sum(struct phase *p, int rc, double sum, long n)
{
    if (rc != 0)
        snprintf(p->error, sizeof(p->error), "%s returned %d%s", p->name, rc,
                 STARTER_HINT(rc));
    else if (sum != (double)n * (double)n)
        snprintf(p->error, sizeof(p->error),
                 "%s gave the sum %.17g; expected %.17g", p->name, sum,
                 (double)n * (double)n);
    return p->error[0] == '\0' ? 0 : -1;
}

static int
run_phase(struct phase *p, int workers)
{
    long n = (long)workers * TERMS, nitems = 5L * workers;
    int *statuses = calloc((size_t)workers, sizeof(*statuses));
    long *items = malloc((size_t)nitems * sizeof(*items));
    double *results = malloc((size_t)nitems * sizeof(*results));
    struct pool_error err = {.item = -1};
    int64_t parent = kit_process_cpu_ns(), children = kit_children_cpu_ns();
    int64_t wall = kit_now_ns();
    double sum = 0;
    int rc = 0;

    if (statuses == NULL || items == NULL || results == NULL) {
        snprintf(p->error, sizeof(p->error), "out of memory");
        rc = -1;
        goto out;
    }
    for (long i = 0; i < nitems; i++) {
        items[i] = i;
        results[i] = -1.0;
    }
    wall = kit_now_ns();
    if (strcmp(p->name, "run_children") == 0)
        rc = run_children(workers, sleepy_child, NULL, statuses);
    else if (strcmp(p->name, "sum_pipes") == 0)
        rc = sum_pipes(sleepy_term, n, workers, &sum);
    else if (strcmp(p->name, "sum_shared") == 0)
        rc = sum_shared(sleepy_term, n, workers, &sum);
    else
        rc = pool_map(sleepy_item, items, nitems, results, workers, &err);
    p->wall_ns = kit_now_ns() - wall;
    p->cpu_ns =
        kit_process_cpu_ns() - parent + kit_children_cpu_ns() - children;

    if (strcmp(p->name, "run_children") == 0) {
        for (int i = 0; i < workers && rc == 0; i++)
            if (!WIFEXITED(statuses[i]) ||
                WEXITSTATUS(statuses[i]) != i % 256) {
                snprintf(p->error, sizeof(p->error),
                         "run_children gave child %d the status %#x; "
                         "expected an exit with %d",
                         i, (unsigned)statuses[i], i % 256);
                rc = -1;
            }
        if (rc != 0 && p->error[0] == '\0')
            snprintf(p->error, sizeof(p->error), "run_children returned %d%s",
                     rc, STARTER_HINT(rc));
    } else if (strcmp(p->name, "pool_map") == 0) {
        if (rc != 0)
            snprintf(p->error, sizeof(p->error), "pool_map returned %d: %s", rc,
                     err.message);
        for (long i = 0; i < nitems && rc == 0; i++)
            if (results[i] != 2.0 * (double)i + 1.0) {
                snprintf(p->error, sizeof(p->error),
                         "pool_map gave results[%ld] = %.17g; expected "
                         "%.17g",
                         i, results[i], 2.0 * (double)i + 1.0);
                rc = -1;
            }
    } else {
        rc = check_sum(p, rc, sum, n);
    }
    /* A child not waited for has not been charged to this process yet:
     * its CPU time, busy or not, would be missing from the sum. */
    siginfo_t left;
    memset(&left, 0, sizeof(left));
    if (rc == 0 && waitid(P_ALL, 0, &left, WEXITED | WNOHANG | WNOWAIT) == 0) {
        snprintf(p->error, sizeof(p->error),
                 "%s returned with a child %s; every child must be waited "
                 "for before it returns, and only then is its CPU time known",
                 p->name,
                 left.si_pid != 0 ? "ended but never waited for (a zombie)"
                                  : "still running");
        rc = -1;
    }
out:
    free(statuses);
    free(items);
    free(results);
    return rc;
}

int
main(int argc, char **argv)
{
    const struct kit_args_spec spec = {
        .program = "waiter",
        .summary = "Run each function of processes.c that waits on children "
                   "that only sleep, and\nsay how much CPU time it used "
                   "while it waited: one line per function,\n"
                   "\"busywait: phase=NAME wall_ns=N cpu_ns=N\", then "
                   "\"busywait: phases=4\".",
        .options = "t",
        .threads_default = 4,
        .threads_max = 64,
    };
    struct phase phases[] = {
        {.name = "run_children"},
        {.name = "sum_pipes"},
        {.name = "sum_shared"},
        {.name = "pool_map"},
    };
    const int nphases = (int)(sizeof(phases) / sizeof(phases[0]));
    struct kit_args a;

    kit_args_parse_or_exit(&spec, argc, argv, &a);
    for (int i = 0; i < nphases; i++)
        if (run_phase(&phases[i], (int)a.threads) != 0) {
            fprintf(stderr, "waiter: %s\n", phases[i].error);
            return EXIT_FAILURE;
        }
    for (int i = 0; i < nphases; i++)
        kit_busywait_phase("waiter", phases[i].name, phases[i].wall_ns,
                           phases[i].cpu_ns, (int)a.threads, "processes");
    if (kit_busywait_end("waiter", nphases) != 0)
        return EXIT_FAILURE;
    return EXIT_SUCCESS;
}
