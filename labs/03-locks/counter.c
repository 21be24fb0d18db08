/* SPDX-License-Identifier: MIT */
/* Lab 03 "Races and locks", part 1: the shared counter, made exact three
 * ways. One of the two files you edit. counter.h says what each function
 * must return; racy.c shows the count that loses updates; `race` times all
 * four. */
#include "counter.h"

#include "kit_pthread.h" /* Pthread_create, Pthread_mutex_lock, ...: checked */

#include <stdatomic.h>
#include <stdlib.h>

long
counter_mutex(long per_thread, int nthreads)
{
    /* TODO(student): start nthreads threads that each add 1 to one shared
     * count per_thread times, taking a pthread mutex around each single
     * increment; join them all and return the count. It must be exactly
     * per_thread * nthreads, for any number of threads. */
    (void)per_thread;
    (void)nthreads;
    return 0;
}

long
counter_atomic(long per_thread, int nthreads)
{
    /* TODO(student): the same count, each increment an atomic
     * read-modify-write on a shared atomic_long, without a mutex. Which
     * memory order is enough for a counter read only after the joins? */
    (void)per_thread;
    (void)nthreads;
    return 0;
}

long
counter_local(long per_thread, int nthreads)
{
    /* TODO(student): the same count, each thread counting in a variable of
     * its own, the threads' counts added up once they are done: no lock and
     * no atomic operation per increment. */
    (void)per_thread;
    (void)nthreads;
    return 0;
}
