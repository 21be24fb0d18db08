/* SPDX-License-Identifier: MIT */
/* The grader's runner: a pids cgroup around one run of student code. The
 * kernel then refuses a fork past the limit, which no polling of /proc can
 * do against a fork bomb that doubles every millisecond; and the cgroup
 * lists every member, escaped or not, for the final kill. It needs root,
 * or a cgroup delegated to the grader's user; without one the runner falls
 * back to RLIMIT_NPROC and to counting processes in /proc. */
#ifndef GRADER_RUN_PIDS_CGROUP_H
#define GRADER_RUN_PIDS_CGROUP_H

#include <limits.h>
#include <stdbool.h>

struct pids_cgroup {
    char dir[PATH_MAX];   /* the cgroup's folder; "" when there is none */
    char procs[PATH_MAX]; /* its cgroup.procs, which a process joins by
                             writing "0" to it */
    bool v2;              /* in the unified tree */
};

/* Make a cgroup allowing at most `max` processes (and threads, which the
 * pids controller counts too). Returns 0, or -1 when this system or user
 * has no pids controller to use (then cg->dir is ""). */
int pids_cgroup_create(struct pids_cgroup *cg, long max);

/* How many tasks the cgroup holds now; 0 when unreadable. */
long pids_cgroup_current(const struct pids_cgroup *cg);

/* Whether a fork was refused for the limit since the cgroup was made. */
bool pids_cgroup_hit_limit(const struct pids_cgroup *cg);

/* Kill every member and remove the cgroup (cgroup_remove()). Returns how
 * many processes it found alive. */
int pids_cgroup_destroy(struct pids_cgroup *cg);

#endif
