/* SPDX-License-Identifier: MIT */
/* Lab 03 "Races and locks", part 1: reference solution. The three exact
 * counters share one way of running threads: workers 1 .. P-1 are created,
 * the calling thread is worker 0, and every worker is joined before the
 * count is read. */
#include "counter.h"

#include "kit_pthread.h"

#include <stdatomic.h>
#include <stdlib.h>

/* The size of a cache line on the machines the kit targets. */
#define CACHE_LINE 64

/* What the workers share. Each version uses its own fields: counter_mutex
 * the lock and `value`, counter_atomic `atomic_value`. */
struct shared {
    pthread_mutex_t lock; /* guards value */
    long value;
    atomic_long atomic_value;
};

/* One worker. Aligned to a cache line, so that counter_local's workers,
 * which each write their own `own`, never write to the same line. */
struct worker {
    _Alignas(CACHE_LINE) pthread_t tid;
    struct shared *shared;
    long per_thread;
    long own; /* counter_local: this worker's count, read after its join */
};

static void *
count_with_mutex(void *arg)
{
    struct worker *w = arg;

    /* The critical section is the one increment: the load, the add and the
     * store happen with the lock held, so no other thread's increment can
     * fall between them. */
    for (long i = 0; i < w->per_thread; i++) {
        Pthread_mutex_lock(&w->shared->lock);
        w->shared->value++;
        Pthread_mutex_unlock(&w->shared->lock);
    }
    return NULL;
}

static void *
count_with_atomic(void *arg)
{
    struct worker *w = arg;

    /* Relaxed is enough: the add itself is atomic under any memory order,
     * so no increment is lost. No other data is published through the
     * counter, and the count is read only after the joins, which order
     * everything the workers did before what the joining thread does. */
    for (long i = 0; i < w->per_thread; i++)
        atomic_fetch_add_explicit(&w->shared->atomic_value, 1,
                                  memory_order_relaxed);
    return NULL;
}

static void *
count_locally(void *arg)
{
    struct worker *w = arg;
    long own = 0;

    /* A variable of this thread's own, in a register: nothing is shared, so
     * nothing needs synchronising (and the compiler may turn the loop into
     * one addition). Stored once, read after the join. */
    for (long i = 0; i < w->per_thread; i++)
        own++;
    w->own = own;
    return NULL;
}

/* Run `work` on nthreads workers over `shared`, join them, and return the
 * sum of their own counts (0 unless the workers count locally). */
static long
run(long per_thread, int nthreads, void *(*work)(void *), struct shared *shared)
{
    struct worker *workers;
    long total = 0;

    /* aligned_alloc, because calloc promises only the alignment of the
     * standard types, not the cache line struct worker asks for. */
    workers = aligned_alloc(_Alignof(struct worker),
                            (size_t)nthreads * sizeof(*workers));
    if (workers == NULL)
        kit_die("out of memory for %d workers", nthreads);
    for (int t = 0; t < nthreads; t++) {
        workers[t].shared = shared;
        workers[t].per_thread = per_thread;
        workers[t].own = 0;
    }
    for (int t = 1; t < nthreads; t++)
        Pthread_create(&workers[t].tid, NULL, work, &workers[t]);
    work(&workers[0]);
    for (int t = 1; t < nthreads; t++)
        Pthread_join(workers[t].tid, NULL);
    /* Every join is done: each worker's count is complete and visible. */
    for (int t = 0; t < nthreads; t++)
        total += workers[t].own;
    free(workers);
    return total;
}

long
counter_mutex(long per_thread, int nthreads)
{
    struct shared shared = {.value = 0};
    long count;

    Pthread_mutex_init(&shared.lock, NULL);
    run(per_thread, nthreads, count_with_mutex, &shared);
    count = shared.value;
    Pthread_mutex_destroy(&shared.lock);
    return count;
}

long
counter_atomic(long per_thread, int nthreads)
{
    struct shared shared;

    atomic_init(&shared.atomic_value, 0);
    run(per_thread, nthreads, count_with_atomic, &shared);
    return atomic_load_explicit(&shared.atomic_value, memory_order_relaxed);
}

long
counter_local(long per_thread, int nthreads)
{
    struct shared shared;

    return run(per_thread, nthreads, count_locally, &shared);
}
