/* SPDX-License-Identifier: MIT */
/* The grader's runner: the pids cgroup of a run (see pids_cgroup.h), under
 * cgroup v1 (a "pids" hierarchy) or v2 (the unified tree, where the
 * grader's own cgroup must offer the pids controller to its children). */
#include "run/pids_cgroup.h"
#include "run/cgroup.h"

#include <stdio.h>
#include <unistd.h>

int
pids_cgroup_create(struct pids_cgroup *cg, long max)
{
    char parent[PATH_MAX], value[32];

    cg->dir[0] = cg->procs[0] = '\0';
    if (cgroup_parent("pids", parent, sizeof(parent), &cg->v2) != 0 ||
        cgroup_make(parent, cg->dir, cg->procs) != 0)
        return -1;
    snprintf(value, sizeof(value), "%ld", max);
    if (cgroup_write(cg->dir, "pids.max", value, value) != 0) {
        cgroup_remove(cg->dir, cg->procs);
        return -1;
    }
    return 0;
}

long
pids_cgroup_current(const struct pids_cgroup *cg)
{
    return cgroup_read_number(cg->dir, "pids.current");
}

bool
pids_cgroup_hit_limit(const struct pids_cgroup *cg)
{
    /* "max N": forks refused for the limit. */
    return cgroup_event(cg->dir, "pids.events", "max") > 0;
}

int
pids_cgroup_destroy(struct pids_cgroup *cg)
{
    return cgroup_remove(cg->dir, cg->procs);
}
