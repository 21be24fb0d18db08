/* SPDX-License-Identifier: MIT */
/* A test program of the grader's hang diagnosis: a lost wakeup, every
 * time. The producer signals before the consumer waits (a barrier orders
 * the two), and the consumer waits without looking at the condition
 * first, so the signal is lost and it waits forever; main waits to join
 * it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t signalled;
static int count;

static void
check(int rc, const char *what)
{
    if (rc != 0 && rc != PTHREAD_BARRIER_SERIAL_THREAD) {
        fprintf(stderr, "%s failed: %d\n", what, rc);
        exit(EXIT_FAILURE);
    }
}

static void *
producer(void *arg)
{
    (void)arg;
    check(pthread_mutex_lock(&lock), "lock");
    count++;
    check(pthread_cond_signal(&not_empty), "signal"); /* nobody waits yet */
    check(pthread_mutex_unlock(&lock), "unlock");
    check(pthread_barrier_wait(&signalled), "barrier");
    return NULL;
}

static void *
consumer(void *arg)
{
    (void)arg;
    check(pthread_barrier_wait(&signalled), "barrier");
    check(pthread_mutex_lock(&lock), "lock");
    /* The mistake: no look at count before waiting. */
    check(pthread_cond_wait(&not_empty, &lock), "wait"); /* forever */
    count--;
    check(pthread_mutex_unlock(&lock), "unlock");
    return NULL;
}

int
main(void)
{
    pthread_t p, c;

    check(pthread_barrier_init(&signalled, NULL, 2), "barrier init");
    check(pthread_create(&p, NULL, producer, NULL), "create producer");
    check(pthread_create(&c, NULL, consumer, NULL), "create consumer");
    printf("started\n");
    fflush(stdout);
    check(pthread_join(p, NULL), "join producer");
    check(pthread_join(c, NULL), "join consumer"); /* waits forever */
    return 0;
}
