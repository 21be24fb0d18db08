/* SPDX-License-Identifier: MIT */
/* The grader's runner: /proc/PID/stat, parsed (see procstat.h). */
#include "run/procstat.h"

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
     * itrealvalue starttime */
    if (sscanf(close_paren + 1,
               " %c %d %d %d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d "
               "%*d %*d %*d %*d %llu",
               &st->state, &st->ppid, &st->pgrp, &st->sid, &st->utime,
               &st->stime, &st->start) != 7)
        return -1;
    return 0;
}
