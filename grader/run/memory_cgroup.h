/* SPDX-License-Identifier: MIT */
/* The grader's runner: a memory cgroup around one run of student code,
 * which bounds the resident memory of the whole tree. RLIMIT_AS bounds one
 * process's address space, which a sanitizer build cannot have (its shadow
 * memory reserves terabytes of addresses), and a test's forked children
 * each get their own. Past the limit the kernel kills a process of the
 * run. It needs root (or a delegated cgroup); without it the runner sums
 * the tree's resident memory at each scan, beside the per-process limits
 * and AddressSanitizer's own. */
#ifndef GRADER_RUN_MEMORY_CGROUP_H
#define GRADER_RUN_MEMORY_CGROUP_H

#include <limits.h>
#include <stdbool.h>

struct pids_cgroup;

struct memory_cgroup {
    char dir[PATH_MAX];   /* the cgroup's folder; "" when there is none */
    char procs[PATH_MAX]; /* its cgroup.procs to join; "" where it is the
                             pids cgroup itself (cgroup v2: one tree) */
    bool v2;
};

/* Bound the run's memory to `mb` megabytes: a v1 memory cgroup of its own,
 * or under v2, the run's pids cgroup `pids` (a process is in one cgroup of
 * the unified tree). Returns 0, or -1 when there is no memory controller to
 * use (then cg->dir is ""). */
int memory_cgroup_create(struct memory_cgroup *cg, long mb,
                         const struct pids_cgroup *pids);

/* Whether the kernel killed a process of the run for the limit. */
bool memory_cgroup_hit_limit(const struct memory_cgroup *cg);

/* Remove a v1 cgroup once its processes are gone; v2's goes with the pids
 * cgroup. */
void memory_cgroup_destroy(struct memory_cgroup *cg);

#endif
