/* SPDX-License-Identifier: MIT */
/* Lab 03 "Races and locks": the racy counter, kit-owned. Threads add to one
 * shared count with no synchronisation at all, so updates are lost; the
 * `race` program shows how many. */
#include "racy.h"

#include "kit_pthread.h"

#include <stdlib.h>

/* `volatile` only makes the compiler do each increment as the lesson tells
 * it, a load, an add and a store to memory, instead of keeping the count in
 * a register and storing it once at the end (which a compiler may do with a
 * plain long: it assumes no other thread writes it). volatile makes nothing
 * atomic and orders nothing between threads: the race is still there. */
struct racy_shared {
    volatile long count;
};

struct racy_worker {
    pthread_t tid;
    struct racy_shared *shared;
    pthread_barrier_t *start;
    long per_thread;
};

static void *
racy_work(void *arg)
{
    struct racy_worker *w = arg;

    /* Wait until every thread exists: a thread that finished its loop before
     * the next one was created could lose nothing, and the race would hide. */
    Pthread_barrier_wait(w->start);
    for (long i = 0; i < w->per_thread; i++)
        w->shared->count = w->shared->count + 1; /* load, add, store */
    return NULL;
}

long
counter_racy(long per_thread, int nthreads)
{
    struct racy_shared shared = {0};
    pthread_barrier_t start;
    struct racy_worker *workers = calloc((size_t)nthreads, sizeof(*workers));

    if (workers == NULL)
        kit_die("out of memory for %d threads", nthreads);
    Pthread_barrier_init(&start, NULL, (unsigned)nthreads);
    for (int t = 0; t < nthreads; t++) {
        workers[t].shared = &shared;
        workers[t].start = &start;
        workers[t].per_thread = per_thread;
        Pthread_create(&workers[t].tid, NULL, racy_work, &workers[t]);
    }
    for (int t = 0; t < nthreads; t++)
        Pthread_join(workers[t].tid, NULL);
    Pthread_barrier_destroy(&start);
    free(workers);
    return shared.count;
}
