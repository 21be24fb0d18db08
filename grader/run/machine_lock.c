/* SPDX-License-Identifier: MIT */
/* The grader's runner: the machine lock between graders (see machine_lock.h).
 */
#include "run/machine_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static int lock_fd = -1;

int
machine_lock_open(const char *path, char *err, size_t errlen)
{
    lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (lock_fd < 0) {
        snprintf(err, errlen, "--machine-lock %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* flock, again after a signal; a lock that cannot be taken for any other
 * reason (none is known on a local file) leaves the run unsynchronised
 * rather than the grade undone. */
static void
take(int how)
{
    if (lock_fd < 0)
        return;
    while (flock(lock_fd, how) != 0 && errno == EINTR)
        ;
}

void
machine_lock_shared(void)
{
    take(LOCK_SH);
}

void
machine_lock_exclusive(void)
{
    take(LOCK_EX);
}

void
machine_lock_release(void)
{
    take(LOCK_UN);
}
