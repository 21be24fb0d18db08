/* SPDX-License-Identifier: MIT */
/* libkit: fatal-error reporting behind the checked pthread wrappers. */
#include "kit_pthread.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
kit_die_rc(int rc, const char *call, const char *file, int line)
{
    char reason[128];

    /* strerror is not thread-safe, and the failing thread may not be the
     * only one dying; this is the XSI strerror_r (the kit builds with
     * _POSIX_C_SOURCE, not _GNU_SOURCE), which fills the buffer. */
    if (strerror_r(rc, reason, sizeof(reason)) != 0)
        snprintf(reason, sizeof(reason), "error %d", rc);
    fprintf(stderr, "%s:%d: %s failed: %s\n", file, line, call, reason);
    fflush(stderr);
    exit(EXIT_FAILURE);
}

void
kit_die_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    exit(EXIT_FAILURE);
}

int
kit_barrier_wait_checked(pthread_barrier_t *barrier, const char *file, int line)
{
    int rc = pthread_barrier_wait(barrier);

    if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
        return 1;
    if (rc != 0)
        kit_die_rc(rc, "pthread_barrier_wait", file, line);
    return 0;
}
