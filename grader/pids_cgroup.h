/* The grader: a pids cgroup around one run of student code. The kernel then
 * refuses a fork past the limit, which no polling of /proc can do against a
 * fork bomb that doubles every millisecond; and the cgroup lists every
 * member, escaped or not, for the final kill. It needs root, or a cgroup
 * delegated to the grader's user; without one the runner falls back to
 * counting processes in /proc. */
#ifndef GRADER_PIDS_CGROUP_H
#define GRADER_PIDS_CGROUP_H

#include <limits.h>
#include <stdbool.h>

struct pids_cgroup {
    char dir[PATH_MAX];   /* the cgroup's folder; "" when there is none */
    char procs[PATH_MAX]; /* its cgroup.procs, which a process joins by
                             writing "0" to it */
};

/* Make a cgroup allowing at most `max` processes (and threads, which the
 * pids controller counts too). Returns 0, or -1 when this system or user
 * has no pids controller to use (then cg->dir is ""). */
int pids_cgroup_create(struct pids_cgroup *cg, long max);

/* Called in the child before exec: move the calling process into the
 * cgroup. Async-signal-safe (open, write, close). Returns 0 or -1. */
int pids_cgroup_join(const char *procs);

/* Write `text` to the control file `file` of the cgroup folder `dir`
 * (for the other controllers of a run, too). Returns 0 or -1. */
int pids_cgroup_write(const char *dir, const char *file, const char *text);

/* The count after `key` in a cgroup's "key count" lines file (pids.events,
 * memory.events, memory.oom_control); 0 when there is none. */
long pids_cgroup_event(const char *dir, const char *file, const char *key);

/* Whether a fork was refused for the limit since the cgroup was made. */
bool pids_cgroup_hit_limit(const struct pids_cgroup *cg);

/* SIGKILL every member, repeatedly, until none is left or ~2 s pass; then
 * remove the cgroup. Returns how many processes it found alive. */
int pids_cgroup_destroy(struct pids_cgroup *cg);

#endif
