/* SPDX-License-Identifier: MIT */
/* libkit: monotonic wall time and CPU time. */
#include "kit_time.h"
#include "kit_pthread.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static int64_t
clock_ns(clockid_t clock, const char *name)
{
    struct timespec ts;

    /* These clocks exist on every Linux the kit supports; failing here means
     * a broken system, and a wrong time would silently skew every result. */
    if (clock_gettime(clock, &ts) != 0)
        kit_die("clock_gettime(%s) failed: %s", name, strerror(errno));
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
kit_now_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC, "CLOCK_MONOTONIC");
}

int64_t
kit_process_cpu_ns(void)
{
    return clock_ns(CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID");
}

int64_t
kit_thread_cpu_ns(void)
{
    return clock_ns(CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID");
}

int64_t
kit_children_cpu_ns(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_CHILDREN, &ru) != 0)
        kit_die("getrusage(RUSAGE_CHILDREN) failed: %s", strerror(errno));
    return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000 +
           ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
}

void
kit_stopwatch_start(struct kit_stopwatch *sw)
{
    /* Children count too, so that work done by forked processes (reaped
     * before the stop) shows as CPU time like work done by threads. */
    sw->cpu_start_ns = kit_process_cpu_ns() + kit_children_cpu_ns();
    sw->wall_start_ns = kit_now_ns();
}

struct kit_elapsed
kit_stopwatch_stop(const struct kit_stopwatch *sw)
{
    struct kit_elapsed e;

    e.wall_ns = kit_now_ns() - sw->wall_start_ns;
    e.cpu_ns = kit_process_cpu_ns() + kit_children_cpu_ns() - sw->cpu_start_ns;
    return e;
}
