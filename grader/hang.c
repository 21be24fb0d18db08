/* The grader: the diagnosis of a program that ran out of time. Each thread's
 * state and wait from /proc, the owner of each mutex waited on from the
 * process's memory, the student's frames and the locks' names from gdb. */
#define _GNU_SOURCE
#include "hang.h"
#include "run.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* How long CPU time is sampled: a thread that used CPU meanwhile is busy,
 * whatever state it was caught in. */
#define SAMPLE_NS (100 * 1000 * 1000L)
#define GDB_SECONDS 15
#define MAX_PROCESSES 16    /* reported; the others are counted */
#define MAX_THREADS 32      /* per process, reported */
#define MAX_GDB_PROCESSES 4 /* gdb runs, at up to GDB_SECONDS each */
#define MAX_FRAMES 64       /* per thread, read from gdb */

/* Futex operations, as in <linux/futex.h>. */
#define FUTEX_WAIT 0
#define FUTEX_LOCK_PI 6
#define FUTEX_WAIT_BITSET 9
#define FUTEX_LOCK_PI2 13
#define FUTEX_CMD_MASK 127 /* without FUTEX_PRIVATE_FLAG, CLOCK_REALTIME */
#define FUTEX_TID_MASK 0x3fffffff

/* ---- A growing string ---- */

struct sb {
    char *buf;
    size_t len, cap;
    bool failed;
};

static void sb_addf(struct sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sb_addf(struct sb *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (b->failed)
        return;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap != 0 ? b->cap : 1024;
        char *p;

        while (b->len + (size_t)n + 1 > cap)
            cap *= 2;
        p = realloc(b->buf, cap);
        if (p == NULL) {
            b->failed = true;
            return;
        }
        b->buf = p;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* ---- /proc ---- */

int
hang_read_stat(int dirfd, const char *path, struct hang_stat *st)
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

/* The first line of a small file, without its newline; "" when unreadable. */
static void
read_line(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = -1;

    buf[0] = '\0';
    if (fd < 0)
        return;
    n = read(fd, buf, len - 1);
    if (close(fd) != 0 && errno != EINTR)
        n = -1;
    buf[n > 0 ? n : 0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
}

/* ---- What each thread is doing ---- */

enum wait_kind {
    WAIT_UNKNOWN,
    WAIT_RUNNING, /* state R */
    WAIT_LOCK,    /* a mutex: owner known */
    WAIT_JOIN,    /* pthread_join: the thread it waits for is known */
    WAIT_FUTEX,   /* another futex: condition variable, barrier, semaphore */
    WAIT_CHILD,   /* wait4/waitid */
    WAIT_IO,      /* read, write, poll... */
    WAIT_SLEEP,   /* nanosleep, pause... */
    WAIT_OTHER,   /* another system call */
    WAIT_STOPPED, /* stopped or traced */
    WAIT_GONE     /* ended during the diagnosis */
};

struct frame {
    char func[128];
    char file[128]; /* base name; "" when gdb gave none */
    int line;
};

struct hproc;

struct hthread {
    struct hproc *proc;
    pid_t tid;
    int num; /* 1-based, in TID order: thread 1 is the main one */
    char state;
    unsigned long long cpu0, cpu1; /* ticks, before and after the sample */
    bool cpu0_ok, cpu1_ok;
    char wchan[64];
    long nr; /* system call; -1 none, -2 unknown, -3 running */
    unsigned long long arg[3];
    enum wait_kind kind;
    unsigned long long futex; /* address waited on */
    pid_t owner_tid;          /* holder of the lock, or thread joined */
    struct hthread *owner;    /* the same, when it is a thread of the tree */
    char lock_name[128];      /* from gdb's `info symbol`; "" unknown */
    struct frame *frames;
    size_t nframes;
    bool in_gdb;
    int mark; /* cycle search */
    bool in_cycle;
};

struct hproc {
    pid_t pid;
    char comm[32];
    struct hthread *threads;
    size_t nthreads;
    bool skip; /* only waits for its children: not part of the story */
    int memfd;
    bool gdb_ran, gdb_ok;
    char gdb_error[200];
};

struct diag {
    struct hproc *procs;
    size_t nprocs;
    size_t more_procs; /* beyond MAX_PROCESSES */
    long clk_tck;
    char gdb_path[4096];
    char gdb_missing[200]; /* why gdb was not run; "" when it was */
    char *const *student_files;
};

static int
by_tid(const void *a, const void *b)
{
    pid_t x = ((const struct hthread *)a)->tid;
    pid_t y = ((const struct hthread *)b)->tid;

    return (x > y) - (x < y);
}

/* The threads of a process, in TID order; -1 if it has ended. */
static int
list_threads(struct hproc *p)
{
    char path[64];
    DIR *dir;
    size_t cap = 0;

    snprintf(path, sizeof(path), "/proc/%d/task", (int)p->pid);
    dir = opendir(path);
    if (dir == NULL)
        return -1;
    for (;;) {
        struct dirent *e;

        errno = 0;
        e = readdir(dir);
        if (e == NULL)
            break;
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        if (p->nthreads == cap) {
            size_t n = cap != 0 ? cap * 2 : 8;
            struct hthread *t = realloc(p->threads, n * sizeof(*t));

            if (t == NULL) {
                closedir(dir);
                return -1;
            }
            p->threads = t;
            cap = n;
        }
        memset(&p->threads[p->nthreads], 0, sizeof(struct hthread));
        p->threads[p->nthreads].tid = (pid_t)strtol(e->d_name, NULL, 10);
        p->threads[p->nthreads].proc = p;
        p->nthreads++;
    }
    if (errno != 0) {
        closedir(dir);
        return -1;
    }
    if (closedir(dir) != 0)
        return -1;
    qsort(p->threads, p->nthreads, sizeof(*p->threads), by_tid);
    for (size_t i = 0; i < p->nthreads; i++) {
        p->threads[i].num = (int)i + 1;
        p->threads[i].proc = p;
    }
    return 0;
}

static bool
thread_stat(const struct hthread *t, struct hang_stat *st)
{
    char path[96];

    snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)t->proc->pid,
             (int)t->tid);
    return hang_read_stat(AT_FDCWD, path, st) == 0;
}

/* The system calls a blocked thread is usually in, by this machine's
 * numbers (<sys/syscall.h> has them for every architecture). */
static const struct syscall_info {
    long nr;
    const char *name;
    enum wait_kind kind;
} syscalls[] = {
#ifdef SYS_futex
    {SYS_futex, "futex", WAIT_FUTEX},
#endif
#ifdef SYS_wait4
    {SYS_wait4, "wait4", WAIT_CHILD},
#endif
#ifdef SYS_waitid
    {SYS_waitid, "waitid", WAIT_CHILD},
#endif
#ifdef SYS_read
    {SYS_read, "read", WAIT_IO},
#endif
#ifdef SYS_write
    {SYS_write, "write", WAIT_IO},
#endif
#ifdef SYS_readv
    {SYS_readv, "readv", WAIT_IO},
#endif
#ifdef SYS_writev
    {SYS_writev, "writev", WAIT_IO},
#endif
#ifdef SYS_poll
    {SYS_poll, "poll", WAIT_IO},
#endif
#ifdef SYS_ppoll
    {SYS_ppoll, "ppoll", WAIT_IO},
#endif
#ifdef SYS_select
    {SYS_select, "select", WAIT_IO},
#endif
#ifdef SYS_pselect6
    {SYS_pselect6, "pselect6", WAIT_IO},
#endif
#ifdef SYS_epoll_wait
    {SYS_epoll_wait, "epoll_wait", WAIT_IO},
#endif
#ifdef SYS_epoll_pwait
    {SYS_epoll_pwait, "epoll_pwait", WAIT_IO},
#endif
#ifdef SYS_msgrcv
    {SYS_msgrcv, "msgrcv", WAIT_IO},
#endif
#ifdef SYS_semop
    {SYS_semop, "semop", WAIT_IO},
#endif
#ifdef SYS_nanosleep
    {SYS_nanosleep, "nanosleep", WAIT_SLEEP},
#endif
#ifdef SYS_clock_nanosleep
    {SYS_clock_nanosleep, "clock_nanosleep", WAIT_SLEEP},
#endif
#ifdef SYS_pause
    {SYS_pause, "pause", WAIT_SLEEP},
#endif
#ifdef SYS_rt_sigsuspend
    {SYS_rt_sigsuspend, "sigsuspend", WAIT_SLEEP},
#endif
#ifdef SYS_rt_sigtimedwait
    {SYS_rt_sigtimedwait, "sigtimedwait", WAIT_SLEEP},
#endif
#ifdef SYS_sched_yield
    {SYS_sched_yield, "sched_yield", WAIT_OTHER},
#endif
};

static const struct syscall_info *
syscall_info(long nr)
{
    for (size_t i = 0; i < sizeof(syscalls) / sizeof(syscalls[0]); i++)
        if (syscalls[i].nr == nr)
            return &syscalls[i];
    return NULL;
}

/* Read `len` bytes of the process's memory at `addr`; permitted to the
 * grader as the tree's ancestor (or subreaper), as to a debugger. */
static bool
read_memory(struct hproc *p, unsigned long long addr, void *buf, size_t len)
{
    if (p->memfd == -1) {
        char path[64];

        snprintf(path, sizeof(path), "/proc/%d/mem", (int)p->pid);
        p->memfd = open(path, O_RDONLY | O_CLOEXEC);
        if (p->memfd < 0) {
            p->memfd = -2; /* tried: do not try again */
            return false;
        }
    }
    if (p->memfd < 0 || addr > (unsigned long long)INT64_MAX - len)
        return false;
    return pread(p->memfd, buf, len, (off_t)addr) == (ssize_t)len;
}

/* What a thread in a futex wait waits for. A glibc pthread_mutex_t starts
 * with int __lock, unsigned __count, int __owner (the holder's TID), unsigned
 * __nusers, int __kind; a thread blocked in pthread_mutex_lock sleeps in
 * FUTEX_WAIT on __lock, which is then 2 (locked, with waiters). A thread in
 * pthread_join sleeps in FUTEX_WAIT_BITSET on the joined thread's TID. */
static void
classify_futex(struct hthread *t)
{
    int cmd = (int)(t->arg[1] & FUTEX_CMD_MASK);
    int word[5];

    t->futex = t->arg[0];
    t->kind = WAIT_FUTEX;
    if (!read_memory(t->proc, t->futex, word, sizeof(word))) {
        if (!read_memory(t->proc, t->futex, word, sizeof(int)))
            return;
        word[2] = word[4] = 0;
    }
    if (cmd == FUTEX_LOCK_PI || cmd == FUTEX_LOCK_PI2) {
        /* A priority-inheritance mutex keeps its owner in the lock word. */
        t->owner_tid = word[0] & FUTEX_TID_MASK;
        t->kind = t->owner_tid > 0 ? WAIT_LOCK : WAIT_FUTEX;
    } else if (cmd == FUTEX_WAIT) {
        int lock = word[0], owner = word[2], type = word[4];
        bool plain = lock == 1 || lock == 2;
        bool robust = owner > 0 && (lock & FUTEX_TID_MASK) == owner;

        /* The type: NORMAL..ADAPTIVE in the low bits, flags above; a
         * barrier or another futex user rarely looks like this. */
        if ((plain || robust) && owner > 0 && owner != t->tid &&
            (type & 0xf) <= 3 && (unsigned)type < 1024) {
            t->kind = WAIT_LOCK;
            t->owner_tid = owner;
        }
    } else if (cmd == FUTEX_WAIT_BITSET && word[0] > 0 && word[0] != t->tid) {
        t->owner_tid = word[0]; /* a join, if it is a thread of the process */
    }
}

/* State, wait channel and system call of a thread, after the CPU sample. */
static void
inspect_thread(struct hthread *t)
{
    char path[96], line[256];
    struct hang_stat st;
    long nr;

    if (!thread_stat(t, &st)) {
        t->kind = WAIT_GONE;
        return;
    }
    t->state = st.state;
    t->cpu1 = st.utime + st.stime;
    t->cpu1_ok = true;
    snprintf(path, sizeof(path), "/proc/%d/task/%d/wchan", (int)t->proc->pid,
             (int)t->tid);
    read_line(path, t->wchan, sizeof(t->wchan));
    if (strcmp(t->wchan, "0") == 0)
        t->wchan[0] = '\0';
    snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)t->proc->pid,
             (int)t->tid);
    read_line(path, line, sizeof(line));
    t->nr = -2;
    if (strncmp(line, "running", 7) == 0)
        t->nr = -3;
    else if (sscanf(line, "%ld %llx %llx %llx", &nr, &t->arg[0], &t->arg[1],
                    &t->arg[2]) >= 1)
        t->nr = nr;

    if (st.state == 'R') {
        t->kind = WAIT_RUNNING;
        return;
    }
    if (st.state == 'T' || st.state == 't') {
        t->kind = WAIT_STOPPED;
        return;
    }
    if (st.state == 'Z' || st.state == 'X') {
        t->kind = WAIT_GONE;
        return;
    }
    if (t->nr < 0) {
        t->kind = WAIT_UNKNOWN;
        return;
    }
    t->kind =
        syscall_info(t->nr) != NULL ? syscall_info(t->nr)->kind : WAIT_OTHER;
#ifdef SYS_futex
    if (t->nr == SYS_futex)
        classify_futex(t);
#endif
}

static struct hthread *
find_thread(struct diag *d, pid_t tid)
{
    for (size_t i = 0; i < d->nprocs; i++)
        for (size_t j = 0; j < d->procs[i].nthreads; j++)
            if (d->procs[i].threads[j].tid == tid)
                return &d->procs[i].threads[j];
    return NULL;
}

/* Turn owner TIDs into edges of the wait-for graph. */
static void
link_owners(struct diag *d)
{
    for (size_t i = 0; i < d->nprocs; i++) {
        for (size_t j = 0; j < d->procs[i].nthreads; j++) {
            struct hthread *t = &d->procs[i].threads[j];

            if (t->kind == WAIT_LOCK) {
                t->owner = find_thread(d, t->owner_tid);
                /* No such thread: a mutex whose holder ended without
                 * unlocking it, or a futex that only looked like a mutex;
                 * the report says both. */
                if (t->owner == NULL)
                    t->kind = WAIT_FUTEX;
            } else if (t->kind == WAIT_FUTEX && t->owner_tid > 0) {
                struct hthread *o = find_thread(d, t->owner_tid);

                /* Only a thread of the same process can be joined. */
                if (o != NULL && o->proc == t->proc) {
                    t->kind = WAIT_JOIN;
                    t->owner = o;
                } else {
                    t->owner_tid = 0;
                }
            }
        }
    }
}

/* ---- gdb ---- */

static bool
executable(const char *path)
{
    return access(path, X_OK) == 0;
}

static void
find_gdb(struct diag *d, const char *wanted)
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

static const char *
base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash != NULL ? slash + 1 : path;
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
            snprintf(f->file, sizeof(f->file), "%.127s", base_name(file));
            f->line = atoi(colon + 1);
        }
    }
    return true;
}

static bool
student_frame(const struct diag *d, const struct frame *f)
{
    if (f->file[0] == '\0' || d->student_files == NULL)
        return false;
    for (size_t i = 0; d->student_files[i] != NULL; i++)
        if (strcmp(base_name(d->student_files[i]), f->file) == 0)
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

static void
run_gdb(struct diag *d, struct hproc *p)
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
    req.gdb = "";
    p->gdb_ran = true;
    if (run_program(&req, &r) == 0 && r.output != NULL)
        parse_gdb(p, r.output);
    if (!p->gdb_ok)
        gdb_failure(p, &r);
    run_result_free(&r);
}

/* ---- The report ---- */

static bool
several_processes(const struct diag *d)
{
    size_t shown = 0;

    for (size_t i = 0; i < d->nprocs; i++)
        shown += !d->procs[i].skip;
    return shown > 1;
}

/* "thread 2 (TID 1235)", or "thread 2 of process 1234 (TID 1235)" */
static void
add_thread(struct sb *b, const struct diag *d, const struct hthread *t,
           bool with_tid)
{
    if (several_processes(d))
        sb_addf(b, "thread %d of process %d", t->num, (int)t->proc->pid);
    else
        sb_addf(b, "thread %d", t->num);
    if (with_tid)
        sb_addf(b, " (TID %d)", (int)t->tid);
}

static void
add_lock(struct sb *b, const struct hthread *t, bool with_address)
{
    if (t->lock_name[0] != '\0' && with_address)
        sb_addf(b, "%s (0x%llx)", t->lock_name, t->futex);
    else if (t->lock_name[0] != '\0')
        sb_addf(b, "%s", t->lock_name);
    else
        sb_addf(b, "the lock at 0x%llx", t->futex);
}

/* "waits for lock_b held by thread 3 (TID 1236)" */
static void
add_edge(struct sb *b, const struct diag *d, const struct hthread *t,
         bool target_tid, bool with_address)
{
    if (t->kind == WAIT_JOIN) {
        sb_addf(b, "waits for ");
        add_thread(b, d, t->owner, target_tid);
        sb_addf(b, " to end (pthread_join)");
        return;
    }
    sb_addf(b, "waits for ");
    add_lock(b, t, with_address);
    sb_addf(b, " held by ");
    add_thread(b, d, t->owner, target_tid);
}

/* Find the cycles of the wait-for graph (each thread waits for at most one
 * other, so following the edges from each thread finds them all) and say
 * each in words. Returns how many. */
static int
describe_cycles(struct sb *b, struct diag *d)
{
    int iteration = 0, cycles = 0;

    for (size_t i = 0; i < d->nprocs; i++) {
        for (size_t j = 0; j < d->procs[i].nthreads; j++) {
            struct hthread *x = &d->procs[i].threads[j];
            struct hthread *first;

            if (x->mark != 0)
                continue;
            iteration++;
            while (x != NULL && x->mark == 0) {
                x->mark = iteration;
                x = x->owner;
            }
            if (x == NULL || x->mark != iteration)
                continue; /* ends, or joins a path already followed */
            first = x;
            if (cycles++ > 0)
                sb_addf(b, "; and ");
            add_thread(b, d, first, true);
            sb_addf(b, " ");
            for (struct hthread *y = first;;) {
                y->in_cycle = true;
                add_edge(b, d, y, y->owner != first, false);
                y = y->owner;
                if (y == first)
                    break;
                sb_addf(b, ", which ");
            }
        }
    }
    return cycles;
}

/* pthread_mutex_lock, not ___pthread_mutex_lock; pause, not __libc_pause. */
static void
clean_name(const char *func, char *buf, size_t len)
{
    static const struct {
        const char *internal, *public;
    } known[] = {
        {"pthread_clockjoin_ex", "pthread_join"},
        {"pthread_cond_wait_common", "pthread_cond_wait"},
        {"pthread_cond_clockwait_common", "pthread_cond_timedwait"},
        {"lll_lock_wait", "pthread_mutex_lock"},
    };
    const char *s = func;

    while (*s == '_')
        s++;
    if (strncmp(s, "GI_", 3) == 0)
        s += 3;
    while (*s == '_')
        s++;
    if (strncmp(s, "libc_", 5) == 0 && s[5] != '\0')
        s += 5;
    /* A test's link-time wrapper (__wrap_pthread_mutex_lock) stands for
     * the call the student wrote. */
    if (strncmp(s, "wrap_", 5) == 0 && s[5] != '\0')
        s += 5;
    if (*s == '\0')
        s = func;
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(s, known[i].internal) == 0)
            s = known[i].public;
    snprintf(buf, len, "%s", s);
}

/* Where gdb found the thread: the student's frames, and the call they
 * made that blocks; or, outside the student's code, the top frames. */
static void
add_where(struct sb *b, const struct diag *d, const struct hthread *t,
          bool blocked)
{
    size_t first = t->nframes;
    char name[128];
    bool any = false;

    for (size_t i = 0; i < t->nframes && first == t->nframes; i++)
        if (student_frame(d, &t->frames[i]))
            first = i;
    if (first == t->nframes) {
        sb_addf(b, "; %s outside the student's code, in ",
                blocked ? "blocked" : "running");
        for (size_t i = 0; i < t->nframes && i < 3; i++) {
            clean_name(t->frames[i].func, name, sizeof(name));
            sb_addf(b, "%s%s()", i == 0 ? "" : ", called from ", name);
        }
        if (t->nframes == 0)
            sb_addf(b, "an unknown place (no frames)");
        return;
    }
    if (first > 0) {
        clean_name(t->frames[first - 1].func, name, sizeof(name));
        sb_addf(b, "; %s %s, called from ", blocked ? "blocked in" : "in",
                name);
    } else {
        sb_addf(b, "; in ");
    }
    for (size_t i = first; i < t->nframes; i++) {
        const struct frame *f = &t->frames[i];

        if (!student_frame(d, f))
            continue;
        sb_addf(b, "%s%s() at %s:%d", any ? ", from " : "", f->func, f->file,
                f->line);
        any = true;
    }
}

static int
busy_percent(const struct diag *d, const struct hthread *t)
{
    double ticks;

    if (!t->cpu0_ok || !t->cpu1_ok || t->cpu1 < t->cpu0 || d->clk_tck <= 0)
        return 0;
    ticks = (double)(t->cpu1 - t->cpu0);
    return (int)(ticks / (double)d->clk_tck * 1e9 / (double)SAMPLE_NS * 100 +
                 0.5);
}

static void
add_thread_line(struct sb *b, const struct diag *d, const struct hthread *t)
{
    const struct syscall_info *sys = syscall_info(t->nr);
    int busy = busy_percent(d, t);

    sb_addf(b, "  ");
    add_thread(b, d, t, true);
    sb_addf(b, ": ");
    switch (t->kind) {
    case WAIT_RUNNING:
        sb_addf(b, "running");
        break;
    case WAIT_LOCK:
    case WAIT_JOIN:
        add_edge(b, d, t, true, true);
        break;
    case WAIT_FUTEX:
        sb_addf(b, "waits on ");
        if (t->lock_name[0] != '\0')
            sb_addf(b, "%s (0x%llx)", t->lock_name, t->futex);
        else
            sb_addf(b, "the futex at 0x%llx", t->futex);
        if (t->owner_tid > 0)
            sb_addf(b,
                    ": a mutex last held by TID %d, which has ended "
                    "(without unlocking it?), or a condition variable, "
                    "barrier or semaphore",
                    (int)t->owner_tid);
        else
            sb_addf(b, " (a condition variable, a barrier, a semaphore or a "
                       "lock)");
        break;
    case WAIT_CHILD:
        sb_addf(b, "waits for a child process to end");
        break;
    case WAIT_IO:
    case WAIT_SLEEP:
    case WAIT_OTHER:
        if (sys != NULL)
            sb_addf(b, "sleeping in %s", sys->name);
        else
            sb_addf(b, "sleeping in system call %ld", t->nr);
        break;
    case WAIT_STOPPED:
        sb_addf(b, "stopped");
        break;
    case WAIT_GONE:
        sb_addf(b, "ended during the diagnosis");
        return;
    case WAIT_UNKNOWN:
        sb_addf(b, "sleeping (state %c)", t->state != 0 ? t->state : '?');
        break;
    }
    /* State R, or CPU used while sampled: the thread is working, not
     * waiting; the share says how much (a thread that shares its core with
     * others gets less). */
    if (t->kind == WAIT_RUNNING || busy >= 20)
        sb_addf(b,
                ", busy (%d%% of a core): an endless loop, a spin wait, "
                "or work too slow for the time limit",
                busy > 100 ? 100 : busy);
    if (t->proc->gdb_ok && t->in_gdb)
        add_where(b, d, t, t->kind != WAIT_RUNNING && busy < 20);
    else if (t->wchan[0] != '\0' && t->kind != WAIT_RUNNING)
        sb_addf(b, " (kernel wait channel %s)", t->wchan);
    sb_addf(b, "\n");
}

/* Every thread shown sleeps in a futex (or waits for a child) and none
 * used CPU during the sample. */
static bool
all_blocked(const struct diag *d)
{
    size_t futex = 0;

    for (size_t i = 0; i < d->nprocs; i++) {
        if (d->procs[i].skip)
            continue;
        for (size_t j = 0; j < d->procs[i].nthreads; j++) {
            const struct hthread *t = &d->procs[i].threads[j];

            if (t->kind == WAIT_GONE)
                continue;
            if (busy_percent(d, t) >= 5)
                return false;
            if (t->kind == WAIT_LOCK || t->kind == WAIT_JOIN ||
                t->kind == WAIT_FUTEX)
                futex++;
            else if (t->kind != WAIT_CHILD)
                return false;
        }
    }
    return futex > 0;
}

static void
write_report(struct sb *b, struct diag *d, double seconds)
{
    struct sb cycles = {NULL, 0, 0, false};
    int ncycles = describe_cycles(&cycles, d);
    bool gdb_failed = false;

    if (ncycles > 0)
        sb_addf(b, "suspected deadlock: %s.\n",
                cycles.buf != NULL ? cycles.buf : "a wait-for cycle");
    else if (all_blocked(d))
        sb_addf(b,
                "suspected deadlock: after %.1f s every thread is blocked "
                "waiting (for a lock, a condition variable, a barrier or "
                "another thread) and none is running.\n",
                seconds);
    else
        sb_addf(b, "the program was still running after %.1f s (timed out)\n",
                seconds);
    free(cycles.buf);

    for (size_t i = 0; i < d->nprocs; i++) {
        const struct hproc *p = &d->procs[i];

        if (p->skip) {
            sb_addf(b, "process %d (%s) only waits for its child process\n",
                    (int)p->pid, p->comm);
            continue;
        }
        sb_addf(b, "process %d (%s), %zu thread%s:\n", (int)p->pid, p->comm,
                p->nthreads, p->nthreads == 1 ? "" : "s");
        for (size_t j = 0; j < p->nthreads && j < MAX_THREADS; j++)
            add_thread_line(b, d, &p->threads[j]);
        if (p->nthreads > MAX_THREADS)
            sb_addf(b, "  ... and %zu more threads\n",
                    p->nthreads - MAX_THREADS);
        gdb_failed = gdb_failed || (p->gdb_ran && !p->gdb_ok);
    }
    if (d->more_procs > 0)
        sb_addf(b, "... and %zu more processes\n", d->more_procs);
    if (d->gdb_missing[0] != '\0') {
        sb_addf(b,
                "gdb was not available (%s): where each thread waits comes "
                "from the kernel alone (its state, wait channel and the "
                "futex it waits on), without source lines.\n",
                d->gdb_missing);
    } else if (gdb_failed) {
        for (size_t i = 0; i < d->nprocs; i++)
            if (d->procs[i].gdb_ran && !d->procs[i].gdb_ok)
                sb_addf(b,
                        "gdb could not show process %d (%s): where its "
                        "threads wait comes from the kernel alone.\n",
                        (int)d->procs[i].pid, d->procs[i].gdb_error);
    }
}

char *
hang_diagnose(const struct hang_request *req)
{
    struct diag d;
    struct sb b = {NULL, 0, 0, false};
    struct timespec sample = {.tv_sec = 0, .tv_nsec = SAMPLE_NS};
    size_t gdb_runs = 0, shown = 0;

    memset(&d, 0, sizeof(d));
    d.student_files = req->student_files;
    d.clk_tck = sysconf(_SC_CLK_TCK);
    d.procs = calloc(req->npids > 0 ? req->npids : 1, sizeof(*d.procs));
    if (d.procs == NULL)
        return NULL;
    for (size_t i = 0; i < req->npids; i++) {
        struct hproc *p = &d.procs[d.nprocs];
        char path[64];

        if (d.nprocs == MAX_PROCESSES) {
            d.more_procs = req->npids - i;
            break;
        }
        p->pid = req->pids[i];
        p->memfd = -1;
        snprintf(path, sizeof(path), "/proc/%d/comm", (int)p->pid);
        read_line(path, p->comm, sizeof(p->comm));
        if (list_threads(p) != 0) {
            free(p->threads);
            memset(p, 0, sizeof(*p));
            continue; /* it ended meanwhile */
        }
        for (size_t j = 0; j < p->nthreads; j++) {
            struct hang_stat st;

            if (thread_stat(&p->threads[j], &st)) {
                p->threads[j].cpu0 = st.utime + st.stime;
                p->threads[j].cpu0_ok = true;
            }
        }
        d.nprocs++;
    }
    /* EINTR: a signal came; sleep the rest of the sample. */
    while (nanosleep(&sample, &sample) != 0 && errno == EINTR)
        continue;
    for (size_t i = 0; i < d.nprocs; i++)
        for (size_t j = 0; j < d.procs[i].nthreads; j++)
            inspect_thread(&d.procs[i].threads[j]);
    link_owners(&d);

    /* A process all of whose threads wait for children (a test runner's
     * parent, a shell) only waits for the rest of the story. */
    for (size_t i = 0; i < d.nprocs; i++) {
        struct hproc *p = &d.procs[i];
        bool waits = p->nthreads > 0;

        for (size_t j = 0; j < p->nthreads; j++)
            waits = waits && (p->threads[j].kind == WAIT_CHILD ||
                              p->threads[j].kind == WAIT_GONE);
        p->skip = waits;
        shown += !waits;
    }
    if (shown == 0)
        for (size_t i = 0; i < d.nprocs; i++)
            d.procs[i].skip = false;

    /* gdb stops the threads it attaches to: /proc was read first. */
    find_gdb(&d, req->gdb);
    for (size_t i = 0; i < d.nprocs && d.gdb_path[0] != '\0'; i++) {
        if (d.procs[i].skip || d.procs[i].nthreads == 0)
            continue;
        if (gdb_runs++ == MAX_GDB_PROCESSES)
            break;
        run_gdb(&d, &d.procs[i]);
    }

    write_report(&b, &d, req->seconds);
    for (size_t i = 0; i < d.nprocs; i++) {
        for (size_t j = 0; j < d.procs[i].nthreads; j++)
            free(d.procs[i].threads[j].frames);
        free(d.procs[i].threads);
        if (d.procs[i].memfd >= 0 && close(d.procs[i].memfd) != 0) {
            /* Read-only: a failed close loses nothing. */
        }
    }
    free(d.procs);
    if (b.failed) {
        free(b.buf);
        return NULL;
    }
    return b.buf;
}
