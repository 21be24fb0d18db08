/* SPDX-License-Identifier: MIT */
/* Lab 02 "Threads: divide and conquer": counts the threads the test binary
 * creates. The Makefile links the test binary with
 * -Wl,--wrap=pthread_create: the linker then resolves every reference to
 * pthread_create to __wrap_pthread_create below, and __real_pthread_create
 * to the real function (or to a sanitizer's interceptor, which calls it). */
#include "thread_counter.h"

#include <pthread.h>
#include <stdatomic.h>

int __real_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                          void *(*start)(void *), void *arg);
int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                          void *(*start)(void *), void *arg);

/* Atomic, because the code under test may create threads from several
 * threads at once (a worker that starts more workers). */
static atomic_long created;

int
__wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                      void *(*start)(void *), void *arg)
{
    int rc = __real_pthread_create(thread, attr, start, arg);

    /* A call that failed created nothing; the caller's checked wrapper
     * reports it. */
    if (rc == 0)
        atomic_fetch_add(&created, 1);
    return rc;
}

long
threads_created(void)
{
    return atomic_load(&created);
}
