/* SPDX-License-Identifier: MIT */
/* A test program of the grader's hang diagnosis: two threads take two
 * mutexes in opposite orders and deadlock, every time (a barrier makes sure
 * each holds its first lock before it asks for the second). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one;

static void
check(int rc, const char *what)
{
    if (rc != 0 && rc != PTHREAD_BARRIER_SERIAL_THREAD) {
        fprintf(stderr, "%s failed: %d\n", what, rc);
        exit(EXIT_FAILURE);
    }
}

static void *
worker_a(void *arg)
{
    (void)arg;
    check(pthread_mutex_lock(&lock_a), "lock a");
    check(pthread_barrier_wait(&both_hold_one), "barrier");
    check(pthread_mutex_lock(&lock_b), "lock b"); /* waits for worker_b */
    check(pthread_mutex_unlock(&lock_b), "unlock b");
    check(pthread_mutex_unlock(&lock_a), "unlock a");
    return NULL;
}

static void *
worker_b(void *arg)
{
    (void)arg;
    check(pthread_mutex_lock(&lock_b), "lock b");
    check(pthread_barrier_wait(&both_hold_one), "barrier");
    check(pthread_mutex_lock(&lock_a), "lock a"); /* waits for worker_a */
    check(pthread_mutex_unlock(&lock_a), "unlock a");
    check(pthread_mutex_unlock(&lock_b), "unlock b");
    return NULL;
}

int
main(void)
{
    pthread_t a, b;

    check(pthread_barrier_init(&both_hold_one, NULL, 2), "barrier init");
    check(pthread_create(&a, NULL, worker_a, NULL), "create a");
    check(pthread_create(&b, NULL, worker_b, NULL), "create b");
    printf("started\n");
    fflush(stdout);
    check(pthread_join(a, NULL), "join a");
    check(pthread_join(b, NULL), "join b");
    printf("no deadlock\n");
    return 0;
}
