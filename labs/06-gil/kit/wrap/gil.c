/* SPDX-License-Identifier: MIT */
/* Lab 06 "Python's GIL from C": the wrappers of gil.h. */
#include "gil.h"
#include "kit_pthread.h"

#include <signal.h>
#include <time.h>

PyThreadState *__real_PyEval_SaveThread(void);
void __real_PyEval_RestoreThread(PyThreadState *tstate);
PyGILState_STATE __real_PyGILState_Ensure(void);
void __real_PyGILState_Release(PyGILState_STATE state);
void __real_PyEval_ReleaseThread(PyThreadState *tstate);
void __real_PyEval_AcquireThread(PyThreadState *tstate);

PyThreadState *__wrap_PyEval_SaveThread(void);
void __wrap_PyEval_RestoreThread(PyThreadState *tstate);
PyGILState_STATE __wrap_PyGILState_Ensure(void);
void __wrap_PyGILState_Release(PyGILState_STATE state);
void __wrap_PyEval_ReleaseThread(PyThreadState *tstate);
void __wrap_PyEval_AcquireThread(PyThreadState *tstate);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct gil_stats seen;
static PyObject *probe; /* borrowed: the test keeps it alive */

/* The calling thread: let go by your code (and since when), and, for each
 * PyGILState_Ensure not yet released, whether it took the GIL back from a
 * let-go region. */
#define MAX_DEPTH 16
static _Thread_local volatile sig_atomic_t released;
static _Thread_local long long released_since;
static _Thread_local int depth;
static _Thread_local bool took_back[MAX_DEPTH];

static long long
now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Called with the GIL held, just before it is let go. */
static void
letting_go(void)
{
    Pthread_mutex_lock(&lock);
    seen.releases++;
    if (probe != NULL) {
        long exports = (long)((PyByteArrayObject *)probe)->ob_exports;
        if (seen.probe_checks == 0 || exports < seen.probe_exports_min)
            seen.probe_exports_min = exports;
        seen.probe_checks++;
    }
    Pthread_mutex_unlock(&lock);
    released_since = now_ns();
    released = 1;
}

/* Called just before the GIL is taken back. */
static void
taking_back(void)
{
    long long ns = now_ns() - released_since;

    released = 0;
    Pthread_mutex_lock(&lock);
    seen.released_ns += ns;
    Pthread_mutex_unlock(&lock);
}

PyThreadState *
__wrap_PyEval_SaveThread(void)
{
    letting_go();
    return __real_PyEval_SaveThread();
}

void
__wrap_PyEval_RestoreThread(PyThreadState *tstate)
{
    if (released)
        taking_back();
    __real_PyEval_RestoreThread(tstate);
}

/* The pair that Py_BEGIN_ALLOW_THREADS does not use, but code may. */
void
__wrap_PyEval_ReleaseThread(PyThreadState *tstate)
{
    letting_go();
    __real_PyEval_ReleaseThread(tstate);
}

void
__wrap_PyEval_AcquireThread(PyThreadState *tstate)
{
    if (released)
        taking_back();
    __real_PyEval_AcquireThread(tstate);
}

PyGILState_STATE
__wrap_PyGILState_Ensure(void)
{
    bool back = released;

    if (back) {
        taking_back();
        Pthread_mutex_lock(&lock);
        seen.takes_back++;
        Pthread_mutex_unlock(&lock);
    }
    if (depth < MAX_DEPTH)
        took_back[depth] = back;
    depth++;
    return __real_PyGILState_Ensure();
}

void
__wrap_PyGILState_Release(PyGILState_STATE state)
{
    bool back = depth > 0 && depth <= MAX_DEPTH && took_back[depth - 1];

    if (depth > 0)
        depth--;
    /* The GIL is let go again where it was let go before the Ensure. */
    if (back)
        letting_go();
    __real_PyGILState_Release(state);
}

void
gil_reset(PyObject *new_probe)
{
    Pthread_mutex_lock(&lock);
    seen = (struct gil_stats){0};
    probe = new_probe;
    Pthread_mutex_unlock(&lock);
}

void
gil_read(struct gil_stats *out)
{
    Pthread_mutex_lock(&lock);
    *out = seen;
    Pthread_mutex_unlock(&lock);
}

bool
gil_released_here(void)
{
    return released != 0;
}
