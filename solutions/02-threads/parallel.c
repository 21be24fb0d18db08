/* SPDX-License-Identifier: MIT */
/* Lab 02 "Threads: divide and conquer": reference solution. Both kernels
 * share one decomposition: contiguous blocks, one per thread, the calling
 * thread computing the first block itself, partial sums added in block
 * order. */
#include "parallel.h"

#include "kit_pthread.h"

#include <stdlib.h>

/* The size of a cache line on the machines the kit targets (x86-64 and most
 * ARM cores). */
#define CACHE_LINE 64

/* What every worker computes on, read-only while the workers run: the
 * function that sums one block, and the inputs of integrate or dot. */
struct task {
    double (*sum)(const struct task *task, long begin, long end);
    double (*f)(double);
    double a, h;
    const double *x, *y;
};

/* One worker's share and result. Aligned to a cache line, so that no two
 * workers write to the same line: a worker that stored its partial sum on a
 * line another core reads would pull that line back and forth between the
 * cores (false sharing). */
struct worker {
    _Alignas(CACHE_LINE) pthread_t tid;
    const struct task *task;
    long begin, end; /* [begin, end): this worker's block */
    double partial;  /* written by this worker only, read after its join */
};

static double
sum_slices(const struct task *t, long begin, long end)
{
    double sum = 0.0;

    /* The same expression as integrate_serial(), so that each midpoint is
     * the same double; only the order of the additions differs. */
    for (long i = begin; i < end; i++)
        sum += t->f(t->a + ((double)i + 0.5) * t->h);
    return sum;
}

static double
sum_products(const struct task *t, long begin, long end)
{
    double sum = 0.0;

    for (long i = begin; i < end; i++)
        sum += t->x[i] * t->y[i];
    return sum;
}

static void *
work(void *arg)
{
    struct worker *w = arg;

    w->partial = w->task->sum(w->task, w->begin, w->end);
    return NULL;
}

/* Split [0, n) into nthreads blocks whose sizes differ by at most one (the
 * first n % nthreads blocks get one more), compute them at once, and add the
 * partial sums in block order, so that a result does not depend on which
 * thread finished first. With more threads than work, some blocks are
 * empty, and their partial sums are 0. */
static double
run(const struct task *task, long n, int nthreads)
{
    struct worker *workers;
    long quotient = n / nthreads, remainder = n % nthreads;
    double total = 0.0;

    /* aligned_alloc, because calloc promises only the alignment of the
     * standard types, not the cache line struct worker asks for. */
    workers = aligned_alloc(_Alignof(struct worker),
                            (size_t)nthreads * sizeof(*workers));
    if (workers == NULL)
        kit_die("out of memory for %d workers", nthreads);
    for (int t = 0; t < nthreads; t++) {
        long extra = t < remainder ? t : remainder;
        workers[t].task = task;
        workers[t].begin = (long)t * quotient + extra;
        workers[t].end = workers[t].begin + quotient + (t < remainder);
        workers[t].partial = 0.0;
    }
    /* Threads 1 .. nthreads-1 get blocks 1 .. nthreads-1; the calling thread
     * would only wait in the meantime, so it computes block 0. */
    for (int t = 1; t < nthreads; t++)
        Pthread_create(&workers[t].tid, NULL, work, &workers[t]);
    work(&workers[0]);
    for (int t = 1; t < nthreads; t++)
        Pthread_join(workers[t].tid, NULL);
    /* Every join is done: each partial is complete and visible here. */
    for (int t = 0; t < nthreads; t++)
        total += workers[t].partial;
    free(workers);
    return total;
}

double
integrate(double (*f)(double), double a, double b, long n, int nthreads)
{
    const struct task task = {
        .sum = sum_slices, .f = f, .a = a, .h = (b - a) / (double)n};

    /* As integrate_serial(): sum the heights, multiply by h once. */
    return run(&task, n, nthreads) * task.h;
}

double
dot(const double *x, const double *y, long n, int nthreads)
{
    const struct task task = {.sum = sum_products, .x = x, .y = y};

    return run(&task, n, nthreads);
}
