/* SPDX-License-Identifier: MIT */
/* The grader's runner: what the pids and memory cgroups of a run share:
 * finding where a cgroup may be made (and checking that it is one: a
 * plain folder named /sys/fs/cgroup/pids, as a chroot or a container may
 * have, limits nothing), making one, writing its control files, reading
 * its event counts, and killing its members before removing it. */
#ifndef GRADER_RUN_CGROUP_H
#define GRADER_RUN_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* Where the v1 hierarchies of the controllers are mounted. */
#define CGROUP_V1_ROOT "/sys/fs/cgroup"

/* Whether `path` is on a cgroup file system: version 1 (`v2` false) or 2
 * (the unified tree), as statfs(2) says. */
bool cgroup_is_mount(const char *path, bool v2);

/* The folder under which this process may make a child cgroup with
 * `controller` ("pids", "memory"): the v1 hierarchy of that controller
 * where it is mounted and writable, else this process's own v2 cgroup when
 * its cgroup.subtree_control offers the controller. *v2 says which.
 * Returns 0, or -1 when there is none. */
int cgroup_parent(const char *controller, char *out, size_t len, bool *v2);

/* Make a new cgroup under `parent` (kit-grader-PID-N): its folder in `dir`
 * and its cgroup.procs in `procs`. Returns 0, or -1 (both then ""). */
int cgroup_make(const char *parent, char dir[PATH_MAX], char procs[PATH_MAX]);

/* Write `text` to the control file `file` of the cgroup `dir`, and, for
 * a limit, read it back: `check` is what the file must then say (NULL:
 * not read). Returns 0 or -1. */
int cgroup_write(const char *dir, const char *file, const char *text,
                 const char *check);

/* In a child before exec: move the calling process into the cgroup whose
 * cgroup.procs is `procs`. Async-signal-safe (open, write, close). */
int cgroup_join(const char *procs);

/* The number a cgroup file holds ("pids.current"); 0 when unreadable. */
long cgroup_read_number(const char *dir, const char *file);

/* The count after `key` in a cgroup's "key count" lines file (pids.events,
 * memory.events, memory.oom_control); 0 when there is none. */
long cgroup_event(const char *dir, const char *file, const char *key);

/* SIGKILL every member, repeatedly, until none is left or ~2 s pass; then
 * remove the cgroup. Returns how many processes it found alive first. */
int cgroup_remove(char dir[PATH_MAX], char procs[PATH_MAX]);

#endif
