/* SPDX-License-Identifier: MIT */
/* Lab 05 "Waiting without spinning": the bench program. Its kernel is n
 * small independent tasks (a few microseconds each), summed: the kit's
 * serial loop runs them one after the other, your pool runs them on its
 * workers, one task per pool_submit. The grader runs it one variant at a
 * time (-v), the serial reference from its reference build, which holds
 * none of your code. Kit-owned: nothing to edit here. */
#include "kit_bench.h"
#include "kit_pthread.h" /* kit_die */
#include "kit_rng.h"

#ifndef KIT_REFERENCE
#include "waiting.h"
#endif

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* Terms per task: about 10 µs of work on a current core, small enough that
 * a pool's overhead per task shows, large enough that a good pool wins. */
#define TERMS 4000

/* The tasks' input: a salt from the seed, so that each repetition of the
 * grader's runs asks for new sums; and each task's result, written by
 * whoever runs it. */
struct tasks {
    uint64_t salt;
    double *out;
};

/* Task i: a short sum whose terms depend on i and the salt. */
static double
task_sum(uint64_t salt, long i)
{
    double x = (double)((salt + (uint64_t)i * 2654435761u) % 1000) / 1000.0;
    double sum = 0.0;

    for (int j = 1; j <= TERMS; j++)
        sum += sqrt(x + j) / j;
    return sum;
}

static void
tasks_vary(void *input, long n, uint64_t seed)
{
    struct tasks *t = input;
    struct kit_rng rng;

    (void)n;
    kit_rng_seed(&rng, seed, 0);
    t->salt = kit_rng_next(&rng);
}

static void *
tasks_setup(long n, uint64_t seed)
{
    struct tasks *t = malloc(sizeof(*t));

    if (t == NULL || (t->out = calloc((size_t)n, sizeof(double))) == NULL)
        kit_die("out of memory for %ld tasks", n);
    tasks_vary(t, n, seed);
    return t;
}

static void
tasks_teardown(void *input)
{
    struct tasks *t = input;

    free(t->out);
    free(t);
}

/* The results are added in task order on both sides, so the sums agree
 * to the bit whoever ran which task. */
static double
tasks_total(const struct tasks *t, long n)
{
    double total = 0.0;

    for (long i = 0; i < n; i++)
        total += t->out[i];
    return total;
}

static double
tasks_serial(void *input, long n)
{
    struct tasks *t = input;

    for (long i = 0; i < n; i++)
        t->out[i] = task_sum(t->salt, i);
    return tasks_total(t, n);
}

static double
tasks_bound(const void *input, long n, double result)
{
    (void)input;
    (void)n;
    (void)result;
    return 0.0; /* the same additions in the same order */
}

/* Your side: the calls into waiting.c, left out of the kit's reference
 * build (kit_bench.h). */
#ifndef KIT_REFERENCE
struct call {
    struct tasks *t;
    long i;
};

static void *
run_task(void *arg)
{
    struct call *c = arg;

    c->t->out[c->i] = task_sum(c->t->salt, c->i);
    return NULL;
}

static double
tasks_pool(void *input, long n, int threads)
{
    struct tasks *t = input;
    struct future *f = malloc((size_t)n * sizeof(*f));
    struct call *calls = malloc((size_t)n * sizeof(*calls));
    struct pool p;

    if (f == NULL || calls == NULL)
        kit_die("out of memory for %ld tasks", n);
    for (long i = 0; i < n; i++)
        t->out[i] = NAN;
    /* Room for every task: the submitting thread never waits for a slot,
     * and what is timed is the pool's own cost per task. */
    if (pool_init(&p, threads, (size_t)n) != 0)
        kit_die("pool_init(&p, nworkers=%d, capacity=%ld) failed", threads, n);
    for (long i = 0; i < n; i++) {
        calls[i] = (struct call){.t = t, .i = i};
        if (pool_submit(&p, &f[i], run_task, &calls[i]) != 0)
            kit_die("pool_submit of task %ld failed", i);
    }
    pool_wait_all(&p);
    pool_shutdown(&p);
    free(calls);
    free(f);
    return tasks_total(t, n);
}
#endif

/* 20000 tasks: about 200 ms of serial work on a current core. */
static const struct kit_bench_kernel kernels[] = {
    {
        .name = "tasks",
        .summary = "n small independent tasks, one pool_submit each",
        .default_size = 20000,
        .bound = tasks_bound,
        .setup = tasks_setup,
        .vary = tasks_vary,
        .serial = tasks_serial,
        .parallel = KIT_PARALLEL(tasks_pool),
        .teardown = tasks_teardown,
    },
};

int
main(int argc, char **argv)
{
    const struct kit_bench bench = {
        .program = "bench",
        .summary = "Speedup of your thread pool over the kit's serial loop, "
                   "on many small tasks.",
        .kernels = kernels,
        .nkernels = sizeof(kernels) / sizeof(kernels[0]),
    };

    return kit_bench_main(&bench, argc, argv);
}
