/* SPDX-License-Identifier: MIT */
/* Lab 01 "How many cores?": the one file you edit. cores.h says what each
 * function must return; tests/check_cores.c shows how each is checked. */
#define _GNU_SOURCE /* sched_getaffinity and the CPU_* macros */
#include "cores.h"

#include <sched.h>
#include <unistd.h>

int
cores_online(void)
{
    /* TODO(student): ask sysconf() how many processors are online. */
    return -1;
}

int
cores_usable(void)
{
    /* TODO(student): read this thread's affinity mask with
     * sched_getaffinity() and count the CPUs in it. */
    return -1;
}

int
cores_packages(hwloc_topology_t topo, hwloc_const_cpuset_t within)
{
    /* TODO(student): count the packages that have a PU inside `within`. */
    (void)topo;
    (void)within;
    return -1;
}

int
cores_physical(hwloc_topology_t topo, hwloc_const_cpuset_t within)
{
    /* TODO(student): count the cores that have a PU inside `within`. */
    (void)topo;
    (void)within;
    return -1;
}

int
cores_logical(hwloc_topology_t topo, hwloc_const_cpuset_t within)
{
    /* TODO(student): count the PUs of the topology inside `within`. */
    (void)topo;
    (void)within;
    return -1;
}

int
cores_threads_per_core(hwloc_topology_t topo, hwloc_const_cpuset_t within)
{
    /* TODO(student): find the largest number of PUs of `within` that one
     * core holds. */
    (void)topo;
    (void)within;
    return -1;
}

int
cores_numa_nodes(hwloc_topology_t topo, hwloc_const_cpuset_t within)
{
    /* TODO(student): count the NUMA nodes whose CPUs meet `within`. */
    (void)topo;
    (void)within;
    return -1;
}

uint64_t
cores_cache_size(hwloc_topology_t topo, hwloc_const_cpuset_t within, int level)
{
    /* TODO(student): from the first PU of `within`, walk up the tree to the
     * data (or unified) cache of this level and return its size in bytes;
     * 0 when there is none. */
    (void)topo;
    (void)within;
    (void)level;
    return 0;
}
