/* SPDX-License-Identifier: MIT */
/* The grader's runner: the memory cgroup of a run (see memory_cgroup.h),
 * under cgroup v1 (a "memory" hierarchy) or v2 (memory.max in the run's
 * pids cgroup, where the parent offers the memory controller). */
#include "run/memory_cgroup.h"
#include "run/cgroup.h"
#include "run/pids_cgroup.h"

#include <stdio.h>

int
memory_cgroup_create(struct memory_cgroup *cg, long mb,
                     const struct pids_cgroup *pids)
{
    char parent[PATH_MAX], bytes[32];
    bool v2;

    cg->dir[0] = cg->procs[0] = '\0';
    cg->v2 = false;
    snprintf(bytes, sizeof(bytes), "%ld", mb << 20);
    if (cgroup_parent("memory", parent, sizeof(parent), &v2) != 0)
        return -1;
    if (!v2) {
        if (cgroup_make(parent, cg->dir, cg->procs) != 0)
            return -1;
        /* With no swap to fall back on, the limit is on RAM itself. */
        if (cgroup_write(cg->dir, "memory.limit_in_bytes", bytes, bytes) != 0) {
            cgroup_remove(cg->dir, cg->procs);
            return -1;
        }
        (void)cgroup_write(cg->dir, "memory.memsw.limit_in_bytes", bytes, NULL);
        return 0;
    }
    /* v2: the pids cgroup, when it is in the unified tree too. */
    if (pids->dir[0] == '\0' || !pids->v2 ||
        cgroup_write(pids->dir, "memory.max", bytes, bytes) != 0)
        return -1;
    (void)cgroup_write(pids->dir, "memory.swap.max", "0", NULL);
    snprintf(cg->dir, sizeof(cg->dir), "%s", pids->dir);
    cg->v2 = true;
    return 0;
}

bool
memory_cgroup_hit_limit(const struct memory_cgroup *cg)
{
    /* "oom_kill N" in both: v1's memory.oom_control, v2's memory.events. */
    return cgroup_event(cg->dir,
                        cg->v2 ? "memory.events" : "memory.oom_control",
                        "oom_kill") > 0;
}

void
memory_cgroup_destroy(struct memory_cgroup *cg)
{
    if (!cg->v2)
        cgroup_remove(cg->dir, cg->procs);
    cg->dir[0] = cg->procs[0] = '\0';
}
