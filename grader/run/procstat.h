/* SPDX-License-Identifier: MIT */
/* The grader's runner: one line of /proc/PID/stat (or of a thread's
 * /proc/PID/task/TID/stat), the fields the runner and the hang diagnosis
 * read. */
#ifndef GRADER_RUN_PROCSTAT_H
#define GRADER_RUN_PROCSTAT_H

#include <sys/types.h>

struct proc_stat {
    pid_t pid, ppid, pgrp, sid;
    char state; /* R running, S sleeping, D disk wait, Z zombie, T stopped */
    unsigned long long utime, stime; /* clock ticks */
    unsigned long long start;        /* clock ticks after boot */
    long threads;                    /* tasks of the process */
    long rss_pages;                  /* resident memory, in pages */
    char comm[32];
};

/* Read and parse `path` (relative to the directory `dirfd`, or AT_FDCWD).
 * Returns 0, or -1 when the file cannot be read (the process has ended) or
 * parsed. */
int proc_read_stat(int dirfd, const char *path, struct proc_stat *st);

/* How many tasks (threads of every process) whose real user is `uid` are
 * alive: what RLIMIT_NPROC counts. -1 when /proc cannot be read. */
long proc_count_tasks_of(uid_t uid);

#endif
