/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": reference solution. The sums split [0, n) into
 * contiguous blocks, one per child, and add the partial sums in block
 * order; the pool keeps two pipes per worker and a poll() over the result
 * pipes, so the parent sleeps until some worker has something to say. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS: not in POSIX 2008 */
#include "processes.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The size of a cache line on the machines the kit targets. */
#define CACHE_LINE 64

/* Write all `len` bytes: a write to a pipe may take fewer than asked (a
 * signal, or a full pipe for a large write), and the rest must follow.
 * Returns 0, or -1 with errno (EPIPE: the reader is gone). */
static int
write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Read exactly `len` bytes. Returns 1 when they came, 0 at end of file
 * before the first byte (the writer closed its end: it is done, or dead),
 * and -1 on an error or an end of file in the middle of a message. */
static int
read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;

    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            return got == 0 ? 0 : -1;
        got += (size_t)n;
    }
    return 1;
}

/* waitpid for one child, again when a signal interrupts the wait. */
static pid_t
wait_child(pid_t pid, int *status)
{
    pid_t got;

    do
        got = waitpid(pid, status, 0);
    while (got < 0 && errno == EINTR);
    return got;
}

static void
close_fd(int *fd)
{
    /* close() may fail with EINTR, but the descriptor is gone either way on
     * Linux: trying again could close one that another call just opened. */
    if (*fd >= 0)
        (void)close(*fd);
    *fd = -1;
}

int
run_children(int nprocs, int (*body)(int index, void *arg), void *arg,
             int *statuses)
{
    pid_t *pids = calloc((size_t)nprocs, sizeof(*pids));
    int started, rc = 0;

    if (pids == NULL)
        return -1;
    /* What stdio holds unwritten now would be copied into every child, and
     * printed once more by each child that flushes it. */
    fflush(NULL);
    for (started = 0; started < nprocs; started++) {
        pid_t pid = fork();

        if (pid < 0) {
            rc = -1;
            break;
        }
        if (pid == 0) {
            int code = body(started, arg);

            /* The child's own output, if body printed any; then _exit,
             * which neither runs the parent's exit handlers nor returns
             * into the caller's loop. */
            fflush(NULL);
            _exit(code & 0xff);
        }
        pids[started] = pid;
    }
    /* Waiting in start order is fine: a child that ends early stays a
     * zombie, holding its status, until its turn comes. */
    for (int i = 0; i < started; i++)
        if (wait_child(pids[i], &statuses[i]) < 0)
            rc = -1;
    free(pids);
    return rc;
}

/* [begin, end) of block t when [0, n) is split into `parts` blocks whose
 * sizes differ by at most one; some are empty when parts > n. */
static void
block(long n, int parts, int t, long *begin, long *end)
{
    long quotient = n / parts, remainder = n % parts;

    *begin = (long)t * quotient + (t < remainder ? t : remainder);
    *end = *begin + quotient + (t < remainder);
}

static double
sum_range(double (*f)(long), long begin, long end)
{
    double sum = 0.0;

    for (long i = begin; i < end; i++)
        sum += f(i);
    return sum;
}

/* Whether a wait status says the child ended by itself with status 0. */
static int
ended_well(int status)
{
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int
sum_pipes(double (*f)(long), long n, int nprocs, double *sum)
{
    struct child {
        pid_t pid;
        int fd; /* read end of the pipe from this child */
    } *kids = calloc((size_t)nprocs, sizeof(*kids));
    double total = 0.0;
    int started, rc = 0;

    if (kids == NULL)
        return -1;
    fflush(NULL);
    for (started = 0; started < nprocs; started++) {
        int fds[2];
        long begin, end;
        pid_t pid;

        if (pipe(fds) != 0) {
            rc = -1;
            break;
        }
        block(n, nprocs, started, &begin, &end);
        pid = fork();
        if (pid < 0) {
            close_fd(&fds[0]);
            close_fd(&fds[1]);
            rc = -1;
            break;
        }
        if (pid == 0) {
            double partial;

            close_fd(&fds[0]);
            partial = sum_range(f, begin, end);
            _exit(write_all(fds[1], &partial, sizeof(partial)) == 0 ? 0 : 1);
        }
        /* The parent keeps only the read end. Closing the write end here
         * also keeps it out of the children forked later: a copy of it in
         * another child would hold the pipe open, and a child that died
         * before writing would never show as an end of file. */
        close_fd(&fds[1]);
        kids[started].pid = pid;
        kids[started].fd = fds[0];
    }
    for (int t = 0; t < started; t++) {
        double partial;
        int status;

        /* After a failed fork the started children are still read from
         * (they would get SIGPIPE otherwise, which is harmless, but reading
         * costs nothing) and always waited for. */
        if (read_all(kids[t].fd, &partial, sizeof(partial)) == 1)
            total += partial;
        else
            rc = -1;
        close_fd(&kids[t].fd);
        if (wait_child(kids[t].pid, &status) < 0 || !ended_well(status))
            rc = -1;
    }
    free(kids);
    if (rc == 0)
        *sum = total;
    return rc;
}

/* One child's partial sum in the shared mapping, on a cache line of its
 * own: processes that share memory share its cache lines too, and two
 * children writing to one line would take it from each other's core. */
struct slot {
    _Alignas(CACHE_LINE) double partial;
};

int
sum_shared(double (*f)(long), long n, int nprocs, double *sum)
{
    size_t bytes = (size_t)nprocs * sizeof(struct slot);
    pid_t *pids = calloc((size_t)nprocs, sizeof(*pids));
    struct slot *slots;
    double total = 0.0;
    int started, rc = 0;

    if (pids == NULL)
        return -1;
    /* MAP_SHARED: a child's write goes to the same physical page the parent
     * reads, where a private mapping (or malloc) would be copied on the
     * child's first write. Made before the forks, so every child has it. */
    slots = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (slots == MAP_FAILED) {
        free(pids);
        return -1;
    }
    fflush(NULL);
    for (started = 0; started < nprocs; started++) {
        long begin, end;
        pid_t pid;

        block(n, nprocs, started, &begin, &end);
        pid = fork();
        if (pid < 0) {
            rc = -1;
            break;
        }
        if (pid == 0) {
            slots[started].partial = sum_range(f, begin, end);
            _exit(0);
        }
        pids[started] = pid;
    }
    /* waitpid is also what makes the slots safe to read: a child's writes
     * are all done, and visible here, once it is reaped. A child that did
     * not exit with 0 may never have written its slot, and the zero there
     * would look like a partial sum. */
    for (int t = 0; t < started; t++) {
        int status;

        if (wait_child(pids[t], &status) < 0 || !ended_well(status))
            rc = -1;
    }
    for (int t = 0; t < started && rc == 0; t++)
        total += slots[t].partial;
    if (munmap(slots, bytes) != 0)
        rc = -1;
    free(pids);
    if (rc == 0)
        *sum = total;
    return rc;
}

/* What a worker sends back: the index of an item and its result. 16 bytes,
 * far below PIPE_BUF, so the kernel writes it in one piece. */
struct result_msg {
    long index;
    double value;
};

/* A worker of the pool, seen from the parent. */
struct worker {
    pid_t pid;  /* 0 once waited for */
    int to;     /* write end of the pipe of item indices to the worker */
    int from;   /* read end of the pipe of results from the worker */
    long item;  /* index of the item it is computing; -1 when idle */
    int status; /* its wait status, once waited for */
};

/* The worker's whole life: read an index, compute, send the result, until
 * the parent closes the pipe of indices. */
static _Noreturn void
worker_main(double (*f)(long), const long *items, int in, int out)
{
    long index;
    int got;

    while ((got = read_all(in, &index, sizeof(index))) == 1) {
        struct result_msg msg = {index, f(items[index])};

        if (write_all(out, &msg, sizeof(msg)) != 0)
            _exit(1); /* the parent is gone or gave up on us */
    }
    _exit(got == 0 ? 0 : 1);
}

static void
fail(struct pool_error *err, long item, int signal, int exit_status,
     const char *message)
{
    if (err == NULL)
        return;
    err->item = item;
    err->signal = signal;
    err->exit_status = exit_status;
    snprintf(err->message, sizeof(err->message), "%s", message);
}

/* Describe why worker w died (it has been waited for) into err. */
static void
fail_worker(struct pool_error *err, const struct worker *w)
{
    char line[256], what[96];

    if (WIFSIGNALED(w->status))
        snprintf(what, sizeof(what), "was killed by signal %d (%s)",
                 WTERMSIG(w->status), strsignal(WTERMSIG(w->status)));
    else
        snprintf(what, sizeof(what),
                 "exited with status %d without sending its result",
                 WEXITSTATUS(w->status));
    if (w->item >= 0)
        snprintf(line, sizeof(line), "item %ld: worker %d %s", w->item,
                 (int)w->pid, what);
    else
        snprintf(line, sizeof(line), "worker %d %s while it had no item",
                 (int)w->pid, what);
    fail(err, w->item, WIFSIGNALED(w->status) ? WTERMSIG(w->status) : 0,
         WIFEXITED(w->status) ? WEXITSTATUS(w->status) : -1, line);
}

static void
fail_errno(struct pool_error *err, const char *call)
{
    char line[256];

    snprintf(line, sizeof(line), "%s failed: %s", call, strerror(errno));
    fail(err, -1, 0, -1, line);
}

/* Start a worker as workers[k]; the k before it are running. */
static int
start_worker(struct worker *workers, int k, double (*f)(long),
             const long *items)
{
    int to[2], from[2];
    pid_t pid;

    if (pipe(to) != 0)
        return -1;
    if (pipe(from) != 0) {
        close_fd(&to[0]);
        close_fd(&to[1]);
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        int saved = errno;

        close_fd(&to[0]);
        close_fd(&to[1]);
        close_fd(&from[0]);
        close_fd(&from[1]);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        /* Keep only this worker's own two ends. Above all, a copy of an
         * earlier worker's result pipe held open here would hide that
         * worker's death: the parent sees the end of file of a pipe only
         * when every copy of its write end is closed. */
        for (int j = 0; j < k; j++) {
            close_fd(&workers[j].to);
            close_fd(&workers[j].from);
        }
        close_fd(&to[1]);
        close_fd(&from[0]);
        worker_main(f, items, to[0], from[1]);
    }
    close_fd(&to[0]);
    close_fd(&from[1]);
    workers[k] =
        (struct worker){.pid = pid, .to = to[1], .from = from[0], .item = -1};
    return 0;
}

/* Give worker w item `index`. */
static int
hand_out(struct worker *w, long index)
{
    w->item = index;
    return write_all(w->to, &index, sizeof(index));
}

int
pool_map(double (*f)(long), const long *items, long nitems, double *results,
         int nworkers, struct pool_error *err)
{
    struct sigaction ignore = {.sa_handler = SIG_IGN}, old_pipe;
    struct worker *workers;
    struct pollfd *fds;
    long next = 0, done = 0;
    int started = 0, rc = 0;

    if (nitems == 0)
        return 0;
    if (nworkers > nitems)
        nworkers = (int)nitems; /* a worker with no item only costs a fork */
    workers = calloc((size_t)nworkers, sizeof(*workers));
    fds = calloc((size_t)nworkers, sizeof(*fds));
    if (workers == NULL || fds == NULL) {
        free(workers);
        free(fds);
        fail(err, -1, 0, -1, "out of memory");
        return -1;
    }
    /* A write to a worker that has just died would raise SIGPIPE, whose
     * default action kills the caller; ignored, the write fails with EPIPE
     * instead, and the death is reported like any other. */
    sigemptyset(&ignore.sa_mask);
    if (sigaction(SIGPIPE, &ignore, &old_pipe) != 0) {
        free(workers);
        free(fds);
        fail_errno(err, "sigaction(SIGPIPE)");
        return -1;
    }
    fflush(NULL);
    for (; started < nworkers; started++)
        if (start_worker(workers, started, f, items) != 0) {
            fail_errno(err, "starting a worker (pipe or fork)");
            rc = -1;
            break;
        }

    /* One item to each worker; from then on, a worker gets its next item
     * when its result comes in, so a slow item delays only its worker. */
    for (int k = 0; k < started && rc == 0 && next < nitems; k++)
        if (hand_out(&workers[k], next++) != 0) {
            fail_errno(err, "write to a worker");
            rc = -1;
        }
    while (rc == 0 && done < nitems) {
        int ready;

        for (int k = 0; k < started; k++)
            fds[k] = (struct pollfd){.fd = workers[k].from, .events = POLLIN};
        /* Sleep until a worker sends a result or dies (its pipe then ends:
         * POLLHUP, and a read returns 0). No timeout: every worker still
         * running either answers or dies, and both wake this call. */
        ready = poll(fds, (nfds_t)started, -1);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            fail_errno(err, "poll");
            rc = -1;
            break;
        }
        for (int k = 0; k < started && rc == 0; k++) {
            struct worker *w = &workers[k];
            struct result_msg msg;
            int got;

            if (fds[k].revents == 0)
                continue;
            got = read_all(w->from, &msg, sizeof(msg));
            if (got != 1 || msg.index != w->item) {
                /* The end of its pipe before its result: it is dead, or
                 * about to be; waitpid says how it ended. A result for an
                 * item it was not given means it is not sane: stop it. */
                if (got == 1)
                    (void)kill(w->pid, SIGKILL);
                if (wait_child(w->pid, &w->status) < 0) {
                    fail_errno(err, "waitpid");
                } else {
                    fail_worker(err, w);
                    w->pid = 0;
                }
                rc = -1;
                break;
            }
            results[msg.index] = msg.value;
            done++;
            w->item = -1;
            if (next < nitems && hand_out(w, next++) != 0) {
                /* EPIPE: it died between its result and this write. */
                if (wait_child(w->pid, &w->status) >= 0) {
                    w->item = -1;
                    fail_worker(err, w);
                    w->pid = 0;
                } else {
                    fail_errno(err, "waitpid");
                }
                rc = -1;
            }
        }
    }

    /* Shut down. On success every worker is idle and exits at the end of
     * its pipe of items. On failure the others may be deep in a long item:
     * SIGKILL stops them now rather than when that item is done. */
    for (int k = 0; k < started; k++) {
        close_fd(&workers[k].to);
        if (rc != 0 && workers[k].pid > 0)
            (void)kill(workers[k].pid, SIGKILL); /* ESRCH: already dead */
    }
    for (int k = 0; k < started; k++) {
        struct worker *w = &workers[k];

        if (w->pid > 0) {
            if (wait_child(w->pid, &w->status) < 0) {
                if (rc == 0)
                    fail_errno(err, "waitpid");
                rc = -1;
            } else if (rc == 0 && !ended_well(w->status)) {
                fail_worker(err, w);
                rc = -1;
            }
        }
        close_fd(&w->from);
    }
    if (sigaction(SIGPIPE, &old_pipe, NULL) != 0 && rc == 0) {
        fail_errno(err, "sigaction(SIGPIPE)");
        rc = -1;
    }
    free(workers);
    free(fds);
    return rc;
}
