/* SPDX-License-Identifier: MIT */
/* libkit: counting packages, cores, hardware threads and caches with hwloc,
 * inside the CPUs this process may use. */
#define _GNU_SOURCE /* sysconf(_SC_NPROCESSORS_ONLN) */
#include "kit_topology.h"
#include "kit_pthread.h"

#include <hwloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Objects of one type whose CPUs meet the set. Cores, packages and NUMA
 * nodes are counted when any of their CPUs is usable: a core with one of its
 * two hardware threads in the mask still gives this process a whole core. */
static int
count_meeting(hwloc_topology_t topo, hwloc_obj_type_t type,
              hwloc_const_cpuset_t set)
{
    int n = 0;

    for (hwloc_obj_t obj = hwloc_get_next_obj_by_type(topo, type, NULL);
         obj != NULL; obj = hwloc_get_next_obj_by_type(topo, type, obj))
        if (obj->cpuset != NULL && hwloc_bitmap_intersects(obj->cpuset, set))
            n++;
    return n;
}

static int
count_inside(hwloc_topology_t topo, hwloc_const_cpuset_t set,
             struct kit_topology_counts *c)
{
    hwloc_bitmap_t mine = hwloc_bitmap_alloc();

    if (mine == NULL)
        return -1;
    c->packages = count_meeting(topo, HWLOC_OBJ_PACKAGE, set);
    c->cores = count_meeting(topo, HWLOC_OBJ_CORE, set);
    c->numa_nodes = count_meeting(topo, HWLOC_OBJ_NUMANODE, set);
    c->pus = hwloc_bitmap_weight(set);
    c->threads_per_core = 0;
    for (hwloc_obj_t core =
             hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_CORE, NULL);
         core != NULL;
         core = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_CORE, core)) {
        hwloc_bitmap_and(mine, core->cpuset, set);
        int n = hwloc_bitmap_weight(mine);
        if (n > c->threads_per_core)
            c->threads_per_core = n;
    }
    hwloc_bitmap_free(mine);
    return 0;
}

static void
fill_caches(hwloc_topology_t topo, hwloc_const_cpuset_t set,
            struct kit_topology *out)
{
    int first = hwloc_bitmap_first(set);
    hwloc_obj_t pu;

    memset(out->cache_bytes, 0, sizeof(out->cache_bytes));
    if (first < 0)
        return;
    pu = hwloc_get_pu_obj_by_os_index(topo, (unsigned)first);
    for (hwloc_obj_t obj = pu; obj != NULL; obj = obj->parent) {
        if (!hwloc_obj_type_is_dcache(obj->type))
            continue;
        unsigned level = obj->attr->cache.depth;
        if (level >= 1 && level <= 3 && out->cache_bytes[level] == 0)
            out->cache_bytes[level] = obj->attr->cache.size;
    }
}

static void
fill_model(hwloc_topology_t topo, struct kit_topology *out)
{
    hwloc_obj_t pkg = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PACKAGE, NULL);
    const char *model = NULL;

    if (pkg != NULL)
        model = hwloc_obj_get_info_by_name(pkg, "CPUModel");
    if (model == NULL)
        model =
            hwloc_obj_get_info_by_name(hwloc_get_root_obj(topo), "CPUModel");
    snprintf(out->cpu_model, sizeof(out->cpu_model), "%s",
             model != NULL ? model : "unknown CPU");
}

/* Count everything about an already loaded topology, inside `usable`. */
static int
count_all(hwloc_topology_t topo, hwloc_const_cpuset_t usable,
          struct kit_topology *out)
{
    if (count_inside(topo, hwloc_topology_get_topology_cpuset(topo),
                     &out->machine) != 0 ||
        count_inside(topo, usable, &out->usable_set) != 0)
        return -1;
    fill_caches(topo, usable, out);
    fill_model(topo, out);
    return 0;
}

int
kit_topology_synthetic(const char *description, const char *cpulist,
                       struct kit_topology *out, char *err, size_t errlen)
{
    hwloc_topology_t topo;
    hwloc_bitmap_t set = NULL;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (hwloc_topology_init(&topo) != 0) {
        snprintf(err, errlen, "hwloc_topology_init failed");
        return -1;
    }
    if (hwloc_topology_set_synthetic(topo, description) != 0) {
        snprintf(err, errlen, "hwloc rejected the synthetic topology '%s'",
                 description);
        goto out;
    }
    if (hwloc_topology_load(topo) != 0) {
        snprintf(err, errlen, "hwloc_topology_load failed for '%s'",
                 description);
        goto out;
    }
    set = hwloc_bitmap_dup(hwloc_topology_get_topology_cpuset(topo));
    if (set == NULL) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (cpulist != NULL) {
        if (hwloc_bitmap_list_sscanf(set, cpulist) != 0) {
            snprintf(err, errlen, "bad CPU list '%s'", cpulist);
            goto out;
        }
        hwloc_bitmap_and(set, set, hwloc_topology_get_topology_cpuset(topo));
    }
    if (count_all(topo, set, out) != 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    out->online_cpus = out->machine.pus;
    out->usable_cpus = out->usable_set.pus;
    rc = 0;
out:
    hwloc_bitmap_free(set);
    hwloc_topology_destroy(topo);
    return rc;
}

int
kit_topology_probe(struct kit_topology *out, char *err, size_t errlen)
{
    hwloc_topology_t topo;
    hwloc_bitmap_t usable = NULL;
    long online;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (hwloc_topology_init(&topo) != 0) {
        snprintf(err, errlen, "hwloc_topology_init failed");
        return -1;
    }
    if (hwloc_topology_load(topo) != 0) {
        snprintf(err, errlen, "hwloc_topology_load failed");
        goto out;
    }
    usable = hwloc_bitmap_alloc();
    if (usable == NULL) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    /* The calling thread's mask is the one threads created now inherit. */
    if (hwloc_get_cpubind(topo, usable, HWLOC_CPUBIND_THREAD) != 0) {
        snprintf(err, errlen, "hwloc_get_cpubind failed");
        goto out;
    }
    /* A cgroup cpuset can forbid CPUs the mask still names. */
    hwloc_bitmap_and(usable, usable, hwloc_topology_get_allowed_cpuset(topo));
    if (count_all(topo, usable, out) != 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }

    online = sysconf(_SC_NPROCESSORS_ONLN);
    out->online_cpus = online > 0 ? (int)online : out->machine.pus;
    out->cpu_quota =
        kit_cgroup_cpu_quota("/sys/fs/cgroup", "/proc/self/cgroup");
    out->usable_cpus = kit_cap_by_quota(out->usable_set.pus, out->cpu_quota);
    rc = 0;
out:
    hwloc_bitmap_free(usable);
    hwloc_topology_destroy(topo);
    return rc;
}

int
kit_usable_cpus(void)
{
    struct kit_topology topo;
    char err[256];

    if (kit_topology_probe(&topo, err, sizeof(err)) != 0)
        kit_die("cannot read the CPU topology: %s", err);
    return topo.usable_cpus;
}
