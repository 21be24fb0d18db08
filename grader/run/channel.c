/* SPDX-License-Identifier: MIT */
/* The grader's runner: channels (see channel.h). */
#define _GNU_SOURCE /* pipe2, F_SETPIPE_SZ */
#include "run/channel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
channel_open(struct channel *c, const char *env_format, size_t capacity,
             bool nonblocking)
{
    int fds[2];

    c->read_fd = c->write_fd = -1;
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    c->read_fd = fds[0];
    c->write_fd = fds[1];
    /* The kernel may give less than asked (pipe-max-size): then honest
     * writers have less room, which only matters for one that floods. */
    if (capacity > 0)
        (void)fcntl(c->write_fd, F_SETPIPE_SZ, (int)capacity);
    /* Flags of the write end's open file only: the grader's read end
     * still blocks until every writer is gone. */
    if (nonblocking && fcntl(c->write_fd, F_SETFL, O_NONBLOCK) != 0) {
        int saved = errno;
        channel_close(c);
        errno = saved;
        return -1;
    }
    snprintf(c->env, sizeof(c->env), env_format, c->write_fd);
    return 0;
}

char *
channel_take(struct channel *c, size_t cap, size_t *len)
{
    char *buf;
    size_t n = 0;

    if (c->write_fd >= 0) {
        close(c->write_fd);
        c->write_fd = -1;
    }
    buf = malloc(cap + 1);
    while (buf != NULL && c->read_fd >= 0 && n < cap) {
        ssize_t got = read(c->read_fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    if (buf != NULL)
        buf[n] = '\0';
    if (len != NULL)
        *len = n;
    channel_close(c);
    return buf;
}

void
channel_close(struct channel *c)
{
    if (c->read_fd >= 0)
        close(c->read_fd);
    if (c->write_fd >= 0)
        close(c->write_fd);
    c->read_fd = c->write_fd = -1;
}
