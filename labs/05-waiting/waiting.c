/* SPDX-License-Identifier: MIT */
/* Lab 05 "Waiting without spinning": the one file you edit. waiting.h says
 * what each function must do; tests/check_waiting.c shows how each is
 * checked. Every wait goes in a while loop over its condition, with the
 * mutex held. */
#include "waiting.h"

#include "kit_pthread.h" /* Pthread_mutex_lock, Pthread_cond_wait, ...: checked calls */

#include <stdlib.h>

int
buffer_init(struct buffer *b, size_t capacity)
{
    /* TODO(student): allocate the ring of `capacity` slots, initialise the
     * mutex and both condition variables, and start empty and open. */
    (void)b;
    (void)capacity;
    return -1;
}

void
buffer_destroy(struct buffer *b)
{
    /* TODO(student): destroy what buffer_init() made, free the ring. */
    (void)b;
}

int
buffer_put(struct buffer *b, void *item)
{
    /* TODO(student): with the lock held, wait on not_full while the buffer
     * is full and open; if it is closed, return -1; else add the item at
     * the end and wake one getter. */
    (void)b;
    (void)item;
    return -1;
}

int
buffer_get(struct buffer *b, void **item)
{
    /* TODO(student): with the lock held, wait on not_empty while the
     * buffer is empty and open; take the oldest item if there is one (and
     * wake one putter), else return -1: closed and drained. */
    (void)b;
    (void)item;
    return -1;
}

void
buffer_close(struct buffer *b)
{
    /* TODO(student): mark the buffer closed and wake every waiter of
     * both condition variables: each must look again. */
    (void)b;
}

int
pool_init(struct pool *p, int nworkers, size_t capacity)
{
    /* TODO(student): a buffer of `capacity` tasks and `nworkers` threads,
     * each taking a task (a struct future *) from it, running
     * f->fn(f->arg), storing the result, marking the future done and
     * waking its waiters, until buffer_get() says the buffer is closed and
     * drained. */
    (void)p;
    (void)nworkers;
    (void)capacity;
    return -1;
}

int
pool_submit(struct pool *p, struct future *f, void *(*fn)(void *), void *arg)
{
    /* TODO(student): fill in the future (not done yet), count it as
     * unfinished, and put it in the buffer of tasks; -1 if the pool is
     * shut down. */
    (void)p;
    (void)f;
    (void)fn;
    (void)arg;
    return -1;
}

void *
future_wait(struct future *f)
{
    /* TODO(student): wait on f->ready while the task has not run. */
    (void)f;
    return NULL;
}

void
pool_wait_all(struct pool *p)
{
    /* TODO(student): wait on all_done while tasks are unfinished. */
    (void)p;
}

void
pool_shutdown(struct pool *p)
{
    /* TODO(student): close the buffer of tasks, join every worker (each
     * ends once the buffer is drained), free what pool_init() took. */
    (void)p;
}

int
barrier_init(struct barrier *b, int parties)
{
    /* TODO(student): the mutex, the condition variable, no one arrived,
     * generation 0. */
    (void)b;
    (void)parties;
    return -1;
}

void
barrier_destroy(struct barrier *b)
{
    (void)b;
}

int
barrier_wait(struct barrier *b)
{
    /* TODO(student): note the generation; the last to arrive starts the
     * next round (arrived back to 0, generation + 1) and wakes everyone;
     * the others wait while the generation is the one they noted. */
    (void)b;
    return -1;
}
