/* SPDX-License-Identifier: MIT */
/* The grader's runner: /proc/PID/stat, parsed (see procstat.h). */
#include "run/procstat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
proc_read_stat(int dirfd, const char *path, struct proc_stat *st)
{
    char buf[1024];
    char *open_paren, *close_paren;
    ssize_t n;
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    size_t comm_len;

    if (fd < 0)
        return -1;
    n = read(fd, buf, sizeof(buf) - 1);
    if (close(fd) != 0 && n > 0 && errno != EINTR)
        return -1;
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* The command name may hold spaces and parentheses: it ends at the last
     * ')' of the line. */
    open_paren = strchr(buf, '(');
    close_paren = strrchr(buf, ')');
    if (open_paren == NULL || close_paren == NULL || close_paren < open_paren)
        return -1;
    memset(st, 0, sizeof(*st));
    st->pid = (pid_t)strtol(buf, NULL, 10);
    comm_len = (size_t)(close_paren - open_paren - 1);
    if (comm_len >= sizeof(st->comm))
        comm_len = sizeof(st->comm) - 1;
    memcpy(st->comm, open_paren + 1, comm_len);
    st->comm[comm_len] = '\0';
    /* state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
     * cmajflt utime stime cutime cstime priority nice num_threads
     * itrealvalue starttime vsize rss */
    if (sscanf(close_paren + 1,
               " %c %d %d %d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d "
               "%*d %*d %ld %*d %llu %*u %ld",
               &st->state, &st->ppid, &st->pgrp, &st->sid, &st->utime,
               &st->stime, &st->threads, &st->start, &st->rss_pages) != 9)
        return -1;
    return 0;
}

/* The real user and the thread count of /proc/PID/status; 0 or -1. */
static int
status_of(int dirfd, const char *path, uid_t *uid, long *threads)
{
    char line[256];
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    int found = 0;

    if (f == NULL) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    while (found < 2 && fgets(line, sizeof(line), f) != NULL) {
        unsigned long u;

        if (sscanf(line, "Uid: %lu", &u) == 1) {
            *uid = (uid_t)u;
            found++;
        } else if (sscanf(line, "Threads: %ld", threads) == 1)
            found++;
    }
    fclose(f);
    return found == 2 ? 0 : -1;
}

long
proc_count_tasks_of(uid_t uid)
{
    DIR *dir = opendir("/proc");
    struct dirent *e;
    long tasks = 0;

    if (dir == NULL)
        return -1;
    while ((e = readdir(dir)) != NULL) {
        char path[300];
        uid_t owner = 0;
        long threads = 0;

        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "%s/status", e->d_name);
        /* A process that ended since readdir runs nothing. */
        if (status_of(dirfd(dir), path, &owner, &threads) == 0 && owner == uid)
            tasks += threads;
    }
    closedir(dir);
    return tasks;
}
