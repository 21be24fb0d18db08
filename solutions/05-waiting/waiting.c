/* SPDX-License-Identifier: MIT */
/* Lab 05 "Waiting without spinning": reference solution. Every wait is a
 * while loop over its condition, checked with the mutex held; every change
 * that can make a condition true signals (one waiter can use it) or
 * broadcasts (all waiters must look: a close, the end of a round). */
#include "waiting.h"

#include "kit_pthread.h"

#include <stdlib.h>

int
buffer_init(struct buffer *b, size_t capacity)
{
    if (capacity == 0)
        return -1;
    b->items = calloc(capacity, sizeof(*b->items));
    if (b->items == NULL)
        return -1;
    Pthread_mutex_init(&b->lock, NULL);
    Pthread_cond_init(&b->not_full, NULL);
    Pthread_cond_init(&b->not_empty, NULL);
    b->capacity = capacity;
    b->head = 0;
    b->count = 0;
    b->closed = false;
    return 0;
}

void
buffer_destroy(struct buffer *b)
{
    Pthread_cond_destroy(&b->not_empty);
    Pthread_cond_destroy(&b->not_full);
    Pthread_mutex_destroy(&b->lock);
    free(b->items);
    b->items = NULL;
}

int
buffer_put(struct buffer *b, void *item)
{
    int rc = -1;

    Pthread_mutex_lock(&b->lock);
    while (b->count == b->capacity && !b->closed)
        Pthread_cond_wait(&b->not_full, &b->lock);
    if (!b->closed) {
        b->items[(b->head + b->count) % b->capacity] = item;
        b->count++;
        /* One item: one getter can take it. */
        Pthread_cond_signal(&b->not_empty);
        rc = 0;
    }
    Pthread_mutex_unlock(&b->lock);
    return rc;
}

int
buffer_get(struct buffer *b, void **item)
{
    int rc = -1;

    Pthread_mutex_lock(&b->lock);
    while (b->count == 0 && !b->closed)
        Pthread_cond_wait(&b->not_empty, &b->lock);
    if (b->count > 0) {
        *item = b->items[b->head];
        b->head = (b->head + 1) % b->capacity;
        b->count--;
        /* One free slot: one putter can use it. */
        Pthread_cond_signal(&b->not_full);
        rc = 0;
    }
    Pthread_mutex_unlock(&b->lock);
    return rc;
}

void
buffer_close(struct buffer *b)
{
    Pthread_mutex_lock(&b->lock);
    b->closed = true;
    /* Every waiter must see the change: each leaves its loop. */
    Pthread_cond_broadcast(&b->not_full);
    Pthread_cond_broadcast(&b->not_empty);
    Pthread_mutex_unlock(&b->lock);
}

/* A worker: take a task, run it, fill in its future; end once the buffer
 * is closed and drained, so that no task submitted before the close is
 * lost. */
static void *
worker(void *arg)
{
    struct pool *p = arg;
    void *item;

    while (buffer_get(&p->tasks, &item) == 0) {
        struct future *f = item;
        void *result = f->fn(f->arg);

        Pthread_mutex_lock(&f->lock);
        f->result = result;
        f->done = true;
        Pthread_cond_broadcast(&f->ready); /* any number may wait for it */
        Pthread_mutex_unlock(&f->lock);

        Pthread_mutex_lock(&p->lock);
        if (--p->unfinished == 0)
            Pthread_cond_broadcast(&p->all_done);
        Pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

int
pool_init(struct pool *p, int nworkers, size_t capacity)
{
    if (nworkers < 1 || buffer_init(&p->tasks, capacity) != 0)
        return -1;
    p->workers = calloc((size_t)nworkers, sizeof(*p->workers));
    if (p->workers == NULL) {
        buffer_destroy(&p->tasks);
        return -1;
    }
    Pthread_mutex_init(&p->lock, NULL);
    Pthread_cond_init(&p->all_done, NULL);
    p->unfinished = 0;
    p->nworkers = 0;
    for (int i = 0; i < nworkers; i++) {
        if (pthread_create(&p->workers[i], NULL, worker, p) != 0) {
            /* The ones started end at the close; none is left. */
            pool_shutdown(p);
            return -1;
        }
        p->nworkers++;
    }
    return 0;
}

int
pool_submit(struct pool *p, struct future *f, void *(*fn)(void *), void *arg)
{
    Pthread_mutex_init(&f->lock, NULL);
    Pthread_cond_init(&f->ready, NULL);
    f->fn = fn;
    f->arg = arg;
    f->result = NULL;
    f->done = false;
    /* Counted before it is put, so that pool_wait_all() cannot see 0
     * between the put and the count. */
    Pthread_mutex_lock(&p->lock);
    p->unfinished++;
    Pthread_mutex_unlock(&p->lock);
    if (buffer_put(&p->tasks, f) == 0)
        return 0;
    Pthread_mutex_lock(&p->lock);
    if (--p->unfinished == 0)
        Pthread_cond_broadcast(&p->all_done);
    Pthread_mutex_unlock(&p->lock);
    Pthread_cond_destroy(&f->ready);
    Pthread_mutex_destroy(&f->lock);
    return -1;
}

void *
future_wait(struct future *f)
{
    void *result;

    Pthread_mutex_lock(&f->lock);
    while (!f->done)
        Pthread_cond_wait(&f->ready, &f->lock);
    result = f->result;
    Pthread_mutex_unlock(&f->lock);
    return result;
}

void
pool_wait_all(struct pool *p)
{
    Pthread_mutex_lock(&p->lock);
    while (p->unfinished > 0)
        Pthread_cond_wait(&p->all_done, &p->lock);
    Pthread_mutex_unlock(&p->lock);
}

void
pool_shutdown(struct pool *p)
{
    /* The workers drain what was submitted, then find the buffer closed
     * and empty, and end. */
    buffer_close(&p->tasks);
    for (int i = 0; i < p->nworkers; i++)
        Pthread_join(p->workers[i], NULL);
    free(p->workers);
    p->workers = NULL;
    p->nworkers = 0;
    Pthread_cond_destroy(&p->all_done);
    Pthread_mutex_destroy(&p->lock);
    buffer_destroy(&p->tasks);
}

int
barrier_init(struct barrier *b, int parties)
{
    if (parties < 1)
        return -1;
    Pthread_mutex_init(&b->lock, NULL);
    Pthread_cond_init(&b->next, NULL);
    b->parties = parties;
    b->arrived = 0;
    b->generation = 0;
    return 0;
}

void
barrier_destroy(struct barrier *b)
{
    Pthread_cond_destroy(&b->next);
    Pthread_mutex_destroy(&b->lock);
}

int
barrier_wait(struct barrier *b)
{
    int last = 0;

    Pthread_mutex_lock(&b->lock);
    unsigned long round = b->generation;
    if (++b->arrived == b->parties) {
        /* The round is complete: the next one starts now, and every waiter
         * of this one goes on, however fast the first of them comes back. */
        b->arrived = 0;
        b->generation++;
        Pthread_cond_broadcast(&b->next);
        last = 1;
    } else {
        while (b->generation == round)
            Pthread_cond_wait(&b->next, &b->lock);
    }
    Pthread_mutex_unlock(&b->lock);
    return last;
}
