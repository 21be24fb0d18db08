/* SPDX-License-Identifier: MIT */
/* Lab 03 "Races and locks": the kit's worker pool. Threads claim chunks of
 * a batch of transfers from a shared atomic counter and apply each with the
 * transfer function they were given; the pool itself shares nothing else.
 * Kit-owned. */
#include "pool.h"

#include "kit_pthread.h"

#include <stdatomic.h>
#include <stdlib.h>

/* Transfers claimed at a time: enough that claiming (one atomic add on a
 * line every thread writes) costs little next to the transfers, few enough
 * that the threads interleave even on a small batch. */
#define POOL_CHUNK 32

struct pool {
    /* The next unclaimed transfer. On a cache line of its own: every claim
     * writes it, and the fields below are read by every transfer. */
    _Alignas(BANK_CACHE_LINE) atomic_long next;
    _Alignas(BANK_CACHE_LINE) struct bank *bank;
    const struct transfer *transfers;
    long ntransfers;
    void (*transfer)(struct bank *bank, const struct transfer *t);
};

static void *
pool_work(void *arg)
{
    struct pool *p = arg;

    for (;;) {
        /* Relaxed is enough: the add is atomic whatever the order, so each
         * chunk goes to exactly one thread. The batch was written before
         * the threads were created, and the accounts are published by their
         * locks and by the joins, not by this counter. */
        long begin = atomic_fetch_add_explicit(&p->next, POOL_CHUNK,
                                               memory_order_relaxed);
        long end = begin + POOL_CHUNK;

        if (begin >= p->ntransfers)
            return NULL;
        if (end > p->ntransfers)
            end = p->ntransfers;
        for (long i = begin; i < end; i++)
            p->transfer(p->bank, &p->transfers[i]);
    }
}

void
pool_run(struct bank *bank, const struct transfer *transfers, long ntransfers,
         int nthreads,
         void (*transfer)(struct bank *bank, const struct transfer *t))
{
    struct pool pool = {.bank = bank,
                        .transfers = transfers,
                        .ntransfers = ntransfers,
                        .transfer = transfer};
    pthread_t *tids = NULL;

    atomic_init(&pool.next, 0);
    if (nthreads > 1) {
        tids = calloc((size_t)nthreads - 1, sizeof(*tids));
        if (tids == NULL)
            kit_die("out of memory for %d threads", nthreads);
    }
    /* The calling thread is worker 0: it would only wait otherwise. */
    for (int t = 0; t < nthreads - 1; t++)
        Pthread_create(&tids[t], NULL, pool_work, &pool);
    pool_work(&pool);
    for (int t = 0; t < nthreads - 1; t++)
        Pthread_join(tids[t], NULL);
    free(tids);
}
