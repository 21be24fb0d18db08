/* The grader: the machine lock between graders (see machine_lock.h). */
#include "machine_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static int lock_fd = -1, gate_fd = -1;
static bool holding_gate;

int
machine_lock_open(const char *path, char *err, size_t errlen)
{
    char gate[4200];

    if (snprintf(gate, sizeof(gate), "%s.gate", path) >= (int)sizeof(gate)) {
        snprintf(err, errlen, "--machine-lock %s: path too long", path);
        return -1;
    }
    lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    gate_fd = open(gate, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (lock_fd < 0 || gate_fd < 0) {
        snprintf(err, errlen, "--machine-lock %s: %s", path, strerror(errno));
        if (lock_fd >= 0)
            close(lock_fd);
        if (gate_fd >= 0)
            close(gate_fd);
        lock_fd = gate_fd = -1;
        return -1;
    }
    return 0;
}

/* flock, again after a signal; a lock that cannot be taken for any other
 * reason (none is known on a local file) leaves the run unsynchronised
 * rather than the grade undone. */
static void
take(int fd, int how)
{
    while (flock(fd, how) != 0 && errno == EINTR)
        ;
}

void
machine_lock_shared(void)
{
    if (lock_fd < 0)
        return;
    /* Through the gate: shut while someone waits to measure. */
    take(gate_fd, LOCK_EX);
    take(lock_fd, LOCK_SH);
    take(gate_fd, LOCK_UN);
}

void
machine_lock_exclusive(void)
{
    if (lock_fd < 0)
        return;
    take(gate_fd, LOCK_EX);
    holding_gate = true;
    take(lock_fd, LOCK_EX);
}

void
machine_lock_release(void)
{
    if (lock_fd < 0)
        return;
    take(lock_fd, LOCK_UN);
    if (holding_gate) {
        take(gate_fd, LOCK_UN);
        holding_gate = false;
    }
}
