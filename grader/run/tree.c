/* SPDX-License-Identifier: MIT */
/* The grader's runner: the process tree of a run (see tree.h). */
#define _GNU_SOURCE /* wait4 */
#include "run/tree.h"
#include "kit_time.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S 1000000000LL
#define NS_PER_MS 1000000LL
/* Killing a tree ends in milliseconds; only a process stuck in the kernel
 * (disk wait) takes longer, and then the grader gives up rather than hang. */
#define CLEANUP_LIMIT_NS (10 * NS_PER_S)

static int
by_pid(const void *a, const void *b)
{
    pid_t x = ((const struct proc_stat *)a)->pid;
    pid_t y = ((const struct proc_stat *)b)->pid;

    return (x > y) - (x < y);
}

static int
proc_scan(struct run_tree *st)
{
    DIR *dir = opendir("/proc");

    st->nprocs = 0;
    if (dir == NULL)
        return -1;
    for (;;) {
        struct dirent *e;
        char path[300];

        errno = 0;
        e = readdir(dir);
        if (e == NULL)
            break;
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        if (st->nprocs == st->cap_procs) {
            size_t n = st->cap_procs != 0 ? st->cap_procs * 2 : 512;
            struct proc_stat *p = realloc(st->procs, n * sizeof(*p));

            if (p == NULL) {
                closedir(dir);
                return -1;
            }
            st->procs = p;
            st->cap_procs = n;
        }
        snprintf(path, sizeof(path), "%s/stat", e->d_name);
        /* A process that ended since readdir simply is not listed. */
        if (proc_read_stat(dirfd(dir), path, &st->procs[st->nprocs]) == 0)
            st->nprocs++;
    }
    if (errno != 0) {
        int err = errno;

        closedir(dir);
        errno = err;
        return -1;
    }
    if (closedir(dir) != 0)
        return -1;
    qsort(st->procs, st->nprocs, sizeof(*st->procs), by_pid);
    return 0;
}

static bool
id_in(const pid_t *ids, size_t n, pid_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

static long
proc_index(const struct run_tree *st, pid_t pid)
{
    struct proc_stat key = {.pid = pid};
    const struct proc_stat *p =
        bsearch(&key, st->procs, st->nprocs, sizeof(key), by_pid);

    return p != NULL ? p - st->procs : -1;
}

static bool
is_dead(const struct proc_stat *p)
{
    return p->state == 'Z' || p->state == 'X' || p->state == 'x';
}

/* Mark the processes of the last scan that belong to the run: the main one,
 * its descendants, the members of its group and of the groups and sessions
 * its processes made, and the grader's children that started after it
 * (orphans of the run, reparented here because the grader is a subreaper).
 * Returns how many of them are alive, or -1 when out of memory. */
static long
mark_members(struct run_tree *st)
{
    bool changed = true;
    long alive = 0;

    st->rss_pages = st->tasks = st->unreaped = 0;
    if (st->nprocs > st->cap_member) {
        unsigned char *m = realloc(st->member, st->nprocs);

        if (m == NULL)
            return -1;
        st->member = m;
        st->cap_member = st->nprocs;
    }
    if (st->nprocs > 0)
        memset(st->member, 0, st->nprocs);
    /* Parents usually come before children in pid order, so this settles in
     * one or two passes. */
    while (changed) {
        changed = false;
        for (size_t i = 0; i < st->nprocs; i++) {
            const struct proc_stat *p = &st->procs[i];
            bool in;

            if (st->member[i])
                continue;
            in = p->pid == st->root || p->pgrp == st->root ||
                 id_in(st->groups, st->ngroups, p->pgrp) ||
                 id_in(st->sessions, st->nsessions, p->sid) ||
                 (p->ppid == st->self && p->start >= st->root_start);
            if (!in) {
                long parent = proc_index(st, p->ppid);

                in = parent >= 0 && st->member[parent];
            }
            if (!in)
                continue;
            st->member[i] = 1;
            changed = true;
            if (!is_dead(p)) {
                alive++;
                st->rss_pages += p->rss_pages;
                st->tasks += p->threads;
            } else {
                st->unreaped++;
            }
            /* Only a group or session a process of the run leads: a process
             * may join a foreign group of its session, and that group must
             * not be killed. */
            if (p->pgrp == p->pid && p->pid != st->root &&
                st->ngroups < TREE_MAX_IDS &&
                !id_in(st->groups, st->ngroups, p->pid))
                st->groups[st->ngroups++] = p->pid;
            if (p->sid == p->pid && st->nsessions < TREE_MAX_IDS &&
                !id_in(st->sessions, st->nsessions, p->pid))
                st->sessions[st->nsessions++] = p->pid;
        }
    }
    return alive;
}

double
rusage_seconds(const struct rusage *ru)
{
    return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
           (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}

static void
sleep_ns(long long ns)
{
    struct timespec ts = {.tv_sec = (time_t)(ns / NS_PER_S),
                          .tv_nsec = (long)(ns % NS_PER_S)};

    /* EINTR: a signal came; sleep the rest. No other error can come from
     * a valid, positive time. */
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        continue;
}

int
tree_kill(struct run_tree *st, bool counting, int *status,
          struct tree_counts *res)
{
    int64_t give_up = kit_now_ns() + CLEANUP_LIMIT_NS;
    pid_t *counted = NULL;
    size_t ncounted = 0, cap_counted = 0;
    long long nap = 200 * 1000; /* 0.2 ms, doubling up to 20 ms */
    int rc = 0;

    /* The main one's group first, in one call, before the scan: a fork
     * bomb in it stops growing at once, and a scan of /proc among
     * thousands of its processes, all running, takes long. */
    if (!st->root_reaped && kill(-st->root, SIGKILL) != 0 && errno != ESRCH)
        rc = -1;
    for (;;) {
        size_t pending = 0;
        bool root_group = !st->root_reaped;

        if (tree_scan(st) < 0) {
            rc = -1;
            break;
        }
        for (size_t i = 0; i < st->nprocs; i++) {
            const struct proc_stat *p = &st->procs[i];

            if (!st->member[i])
                continue;
            if (p->pgrp == st->root)
                root_group = true;
            if (p->pid == st->root)
                continue;
            if (counting && !id_in(counted, ncounted, p->pid)) {
                if (ncounted == cap_counted) {
                    size_t n = cap_counted != 0 ? cap_counted * 2 : 64;
                    pid_t *c = realloc(counted, n * sizeof(*c));

                    if (c == NULL) {
                        rc = -1;
                        goto out;
                    }
                    counted = c;
                    cap_counted = n;
                }
                counted[ncounted++] = p->pid;
                if (is_dead(p))
                    res->zombies_reaped++;
                else
                    res->leftovers_killed++;
            }
            if (!is_dead(p)) {
                /* ESRCH: it ended since the scan. */
                if (kill(p->pid, SIGKILL) != 0 && errno != ESRCH)
                    rc = -1;
                pending++;
            } else if (p->ppid == st->self) {
                struct rusage ru;
                pid_t got = wait4(p->pid, NULL, WNOHANG, &ru);

                if (got == p->pid)
                    res->cpu_seconds += rusage_seconds(&ru);
                else if (got == 0)
                    pending++;
                /* else ECHILD: reaped elsewhere meanwhile */
            }
            /* A zombie whose parent is not the grader is reaped by that
             * parent, or by init: nothing here to wait for. */
        }
        /* One call reaches every process of a group, even one forked while
         * the signal is sent (the kernel retries such a fork), which is
         * what stops a fork bomb. Groups are signalled only while a member
         * is seen, so that a reused number is never hit. */
        if (root_group && kill(-st->root, SIGKILL) != 0 && errno != ESRCH)
            rc = -1;
        for (size_t g = 0; g < st->ngroups; g++) {
            bool seen = false;

            for (size_t i = 0; i < st->nprocs && !seen; i++)
                seen = st->member[i] && st->procs[i].pgrp == st->groups[g] &&
                       !is_dead(&st->procs[i]);
            if (seen && kill(-st->groups[g], SIGKILL) != 0 && errno != ESRCH &&
                errno != EPERM)
                rc = -1;
        }
        if (!st->root_reaped) {
            struct rusage ru;
            pid_t got;

            /* The main one may have left the group: signal it by itself. */
            if (kill(st->root, SIGKILL) != 0 && errno != ESRCH)
                rc = -1;
            got = wait4(st->root, status, WNOHANG, &ru);
            if (got == st->root) {
                st->root_reaped = true;
                res->cpu_seconds += rusage_seconds(&ru);
            } else if (got < 0 && errno == ECHILD) {
                st->root_reaped = true; /* reaped elsewhere: status lost */
                *status = 0;
            } else {
                pending++;
            }
        }
        if (pending == 0)
            break;
        if (kit_now_ns() > give_up) {
            errno = ETIMEDOUT;
            rc = -1;
            break;
        }
        sleep_ns(nap);
        if (nap < 20 * NS_PER_MS)
            nap *= 2;
    }
out:
    free(counted);
    return rc;
}

int
tree_kill_pipe_holders(pid_t self, unsigned long ino)
{
    DIR *proc = opendir("/proc");
    char want[64];
    int killed = 0;

    if (proc == NULL)
        return 0;
    snprintf(want, sizeof(want), "pipe:[%lu]", ino);
    for (struct dirent *e; (e = readdir(proc)) != NULL;) {
        char path[300];
        DIR *fds;
        bool holds = false;

        if (e->d_name[0] < '1' || e->d_name[0] > '9' ||
            atoi(e->d_name) == (int)self)
            continue;
        snprintf(path, sizeof(path), "/proc/%.20s/fd", e->d_name);
        fds = opendir(path); /* EACCES: another user's, not of the run */
        if (fds == NULL)
            continue;
        for (struct dirent *f; !holds && (f = readdir(fds)) != NULL;) {
            char link[300], target[64];
            ssize_t n;

            snprintf(link, sizeof(link), "/proc/%.20s/fd/%.20s", e->d_name,
                     f->d_name);
            n = readlink(link, target, sizeof(target) - 1);
            if (n > 0) {
                target[n] = '\0';
                holds = strcmp(target, want) == 0;
            }
        }
        closedir(fds);
        if (holds && kill((pid_t)atoi(e->d_name), SIGKILL) == 0)
            killed++;
    }
    closedir(proc);
    return killed;
}

pid_t *
tree_live(struct run_tree *st, size_t *n)
{
    pid_t *pids;

    *n = 0;
    if (tree_scan(st) < 0)
        return NULL;
    pids = malloc((st->nprocs + 1) * sizeof(*pids));
    if (pids == NULL)
        return NULL;
    pids[(*n)++] = st->root;
    for (size_t i = 0; i < st->nprocs; i++)
        if (st->member[i] && st->procs[i].pid != st->root &&
            !is_dead(&st->procs[i]))
            pids[(*n)++] = st->procs[i].pid;
    return pids;
}

void
tree_init(struct run_tree *t, pid_t self, pid_t root)
{
    struct proc_stat st;
    char path[64];

    memset(t, 0, sizeof(*t));
    t->self = self;
    t->root = root;
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)root);
    /* Unreadable only if it already died; then any later child of the
     * grader counts as the run's, which errs on the safe side. */
    t->root_start = proc_read_stat(AT_FDCWD, path, &st) == 0 ? st.start : 0;
}

void
tree_free(struct run_tree *t)
{
    free(t->procs);
    free(t->member);
    t->procs = NULL;
    t->member = NULL;
}

long
tree_scan(struct run_tree *t)
{
    if (proc_scan(t) != 0)
        return -1;
    return mark_members(t);
}
