/* SPDX-License-Identifier: MIT */
/* Lab 01 "How many cores?": reference solution. */
#define _GNU_SOURCE /* sched_getaffinity and the CPU_* macros */
#include "cores.h"

#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

int
cores_online(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 ? (int)n : -1;
}

int
cores_usable(void)
{
    /* A fixed cpu_set_t holds 1024 CPUs; allocate a larger set and retry on
     * EINVAL, so machines with more CPUs than that work too. */
    for (int ncpus = 1024; ncpus <= 1 << 20; ncpus *= 2) {
        cpu_set_t *set = CPU_ALLOC(ncpus);
        size_t size = CPU_ALLOC_SIZE(ncpus);
        int count;

        if (set == NULL)
            return -1;
        if (sched_getaffinity(0, size, set) == 0) {
            count = CPU_COUNT_S(size, set);
            CPU_FREE(set);
            return count;
        }
        CPU_FREE(set);
    }
    return -1;
}

/* Objects of one type that have a PU in `within`. A core counts when any of
 * its PUs is inside: the process may use it, if not all of its threads. */
static int
count_meeting(hwloc_topology_t topo, hwloc_obj_type_t type,
              hwloc_const_cpuset_t within)
{
    int n = 0;
    hwloc_obj_t obj = NULL;

    while ((obj = hwloc_get_next_obj_by_type(topo, type, obj)) != NULL)
        if (obj->cpuset != NULL && hwloc_bitmap_intersects(obj->cpuset, within))
            n++;
    return n;
}

int
cores_packages(hwloc_topology_t topo, hwloc_const_cpuset_t within)
{
    return count_meeting(topo, HWLOC_OBJ_PACKAGE, within);
}

int
cores_physical(hwloc_topology_t topo, hwloc_const_cpuset_t within)
{
    return count_meeting(topo, HWLOC_OBJ_CORE, within);
}

int
cores_logical(hwloc_topology_t topo, hwloc_const_cpuset_t within)
{
    return count_meeting(topo, HWLOC_OBJ_PU, within);
}

int
cores_threads_per_core(hwloc_topology_t topo, hwloc_const_cpuset_t within)
{
    hwloc_bitmap_t inside = hwloc_bitmap_alloc();
    hwloc_obj_t core = NULL;
    int most = 0;

    if (inside == NULL)
        return -1;
    while ((core = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_CORE, core)) !=
           NULL) {
        hwloc_bitmap_and(inside, core->cpuset, within);
        int n = hwloc_bitmap_weight(inside);
        if (n > most)
            most = n;
    }
    hwloc_bitmap_free(inside);
    return most;
}

int
cores_numa_nodes(hwloc_topology_t topo, hwloc_const_cpuset_t within)
{
    return count_meeting(topo, HWLOC_OBJ_NUMANODE, within);
}

uint64_t
cores_cache_size(hwloc_topology_t topo, hwloc_const_cpuset_t within, int level)
{
    int first = hwloc_bitmap_first(within);
    hwloc_obj_t obj;

    if (first < 0)
        return 0;
    /* Caches are ancestors of the PU in hwloc's tree: walk up from it. */
    obj = hwloc_get_pu_obj_by_os_index(topo, (unsigned)first);
    for (; obj != NULL; obj = obj->parent)
        if (hwloc_obj_type_is_dcache(obj->type) &&
            obj->attr->cache.depth == (unsigned)level)
            return obj->attr->cache.size;
    return 0;
}
