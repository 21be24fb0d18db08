/* SPDX-License-Identifier: MIT */
/* The grader's hang diagnosis: gdb's view of the tree (see gdb.h). */
#include "hang/gdb.h"
#include "base/files.h"
#include "run/runner.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool
executable(const char *path)
{
    return access(path, X_OK) == 0;
}

void
gdb_find(struct diag *d, const char *wanted)
{
    const char *path_env = getenv("PATH");

    if (wanted != NULL && wanted[0] == '\0') {
        snprintf(d->gdb_missing, sizeof(d->gdb_missing), "not used");
        return;
    }
    if (wanted != NULL) {
        if (executable(wanted)) {
            snprintf(d->gdb_path, sizeof(d->gdb_path), "%s", wanted);
            return;
        }
        snprintf(d->gdb_missing, sizeof(d->gdb_missing), "%s: %s", wanted,
                 strerror(errno));
        return;
    }
    if (executable("/usr/bin/gdb")) {
        snprintf(d->gdb_path, sizeof(d->gdb_path), "/usr/bin/gdb");
        return;
    }
    while (path_env != NULL && *path_env != '\0') {
        size_t len = strcspn(path_env, ":");

        if (len > 0 && len < sizeof(d->gdb_path) - 5) {
            snprintf(d->gdb_path, sizeof(d->gdb_path), "%.*s/gdb", (int)len,
                     path_env);
            if (executable(d->gdb_path))
                return;
        }
        path_env += len + (path_env[len] == ':');
    }
    d->gdb_path[0] = '\0';
    snprintf(d->gdb_missing, sizeof(d->gdb_missing), "gdb is not installed");
}

/* One line of a backtrace:
 *   #4  0x0000559e32960272 in worker_a (arg=...) at deadlock.c:27
 *   #3  ___pthread_mutex_lock (mutex=...) at ./nptl/pthread_mutex_lock.c:93
 *   #1  0x00007f... in __lll_lock_wait () from /lib/x86_64-linux-gnu/libc.so.6
 */
static bool
parse_frame(const char *line, struct frame *f)
{
    const char *p = line + 1, *at;
    size_t n;

    memset(f, 0, sizeof(*f));
    while (isdigit((unsigned char)*p))
        p++;
    while (*p == ' ')
        p++;
    if (strncmp(p, "0x", 2) == 0) {
        p += strcspn(p, " ");
        while (*p == ' ')
            p++;
        if (strncmp(p, "in ", 3) == 0)
            p += 3;
    }
    n = strcspn(p, " (");
    if (n == 0)
        return false;
    snprintf(f->func, sizeof(f->func), "%.*s", (int)n, p);
    /* The location ends the line; arguments before it may hold " at ". */
    at = NULL;
    for (const char *s = strstr(p, " at "); s != NULL;
         s = strstr(s + 1, " at "))
        at = s;
    if (at != NULL) {
        const char *colon = strrchr(at, ':');

        if (colon != NULL && isdigit((unsigned char)colon[1])) {
            char file[512];

            snprintf(file, sizeof(file), "%.*s", (int)(colon - (at + 4)),
                     at + 4);
            snprintf(f->file, sizeof(f->file), "%.127s", path_base(file));
            f->line = atoi(colon + 1);
        }
    }
    return true;
}

bool
gdb_student_frame(const struct diag *d, const struct frame *f)
{
    if (f->file[0] == '\0' || d->student_files == NULL)
        return false;
    for (size_t i = 0; d->student_files[i] != NULL; i++)
        if (strcmp(path_base(d->student_files[i]), f->file) == 0)
            return true;
    return false;
}

static void
add_frame(struct hthread *t, const struct frame *f)
{
    struct frame *v;

    if (t->nframes >= MAX_FRAMES)
        return;
    v = realloc(t->frames, (t->nframes + 1) * sizeof(*v));
    if (v == NULL)
        return;
    t->frames = v;
    t->frames[t->nframes++] = *f;
}

/* The futex addresses the threads of `p` wait on, once each. */
static size_t
lock_addresses(const struct hproc *p, unsigned long long *addrs, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < p->nthreads && n < max; i++) {
        const struct hthread *t = &p->threads[i];
        bool seen = false;

        if (t->kind != WAIT_LOCK && t->kind != WAIT_FUTEX)
            continue;
        for (size_t j = 0; j < n; j++)
            seen = seen || addrs[j] == t->futex;
        if (!seen)
            addrs[n++] = t->futex;
    }
    return n;
}

/* Read gdb's answer: "Thread N (... (LWP TID) ...):" then "#K ..." frames
 * per thread, then "@@sym 0xADDR" and the `info symbol` line after it. */
static void
parse_gdb(struct hproc *p, char *out)
{
    struct hthread *cur = NULL;
    bool in_bt = false;
    unsigned long long sym_addr = 0;
    bool want_sym = false;

    for (char *line = strtok(out, "\n"); line != NULL;
         line = strtok(NULL, "\n")) {
        if (strcmp(line, "@@bt") == 0) {
            in_bt = true;
            continue;
        }
        if (strncmp(line, "@@sym ", 6) == 0) {
            in_bt = false;
            cur = NULL;
            sym_addr = strtoull(line + 6, NULL, 16);
            want_sym = true;
            continue;
        }
        if (want_sym) {
            const char *end = strstr(line, " in section ");

            want_sym = false;
            if (end == NULL || strncmp(line, "No symbol", 9) == 0)
                continue;
            for (size_t i = 0; i < p->nthreads; i++)
                if ((p->threads[i].kind == WAIT_LOCK ||
                     p->threads[i].kind == WAIT_FUTEX) &&
                    p->threads[i].futex == sym_addr)
                    snprintf(p->threads[i].lock_name,
                             sizeof(p->threads[i].lock_name), "%.*s",
                             (int)(end - line), line);
            continue;
        }
        if (!in_bt)
            continue;
        if (strncmp(line, "Thread ", 7) == 0) {
            const char *lwp = strstr(line, "(LWP ");
            const char *proc = strstr(line, "(process ");
            pid_t tid = lwp != NULL    ? (pid_t)atoi(lwp + 5)
                        : proc != NULL ? (pid_t)atoi(proc + 9)
                                       : 0;

            cur = NULL;
            for (size_t i = 0; i < p->nthreads; i++)
                if (p->threads[i].tid == tid)
                    cur = &p->threads[i];
            if (cur != NULL) {
                cur->in_gdb = true;
                p->gdb_ok = true;
            }
            continue;
        }
        if (line[0] == '#' && cur != NULL) {
            struct frame f;

            if (parse_frame(line, &f))
                add_frame(cur, &f);
        }
    }
}

/* Why gdb gave no backtrace, from its own words where it said any. */
static void
gdb_failure(struct hproc *p, const struct run_result *r)
{
    static const char *const signs[] = {"ptrace:", "Could not attach",
                                        "Operation not permitted",
                                        "warning: process"};
    const char *out = r->output != NULL ? r->output : "";
    char how[160];

    for (size_t i = 0; i < sizeof(signs) / sizeof(signs[0]); i++) {
        const char *s = strstr(out, signs[i]);

        if (s != NULL) {
            while (s > out && s[-1] != '\n')
                s--;
            snprintf(p->gdb_error, sizeof(p->gdb_error), "%.*s",
                     (int)strcspn(s, "\n"), s);
            return;
        }
    }
    run_describe(r, how, sizeof(how));
    snprintf(p->gdb_error, sizeof(p->gdb_error), "gdb %s with no backtrace",
             how);
}

void
gdb_backtraces(struct diag *d, struct hproc *p)
{
    unsigned long long addrs[32];
    size_t naddrs = lock_addresses(p, addrs, 32);
    /* 14 fixed words, 4 per lock address, the NULL */
    char *argv[14 + 4 * 32 + 1];
    char pid_arg[32], sym_echo[32][48], sym_info[32][48];
    size_t n = 0;
    struct run_request req;
    struct run_result r;

    snprintf(pid_arg, sizeof(pid_arg), "%d", (int)p->pid);
    argv[n++] = d->gdb_path;
    argv[n++] = "-p";
    argv[n++] = pid_arg;
    argv[n++] = "-batch";
    argv[n++] = "-nx";
    /* Never ask the network for debug symbols while the grade waits. */
    argv[n++] = "-iex";
    argv[n++] = "set debuginfod enabled off";
    argv[n++] = "-ex";
    argv[n++] = "set print frame-arguments none";
    argv[n++] = "-ex";
    argv[n++] = "echo @@bt\\n";
    argv[n++] = "-ex";
    argv[n++] = "thread apply all bt";
    for (size_t i = 0; i < naddrs; i++) {
        snprintf(sym_echo[i], sizeof(sym_echo[i]), "echo @@sym 0x%llx\\n",
                 addrs[i]);
        snprintf(sym_info[i], sizeof(sym_info[i]), "info symbol 0x%llx",
                 addrs[i]);
        argv[n++] = "-ex";
        argv[n++] = sym_echo[i];
        argv[n++] = "-ex";
        argv[n++] = sym_info[i];
    }
    argv[n] = NULL;

    memset(&req, 0, sizeof(req));
    req.argv = argv;
    req.limits.wall_seconds = GDB_SECONDS;
    req.limits.output_bytes = 1 << 20;
    p->gdb_ran = true;
    if (run_program(&req, &r) == 0 && r.output != NULL)
        parse_gdb(p, r.output);
    if (!p->gdb_ok)
        gdb_failure(p, &r);
    p->gdb_timed_out = r.end == RUN_TIMED_OUT;
    run_result_free(&r);
}
