/* SPDX-License-Identifier: MIT */
/* Lab 05 "Waiting without spinning": the link-time wrappers of wakeups.h.
 * The linker resolves pthread_cond_wait to __wrap_pthread_cond_wait below
 * and __real_pthread_cond_wait to the real function (or to a sanitizer's
 * interceptor, which calls it); the same for timedwait, mutex_init and
 * create. */
#include "wakeups.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

int __real_pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex);
int __wrap_pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex);
int __real_pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex,
                                  const struct timespec *abstime);
int __wrap_pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex,
                                  const struct timespec *abstime);
int __real_pthread_mutex_init(pthread_mutex_t *mutex,
                              const pthread_mutexattr_t *attr);
int __wrap_pthread_mutex_init(pthread_mutex_t *mutex,
                              const pthread_mutexattr_t *attr);
int __real_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                          void *(*start)(void *), void *arg);
int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                          void *(*start)(void *), void *arg);

/* Atomic: any thread waits, and the test changes the rate between runs. */
static atomic_int every;
static atomic_long waits, spurious, created;

void
wakeups_spurious_every(int n)
{
    atomic_store(&every, n > 0 ? n : 0);
}

long
wakeups_spurious(void)
{
    return atomic_load(&spurious);
}

long
wakeups_threads_created(void)
{
    return atomic_load(&created);
}

/* Whether this wait is one to return at once. Every other such wakeup
 * keeps the mutex, so the caller surely finds its condition still false
 * (an `if` is caught whatever the scheduler does); the rest let the mutex
 * go and take it back, as a real wakeup does, so that other threads run
 * meanwhile and the caller finds the world changed, or not. */
static int
spurious_wakeup(pthread_mutex_t *mutex)
{
    int n = atomic_load(&every);

    if (n == 0 || atomic_fetch_add(&waits, 1) % n != 0)
        return -1;
    if (atomic_fetch_add(&spurious, 1) % 2 == 0)
        return 0;
    int rc = pthread_mutex_unlock(mutex);
    if (rc != 0)
        return rc;
    sched_yield();
    return pthread_mutex_lock(mutex);
}

int
__wrap_pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex)
{
    int rc = spurious_wakeup(mutex);

    return rc >= 0 ? rc : __real_pthread_cond_wait(cond, mutex);
}

int
__wrap_pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex,
                              const struct timespec *abstime)
{
    int rc = spurious_wakeup(mutex);

    return rc >= 0 ? rc : __real_pthread_cond_timedwait(cond, mutex, abstime);
}

/* Every mutex made with default attributes is made error-checking: an
 * unlock by a thread that does not hold it, or a wait on a mutex not held,
 * then fails with EPERM, which the checked calls of kit_pthread.h report,
 * where a default mutex would go on silently, unprotected. */
int
__wrap_pthread_mutex_init(pthread_mutex_t *mutex,
                          const pthread_mutexattr_t *attr)
{
    pthread_mutexattr_t checking;
    int rc;

    if (attr != NULL)
        return __real_pthread_mutex_init(mutex, attr);
    if ((rc = pthread_mutexattr_init(&checking)) != 0)
        return rc;
    rc = pthread_mutexattr_settype(&checking, PTHREAD_MUTEX_ERRORCHECK);
    if (rc == 0)
        rc = __real_pthread_mutex_init(mutex, &checking);
    pthread_mutexattr_destroy(&checking);
    return rc;
}

int
__wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                      void *(*start)(void *), void *arg)
{
    int rc = __real_pthread_create(thread, attr, start, arg);

    if (rc == 0)
        atomic_fetch_add(&created, 1);
    return rc;
}
