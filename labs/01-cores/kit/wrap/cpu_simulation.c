/* SPDX-License-Identifier: MIT */
/* Lab 01 "How many cores?": the link-time wrappers of cpu_simulation.h. */
#define _GNU_SOURCE /* sched_getaffinity and the CPU_* macros */
#include "cpu_simulation.h"

#include <errno.h>
#include <sched.h>
#include <unistd.h>

long __real_sysconf(int name);
long __wrap_sysconf(int name);
int __real_sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set);
int __wrap_sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set);

/* 0 while nothing is simulated. Set by the test's thread before it calls
 * the code under test, which calls the wrappers from the same thread. */
static long online_cpus, configured_cpus;
static int machine_cpus, usable_cpus;
static long answered;

long
simulated_calls(void)
{
    return answered;
}

void
simulate_cpus_online(long online, long configured)
{
    online_cpus = online;
    configured_cpus = configured;
}

void
simulate_affinity(int cpus, int usable)
{
    machine_cpus = cpus;
    usable_cpus = usable;
}

long
__wrap_sysconf(int name)
{
    if (configured_cpus > 0 && name == _SC_NPROCESSORS_ONLN) {
        answered++;
        return online_cpus;
    }
    if (configured_cpus > 0 && name == _SC_NPROCESSORS_CONF) {
        answered++;
        return configured_cpus;
    }
    return __real_sysconf(name);
}

int
__wrap_sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set)
{
    if (machine_cpus == 0)
        return __real_sched_getaffinity(pid, size, set);
    answered++;
    /* The kernel refuses a set too small for every CPU it could report. */
    if (size * 8 < (size_t)machine_cpus) {
        errno = EINVAL;
        return -1;
    }
    CPU_ZERO_S(size, set);
    for (int cpu = 0; cpu < usable_cpus; cpu++)
        CPU_SET_S((size_t)cpu, size, set);
    return 0;
}
