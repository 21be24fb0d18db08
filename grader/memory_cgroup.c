/* The grader: the memory cgroup of a run (see memory_cgroup.h), under
 * cgroup v1 (a "memory" hierarchy) or v2 (memory.max in the run's cgroup,
 * where the parent offers the memory controller). */
#include "memory_cgroup.h"
#include "pids_cgroup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define V1_ROOT "/sys/fs/cgroup/memory"

int
memory_cgroup_create(struct memory_cgroup *cg, long mb,
                     const struct pids_cgroup *pids)
{
    static unsigned serial;
    char bytes[32];

    cg->dir[0] = cg->procs[0] = '\0';
    cg->v2 = false;
    snprintf(bytes, sizeof(bytes), "%ld", mb << 20);
    if (access(V1_ROOT "/cgroup.procs", W_OK) == 0) {
        if (snprintf(cg->dir, sizeof(cg->dir), V1_ROOT "/kit-grader-%d-%u",
                     (int)getpid(), serial++) >= (int)sizeof(cg->dir) ||
            snprintf(cg->procs, sizeof(cg->procs), "%s/cgroup.procs",
                     cg->dir) >= (int)sizeof(cg->procs) ||
            mkdir(cg->dir, 0755) != 0) {
            cg->dir[0] = cg->procs[0] = '\0';
            return -1;
        }
        /* With no swap to fall back on, the limit is on RAM itself. */
        if (pids_cgroup_write(cg->dir, "memory.limit_in_bytes", bytes) != 0) {
            rmdir(cg->dir);
            cg->dir[0] = cg->procs[0] = '\0';
            return -1;
        }
        (void)pids_cgroup_write(cg->dir, "memory.memsw.limit_in_bytes", bytes);
        return 0;
    }
    /* v2: the pids cgroup, where it is in the unified tree. */
    if (pids->dir[0] == '\0' ||
        strncmp(pids->dir, "/sys/fs/cgroup/pids/", 20) == 0 ||
        pids_cgroup_write(pids->dir, "memory.max", bytes) != 0)
        return -1;
    (void)pids_cgroup_write(pids->dir, "memory.swap.max", "0");
    snprintf(cg->dir, sizeof(cg->dir), "%s", pids->dir);
    cg->v2 = true;
    return 0;
}

bool
memory_cgroup_hit_limit(const struct memory_cgroup *cg)
{
    /* "oom_kill N" in both: v1's memory.oom_control, v2's memory.events. */
    return pids_cgroup_event(cg->dir,
                             cg->v2 ? "memory.events" : "memory.oom_control",
                             "oom_kill") > 0;
}

void
memory_cgroup_destroy(struct memory_cgroup *cg)
{
    struct timespec nap = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};

    if (cg->dir[0] != '\0' && !cg->v2)
        /* Empty once its last process is reaped: a moment after the kill. */
        for (int i = 0; i < 200 && rmdir(cg->dir) != 0 && errno == EBUSY; i++)
            nanosleep(&nap, NULL);
    cg->dir[0] = cg->procs[0] = '\0';
}
