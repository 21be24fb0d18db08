/* SPDX-License-Identifier: MIT */
/* The grader's runner: the process tree of one run, found in /proc. The
 * run's processes are the main one, its descendants, the members of its
 * process group and of the groups and sessions its processes made, and
 * the grader's children that started after it (orphans of the run,
 * reparented to the grader, which is a child subreaper). */
#ifndef GRADER_RUN_TREE_H
#define GRADER_RUN_TREE_H

#include "run/procstat.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

/* Groups and sessions remembered per run: enough for any honest program; a
 * program making more is a fork bomb and is killed through its tree. */
#define TREE_MAX_IDS 4096

struct run_tree {
    pid_t self, root;
    unsigned long long root_start; /* clock ticks after boot */
    bool root_reaped;
    /* Groups and sessions created by processes of the run (their leaders
     * are of the run): whoever is in them is of the run too, even after
     * being reparented to init. */
    pid_t groups[TREE_MAX_IDS];
    size_t ngroups;
    pid_t sessions[TREE_MAX_IDS];
    size_t nsessions;
    struct proc_stat *procs; /* all of /proc, sorted by pid */
    size_t nprocs, cap_procs;
    unsigned char *member; /* per entry of procs */
    size_t cap_member;
    long tasks;     /* threads of the run's live processes, at the last scan */
    long unreaped;  /* its dead not yet reaped, which still count against
                       RLIMIT_NPROC */
    long rss_pages; /* resident memory of the run's live processes, summed
                       at the last scan (shared pages once per process) */
};

/* What killing a tree found, for the run's result. */
struct tree_counts {
    double cpu_seconds;   /* user + system of the processes reaped */
    int leftovers_killed; /* alive after the main one ended by itself */
    int zombies_reaped;   /* ended but never waited for, then */
};

/* Start watching the run whose main process is `root` (the grader is
 * `self`). */
void tree_init(struct run_tree *t, pid_t self, pid_t root);
void tree_free(struct run_tree *t);

/* Read /proc and mark the run's processes; returns how many are alive, or
 * -1 (errno set) when /proc cannot be read or memory runs out. */
long tree_scan(struct run_tree *t);

/* Kill every process of the run and reap those that are the grader's, the
 * main one last seen by its status. `counting`: the main one ended by
 * itself, and the others still alive (or left as zombies) are counted.
 * Returns 0 when none is left, -1 (with errno) when some could not be
 * found dead in time or /proc could not be read. */
int tree_kill(struct run_tree *t, bool counting, int *status,
              struct tree_counts *counts);

/* Kill the processes that still hold the pipe with inode `ino`: they can
 * only be of the run, and without a subreaper one that escaped before the
 * first scan is found no other way. Returns how many. */
int tree_kill_pipe_holders(pid_t self, unsigned long ino);

/* The live processes of the tree, the main one first; malloc'ed. */
pid_t *tree_live(struct run_tree *t, size_t *n);

/* User and system time of a rusage, in seconds. */
double rusage_seconds(const struct rusage *ru);

#endif
