/* The grader: running one program of a submission in its own process group
 * under limits, its output read through a pipe and capped to a head and a
 * tail, and every process of it found and killed before run_program returns. */
#define _GNU_SOURCE
#include "run.h"
#include "hang.h"
#include "kit_time.h"
#include "memory_cgroup.h"
#include "pids_cgroup.h"
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CLEAN_PATH "/usr/local/bin:/usr/bin:/bin"
#define NS_PER_S 1000000000LL
#define NS_PER_MS 1000000LL
/* How often the tree is sampled for the process limit. A sample walks all of
 * /proc, so the interval also stretches to keep that under 5% of a core. */
#define SCAN_INTERVAL_NS (50 * NS_PER_MS)
/* Killing a tree ends in milliseconds; only a process stuck in the kernel
 * (disk wait) takes longer, and then the grader gives up rather than hang. */
#define CLEANUP_LIMIT_NS (10 * NS_PER_S)
/* Once every process of the run is dead the pipe ends at once; this bounds
 * the wait when a process the grader could not find still holds it. */
#define DRAIN_LIMIT_NS (2 * NS_PER_S)
/* Bytes read per wake-up, so a flood of output cannot starve the checks of
 * time and processes between two reads. */
#define READ_CHUNK 65536
#define READS_PER_WAKEUP 16
/* A bigger pipe means fewer wake-ups while a program writes a lot. */
#define PIPE_BYTES (1024 * 1024)
/* Groups and sessions remembered per run: enough for any honest program; a
 * program making more is a fork bomb and is killed through its tree. */
#define MAX_IDS 4096

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Close and forget a descriptor, keeping errno for the caller's message. */
static void
close_fd(int *fd)
{
    int saved = errno;

    /* close() of a pipe, a pidfd or /dev/null fails only with EINTR or EIO,
     * and releases the descriptor either way: nothing is left to undo. */
    if (*fd >= 0 && close(*fd) != 0 && errno != EINTR && errno != EIO)
        saved = errno;
    *fd = -1;
    errno = saved;
}

/* ---- Output: the head kept as it comes, the tail in a ring ---- */

struct capture {
    size_t cap;      /* bytes kept in all */
    size_t head_cap; /* the first half */
    size_t tail_cap; /* the last half */
    char *head;
    size_t head_len, head_alloc;
    char *tail;      /* a ring once full; grows as needed until then */
    size_t tail_len; /* bytes in the ring */
    size_t tail_pos; /* where the next byte goes once the ring is full */
    size_t tail_alloc;
    size_t total;
    bool failed; /* out of memory: some output was lost */
};

static void
capture_init(struct capture *c, size_t cap)
{
    memset(c, 0, sizeof(*c));
    c->cap = cap;
    c->head_cap = cap / 2;
    c->tail_cap = cap - c->head_cap;
}

/* Grow *buf to hold `need` bytes, doubling, never past `max`; buffers grow
 * with the output so that a quiet program costs a page, not the cap. */
static int
grow(char **buf, size_t *alloc, size_t need, size_t max)
{
    size_t n = *alloc != 0 ? *alloc : 4096;
    char *p;

    if (need <= *alloc)
        return 0;
    while (n < need)
        n *= 2;
    if (n > max)
        n = max;
    p = realloc(*buf, n);
    if (p == NULL)
        return -1;
    *buf = p;
    *alloc = n;
    return 0;
}

static void
capture_add(struct capture *c, const char *p, size_t n)
{
    c->total += n;
    if (c->head_len < c->head_cap) {
        size_t take =
            n < c->head_cap - c->head_len ? n : c->head_cap - c->head_len;

        if (grow(&c->head, &c->head_alloc, c->head_len + take, c->head_cap) !=
            0) {
            c->failed = true;
            return;
        }
        memcpy(c->head + c->head_len, p, take);
        c->head_len += take;
        p += take;
        n -= take;
    }
    if (n == 0 || c->tail_cap == 0)
        return;
    if (n >= c->tail_cap) { /* only the last tail_cap bytes can survive */
        if (grow(&c->tail, &c->tail_alloc, c->tail_cap, c->tail_cap) != 0) {
            c->failed = true;
            return;
        }
        memcpy(c->tail, p + n - c->tail_cap, c->tail_cap);
        c->tail_len = c->tail_cap;
        c->tail_pos = 0;
        return;
    }
    if (c->tail_len < c->tail_cap) { /* not full yet: append */
        size_t room = c->tail_cap - c->tail_len;
        size_t take = n < room ? n : room;

        if (grow(&c->tail, &c->tail_alloc, c->tail_len + take, c->tail_cap) !=
            0) {
            c->failed = true;
            return;
        }
        memcpy(c->tail + c->tail_len, p, take);
        c->tail_len += take;
        c->tail_pos = c->tail_len % c->tail_cap;
        p += take;
        n -= take;
    }
    while (n > 0) { /* full: overwrite the oldest bytes */
        size_t chunk = c->tail_cap - c->tail_pos;

        if (chunk > n)
            chunk = n;
        memcpy(c->tail + c->tail_pos, p, chunk);
        c->tail_pos = (c->tail_pos + chunk) % c->tail_cap;
        p += chunk;
        n -= chunk;
    }
}

/* The last `keep` bytes of the tail, in order, into `to`. */
static void
capture_copy_tail(const struct capture *c, size_t keep, char *to)
{
    size_t start = c->tail_len == c->tail_cap ? c->tail_pos : 0;
    size_t from = c->tail_len - keep;

    for (size_t i = 0; i < keep;) {
        size_t at = (start + from + i) % c->tail_cap;
        size_t chunk = c->tail_cap - at;

        if (chunk > keep - i)
            chunk = keep - i;
        memcpy(to + i, c->tail + at, chunk);
        i += chunk;
    }
}

/* Head, "[... N bytes cut ...]" when the middle was lost, tail: never more
 * than the cap in all, the marker included. */
static int
capture_finish(struct capture *c, struct run_result *res)
{
    size_t head_keep = c->head_len, tail_keep = c->tail_len, mlen = 0;
    char marker[80] = "";
    char *out;

    res->output_total = c->total;
    if (c->total > c->head_len + c->tail_len) {
        int reserve =
            snprintf(NULL, 0, "\n[... %zu bytes cut ...]\n", c->total);
        size_t budget = c->cap > (size_t)reserve ? c->cap - (size_t)reserve : 0;

        res->output_truncated = true;
        if (budget > 0) {
            head_keep = head_keep < budget / 2 ? head_keep : budget / 2;
            tail_keep =
                tail_keep < budget - head_keep ? tail_keep : budget - head_keep;
            mlen = (size_t)snprintf(marker, sizeof(marker),
                                    "\n[... %zu bytes cut ...]\n",
                                    c->total - head_keep - tail_keep);
        }
    }
    out = malloc(head_keep + mlen + tail_keep + 1);
    if (out == NULL)
        return -1;
    if (head_keep > 0)
        memcpy(out, c->head, head_keep);
    memcpy(out + head_keep, marker, mlen);
    if (tail_keep > 0)
        capture_copy_tail(c, tail_keep, out + head_keep + mlen);
    out[head_keep + mlen + tail_keep] = '\0';
    res->output = out;
    res->output_len = head_keep + mlen + tail_keep;
    return 0;
}

static void
capture_free(struct capture *c)
{
    free(c->head);
    free(c->tail);
    c->head = c->tail = NULL;
}

/* Read what the pipe holds, up to a bound. Returns 1 while it is open, 0 at
 * its end (closing it), -1 on an error (closing it too). */
static int
read_output(int *fd, struct capture *c)
{
    char buf[READ_CHUNK];

    for (int i = 0; i < READS_PER_WAKEUP; i++) {
        ssize_t n = read(*fd, buf, sizeof(buf));

        if (n > 0) {
            capture_add(c, buf, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 1;
        close_fd(fd);
        return n == 0 ? 0 : -1;
    }
    return 1;
}

static const struct sandbox *current_sandbox;

void
run_use_sandbox(const struct sandbox *sandbox)
{
    current_sandbox = sandbox;
}

/* ---- The child: from fork to exec, async-signal-safe calls only ---- */

/* Everything the child needs, prepared before fork so that the child
 * neither allocates nor formats. */
struct child_plan {
    const char *path;
    char *const *argv;
    char **envp;
    const char *cwd;
    struct run_limits limits;
    int out_w, null_fd, err_w; /* all above 2, all close-on-exec */
    pid_t grader;
    bool let_grader_trace;
    const char *cgroup_procs; /* the pids cgroup to join; NULL: none */
    const char *memory_procs; /* the v1 memory cgroup to join; NULL: none */
    const struct sandbox *sandbox; /* NULL: run as the grader's user */
    int pass_fd;                   /* kept open across exec; 0: none */
};

enum child_step {
    STEP_SETPGID,
    STEP_SANDBOX,
    STEP_DEATHSIG,
    STEP_SIGNALS,
    STEP_STDIO,
    STEP_FDS,
    STEP_PTRACER,
    STEP_CHDIR,
    STEP_RLIMIT_CPU,
    STEP_RLIMIT_AS,
    STEP_RLIMIT_FSIZE,
    STEP_RLIMIT_NOFILE,
    STEP_RLIMIT_CORE,
    STEP_EXEC,
    STEP_COUNT
};

static const char *const child_steps[STEP_COUNT] = {
    [STEP_SETPGID] = "setpgid",
    [STEP_SANDBOX] = "entering the sandbox",
    [STEP_DEATHSIG] = "prctl(PR_SET_PDEATHSIG)",
    [STEP_SIGNALS] = "resetting signals",
    [STEP_STDIO] = "dup2",
    [STEP_FDS] = "closing descriptors",
    [STEP_PTRACER] = "prctl(PR_SET_PTRACER)",
    [STEP_CHDIR] = "chdir",
    [STEP_RLIMIT_CPU] = "setrlimit(RLIMIT_CPU)",
    [STEP_RLIMIT_AS] = "setrlimit(RLIMIT_AS)",
    [STEP_RLIMIT_FSIZE] = "setrlimit(RLIMIT_FSIZE)",
    [STEP_RLIMIT_NOFILE] = "setrlimit(RLIMIT_NOFILE)",
    [STEP_RLIMIT_CORE] = "setrlimit(RLIMIT_CORE)",
    [STEP_EXEC] = "execve",
};

/* Tell the parent which step failed and why, through the close-on-exec
 * pipe that exec would have closed, and end. */
static _Noreturn void
child_fail(int err_w, enum child_step step)
{
    int msg[2] = {(int)step, errno};

    /* If even this write fails the parent sees the pipe end without a
     * message, then exit status 127: the run still reads as failed. */
    if (write(err_w, msg, sizeof(msg)) != (ssize_t)sizeof(msg))
        _exit(127);
    _exit(127);
}

/* Lower a limit to soft/hard; a hard limit already lower stays (raising it
 * would need privileges), and the soft one then follows it. */
static int
limit_to(int resource, rlim_t soft, rlim_t hard)
{
    struct rlimit now, want;

    if (getrlimit(resource, &now) != 0)
        return -1;
    if (now.rlim_max != RLIM_INFINITY && hard > now.rlim_max)
        hard = now.rlim_max;
    if (soft > hard)
        soft = hard;
    want.rlim_cur = soft;
    want.rlim_max = hard;
    return setrlimit(resource, &want);
}

/* Mark every descriptor from 3 up close-on-exec; the exec that follows then
 * closes them, while the error pipe stays open until that very moment. */
static int
cloexec_from_3(void)
{
    struct rlimit nofile;

#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
        return 0;
    if (errno != ENOSYS && errno != EINVAL)
        return -1;
#endif
    /* Kernels before 5.11: one call per possible descriptor. */
    if (getrlimit(RLIMIT_NOFILE, &nofile) != 0)
        return -1;
    for (rlim_t fd = 3; fd < nofile.rlim_cur && fd < 1048576; fd++) {
        int flags = fcntl((int)fd, F_GETFD);

        if (flags >= 0 && fcntl((int)fd, F_SETFD, flags | FD_CLOEXEC) != 0)
            return -1;
    }
    return 0;
}

static _Noreturn void
child_start(const struct child_plan *p)
{
    struct sigaction dfl;
    sigset_t none;
    const struct run_limits *l = &p->limits;

    /* Its own group: one kill(-pgid) then reaches every process that does
     * not leave it. */
    if (setpgid(0, 0) != 0)
        child_fail(p->err_w, STEP_SETPGID);
    /* Into the pids cgroup before anything of the student's runs, so that
     * its every fork is counted. Failing that, /proc polling still holds. */
    if (p->cgroup_procs != NULL)
        (void)pids_cgroup_join(p->cgroup_procs);
    if (p->memory_procs != NULL)
        (void)pids_cgroup_join(p->memory_procs);
    /* Namespaces and the user switch need the grader's privileges, so they
     * come before anything else of the child's drops them; and before
     * PR_SET_PDEATHSIG, which a change of user clears. */
    if (p->sandbox != NULL) {
        const char *step;
        if (sandbox_enter(p->sandbox, &step) != 0)
            child_fail(p->err_w, STEP_SANDBOX);
    }
    /* Should the grader die, the run dies with it instead of running on. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
        child_fail(p->err_w, STEP_DEATHSIG);
    if (getppid() != p->grader)
        _exit(127); /* the grader died before the line above */
    /* Ignored signals and the blocked mask survive exec; handlers do not. A
     * program must start as if from a shell, whatever the grader set. */
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    if (sigemptyset(&dfl.sa_mask) != 0 || sigemptyset(&none) != 0)
        child_fail(p->err_w, STEP_SIGNALS);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP)
            continue;
        /* EINVAL: a signal number glibc keeps for itself. */
        if (sigaction(sig, &dfl, NULL) != 0 && errno != EINVAL)
            child_fail(p->err_w, STEP_SIGNALS);
    }
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0)
        child_fail(p->err_w, STEP_SIGNALS);
    if (dup2(p->null_fd, STDIN_FILENO) < 0 ||
        dup2(p->out_w, STDOUT_FILENO) < 0 || dup2(p->out_w, STDERR_FILENO) < 0)
        child_fail(p->err_w, STEP_STDIO);
    if (cloexec_from_3() != 0)
        child_fail(p->err_w, STEP_FDS);
    if (p->pass_fd > 2 && fcntl(p->pass_fd, F_SETFD, 0) != 0)
        child_fail(p->err_w, STEP_FDS);
    /* Under Yama's ptrace_scope 1 only an ancestor may attach; this lets gdb,
     * started by the grader for the hang diagnosis, attach too. EINVAL: no
     * Yama, and nothing to allow. */
    if (p->let_grader_trace && prctl(PR_SET_PTRACER, p->grader, 0, 0, 0) != 0 &&
        errno != EINVAL)
        child_fail(p->err_w, STEP_PTRACER);
    if (p->cwd != NULL && chdir(p->cwd) != 0)
        child_fail(p->err_w, STEP_CHDIR);
    /* The hard limit one second above the soft one: SIGXCPU comes first and
     * says why, SIGKILL only if the program ignores it. */
    if (l->cpu_seconds > 0 && limit_to(RLIMIT_CPU, (rlim_t)l->cpu_seconds,
                                       (rlim_t)l->cpu_seconds + 1) != 0)
        child_fail(p->err_w, STEP_RLIMIT_CPU);
    if (l->memory_mb > 0 && limit_to(RLIMIT_AS, (rlim_t)l->memory_mb << 20,
                                     (rlim_t)l->memory_mb << 20) != 0)
        child_fail(p->err_w, STEP_RLIMIT_AS);
    if (l->file_size_mb > 0 &&
        limit_to(RLIMIT_FSIZE, (rlim_t)l->file_size_mb << 20,
                 (rlim_t)l->file_size_mb << 20) != 0)
        child_fail(p->err_w, STEP_RLIMIT_FSIZE);
    if (l->open_files > 0 && limit_to(RLIMIT_NOFILE, (rlim_t)l->open_files,
                                      (rlim_t)l->open_files) != 0)
        child_fail(p->err_w, STEP_RLIMIT_NOFILE);
    /* A core of a crashing submission would only fill the work folder. */
    if (limit_to(RLIMIT_CORE, 0, 0) != 0)
        child_fail(p->err_w, STEP_RLIMIT_CORE);
    execve(p->path, p->argv, p->envp);
    child_fail(p->err_w, STEP_EXEC);
}

/* ---- Preparing: the environment, the program's path, descriptors ---- */

struct environment {
    char *owned[4];
    char **envp;
};

static bool
env_names(char *const *env, const char *name)
{
    size_t len = strlen(name);

    for (size_t i = 0; env != NULL && env[i] != NULL; i++)
        if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
            return true;
    return false;
}

static int
environment_build(struct environment *e, const char *home, char *const *extra)
{
    const char *names[4] = {"PATH", "HOME", "LANG", "TMPDIR"};
    const char *values[4] = {CLEAN_PATH, home, "C.UTF-8", home};
    size_t nextra = 0, n = 0;

    while (extra != NULL && extra[nextra] != NULL)
        nextra++;
    e->envp = calloc(4 + nextra + 1, sizeof(char *));
    if (e->envp == NULL)
        return -1;
    for (int i = 0; i < 4; i++) {
        if (env_names(extra, names[i]))
            continue;
        if (asprintf(&e->owned[i], "%s=%s", names[i], values[i]) < 0) {
            e->owned[i] = NULL;
            return -1;
        }
        e->envp[n++] = e->owned[i];
    }
    for (size_t i = 0; i < nextra; i++)
        e->envp[n++] = extra[i];
    e->envp[n] = NULL;
    return 0;
}

static void
environment_free(struct environment *e)
{
    for (int i = 0; i < 4; i++)
        free(e->owned[i]);
    free(e->envp);
}

/* A bare name is looked up in the clean PATH, as a shell would; with a '/'
 * it is used as given (relative to the run's folder, where exec happens). */
static char *
program_path(const char *name)
{
    char *path = NULL;
    const char *dir = CLEAN_PATH;

    if (strchr(name, '/') != NULL)
        return strdup(name);
    while (*dir != '\0') {
        size_t len = strcspn(dir, ":");

        if (asprintf(&path, "%.*s/%s", (int)len, dir, name) < 0)
            return NULL;
        if (access(path, X_OK) == 0)
            return path;
        free(path);
        path = NULL;
        dir += len + (dir[len] == ':');
    }
    return strdup(name); /* execve then says ENOENT */
}

/* The child's descriptors are dup2'ed onto 0, 1 and 2; any of ours already
 * there (a grader started with one of them closed) would be overwritten. */
static int
above_stdio(int *fd)
{
    int moved;

    if (*fd > STDERR_FILENO)
        return 0;
    moved = fcntl(*fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    if (moved < 0)
        return -1;
    close_fd(fd);
    *fd = moved;
    return 0;
}

/* The output pipe, the error pipe and /dev/null for stdin, all
 * close-on-exec and above 2. Returns 0, or -1 with errno and the call that
 * failed in *failed. */
static int
open_descriptors(int out[2], int err[2], int *null_fd, const char **failed)
{
    *failed = "pipe";
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
        return -1;
    *failed = "open /dev/null";
    *null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (*null_fd < 0)
        return -1;
    *failed = "fcntl(F_DUPFD_CLOEXEC)";
    if (above_stdio(&out[0]) != 0 || above_stdio(&out[1]) != 0 ||
        above_stdio(&err[0]) != 0 || above_stdio(&err[1]) != 0 ||
        above_stdio(null_fd) != 0)
        return -1;
    /* EPERM: above the unprivileged maximum; the default size still works. */
    *failed = "fcntl(F_SETPIPE_SZ)";
    if (fcntl(out[0], F_SETPIPE_SZ, PIPE_BYTES) < 0 && errno != EPERM &&
        errno != EBUSY)
        return -1;
    return 0;
}

/* Whether the child failed before or at exec, and then the step and errno
 * in msg. The error pipe ends at exec (close-on-exec), or brings the reason;
 * waiting for it also means that the child's setpgid has happened before
 * any kill(-pid). Closes the pipe. */
static bool
exec_failed(int *err_r, int msg[2])
{
    size_t got = 0;

    while (got < 2 * sizeof(int)) {
        ssize_t n = read(*err_r, (char *)msg + got, 2 * sizeof(int) - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close_fd(err_r);
    return got == 2 * sizeof(int);
}

/* ---- The tree: which processes of /proc belong to the run ---- */

struct run_state {
    pid_t self, root;
    unsigned long long root_start; /* clock ticks after boot */
    bool root_reaped;
    /* Groups and sessions created by processes of the run (their leaders
     * are of the run): whoever is in them is of the run too, even after
     * being reparented to init. */
    pid_t groups[MAX_IDS];
    size_t ngroups;
    pid_t sessions[MAX_IDS];
    size_t nsessions;
    struct hang_stat *procs; /* all of /proc, sorted by pid */
    size_t nprocs, cap_procs;
    unsigned char *member; /* per entry of procs */
    size_t cap_member;
    const struct pids_cgroup *cgroup; /* the run's, if one could be made */
};

static int
by_pid(const void *a, const void *b)
{
    pid_t x = ((const struct hang_stat *)a)->pid;
    pid_t y = ((const struct hang_stat *)b)->pid;

    return (x > y) - (x < y);
}

static int
proc_scan(struct run_state *st)
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
            struct hang_stat *p = realloc(st->procs, n * sizeof(*p));

            if (p == NULL) {
                closedir(dir);
                return -1;
            }
            st->procs = p;
            st->cap_procs = n;
        }
        snprintf(path, sizeof(path), "%s/stat", e->d_name);
        /* A process that ended since readdir simply is not listed. */
        if (hang_read_stat(dirfd(dir), path, &st->procs[st->nprocs]) == 0)
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
proc_index(const struct run_state *st, pid_t pid)
{
    struct hang_stat key = {.pid = pid};
    const struct hang_stat *p =
        bsearch(&key, st->procs, st->nprocs, sizeof(key), by_pid);

    return p != NULL ? p - st->procs : -1;
}

static bool
is_dead(const struct hang_stat *p)
{
    return p->state == 'Z' || p->state == 'X' || p->state == 'x';
}

/* Mark the processes of the last scan that belong to the run: the main one,
 * its descendants, the members of its group and of the groups and sessions
 * its processes made, and the grader's children that started after it
 * (orphans of the run, reparented here because the grader is a subreaper).
 * Returns how many of them are alive, or -1 when out of memory. */
static long
mark_members(struct run_state *st)
{
    bool changed = true;
    long alive = 0;

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
            const struct hang_stat *p = &st->procs[i];
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
            if (!is_dead(p))
                alive++;
            /* Only a group or session a process of the run leads: a process
             * may join a foreign group of its session, and that group must
             * not be killed. */
            if (p->pgrp == p->pid && p->pid != st->root &&
                st->ngroups < MAX_IDS &&
                !id_in(st->groups, st->ngroups, p->pid))
                st->groups[st->ngroups++] = p->pid;
            if (p->sid == p->pid && st->nsessions < MAX_IDS &&
                !id_in(st->sessions, st->nsessions, p->pid))
                st->sessions[st->nsessions++] = p->pid;
        }
    }
    return alive;
}

static void
add_rusage(double *cpu, const struct rusage *ru)
{
    *cpu += (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
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

/* Kill every process of the run and reap those that are the grader's, the
 * main one last seen by its status. `counting`: the main one ended by
 * itself, and the others still alive (or left as zombies) are counted.
 * Returns 0 when none is left, -1 (with errno) when some could not be found
 * dead in time or /proc could not be read. */
static int
kill_tree(struct run_state *st, bool counting, int *status,
          struct run_result *res)
{
    int64_t give_up = kit_now_ns() + CLEANUP_LIMIT_NS;
    pid_t *counted = NULL;
    size_t ncounted = 0, cap_counted = 0;
    long long nap = 200 * 1000; /* 0.2 ms, doubling up to 20 ms */
    int rc = 0;

    for (;;) {
        size_t pending = 0;
        bool root_group = !st->root_reaped;

        if (proc_scan(st) != 0 || mark_members(st) < 0) {
            rc = -1;
            break;
        }
        for (size_t i = 0; i < st->nprocs; i++) {
            const struct hang_stat *p = &st->procs[i];

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
                    add_rusage(&res->cpu_seconds, &ru);
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
                add_rusage(&res->cpu_seconds, &ru);
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

/* Kill the processes that still hold the run's output pipe (inode `ino`):
 * they can only be of the run, and without a subreaper one that escaped
 * before the first sample is found no other way. Returns how many. */
static int
kill_pipe_holders(pid_t self, unsigned long ino)
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

/* The live processes of the tree, the main one first, for the diagnosis. */
static pid_t *
live_members(struct run_state *st, size_t *n)
{
    pid_t *pids;

    *n = 0;
    if (proc_scan(st) != 0 || mark_members(st) < 0)
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

/* ---- Running ---- */

int
run_become_subreaper(void)
{
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : -1;
}

static bool
is_subreaper(void)
{
    int flag = 0;

    return prctl(PR_GET_CHILD_SUBREAPER, &flag, 0, 0, 0) == 0 && flag != 0;
}

/* The grader itself failed: say so in the output. */
static int
grader_failed(struct run_result *res, const char *what, int err)
{
    free(res->output);
    res->output = NULL;
    res->end = RUN_NOT_STARTED;
    if (asprintf(&res->output, "the grader could not run the program: %s: %s",
                 what, strerror(err)) < 0)
        res->output = NULL;
    res->output_len = res->output != NULL ? strlen(res->output) : 0;
    return -1;
}

static void
not_started(struct run_result *res, const char *program, const char *what,
            int err)
{
    res->end = RUN_NOT_STARTED;
    if (asprintf(&res->output, "%s: %s: %s", program, what, strerror(err)) < 0)
        res->output = NULL;
    res->output_len = res->output != NULL ? strlen(res->output) : 0;
}

/* Wait for a child that is known to be ending. */
static int
reap(pid_t pid, int *status, double *cpu)
{
    struct rusage ru;

    for (;;) {
        pid_t got = wait4(pid, status, 0, &ru);

        if (got == pid) {
            add_rusage(cpu, &ru);
            return 0;
        }
        if (got < 0 && errno != EINTR)
            return -1;
    }
}

enum how_ended { ENDED_BY_ITSELF, ENDED_TIMEOUT, ENDED_TOO_MANY };

/* One run being watched. */
struct watch {
    pid_t pid;
    int *out;  /* the output pipe; -1 once it has ended */
    int pidfd; /* readable when the main process ends; -1 without */
    struct capture *cap;
    int64_t start_ns, end_ns;
    enum how_ended how;
};

/* Read the output until the main process ends (left a zombie, for
 * kill_tree), the wall time is up, or the tree grows past the process limit.
 * Returns 0, or -1 with errno and the call that failed in *failed. */
static int
watch_run(struct run_state *st, const struct run_limits *limits,
          struct watch *w, struct run_result *res, const char **failed)
{
    /* Without a subreaper the grader loses sight of orphans; sampling the
     * tree then at least remembers the sessions they escape into. */
    bool scanning = limits->processes > 0 || !is_subreaper();
    int64_t deadline = 0, next_scan = w->start_ns;

    if (limits->wall_seconds > 0)
        deadline = w->start_ns + (int64_t)(limits->wall_seconds * 1e9);
    w->how = ENDED_BY_ITSELF;
    for (;;) {
        siginfo_t si;
        struct pollfd fds[2];
        nfds_t nfds = 0;
        int64_t now, wait_ns = INT64_MAX;
        int timeout_ms;

        memset(&si, 0, sizeof(si));
        /* WNOWAIT leaves it a zombie: its number, and so its group, cannot
         * be reused while the rest of the tree is being killed. ECHILD:
         * something else in the grader reaped it. */
        if (waitid(P_PID, (id_t)w->pid, &si, WEXITED | WNOHANG | WNOWAIT) !=
            0) {
            if (errno == EINTR)
                continue;
            *failed = "waitid";
            return -1;
        }
        now = kit_now_ns();
        w->end_ns = now;
        if (si.si_pid == w->pid)
            return 0;
        if (deadline != 0 && now >= deadline) {
            w->how = ENDED_TIMEOUT;
            return 0;
        }
        if (scanning && now >= next_scan) {
            long alive;
            int64_t took;

            if (proc_scan(st) != 0 || (alive = mark_members(st)) < 0) {
                if (errno == 0)
                    errno = ENOMEM;
                *failed = "reading /proc";
                return -1;
            }
            if (limits->processes > 0 && alive > res->processes_peak)
                res->processes_peak = alive;
            if (limits->processes > 0 && (alive > limits->processes ||
                                          pids_cgroup_hit_limit(st->cgroup))) {
                w->end_ns = kit_now_ns();
                w->how = ENDED_TOO_MANY;
                return 0;
            }
            took = kit_now_ns() - now;
            next_scan = now + (20 * took > SCAN_INTERVAL_NS ? 20 * took
                                                            : SCAN_INTERVAL_NS);
        }
        if (deadline != 0 && deadline - now < wait_ns)
            wait_ns = deadline - now;
        if (scanning && next_scan - now < wait_ns)
            wait_ns = next_scan - now;
        if (w->pidfd < 0 && wait_ns > SCAN_INTERVAL_NS)
            wait_ns = SCAN_INTERVAL_NS; /* no pidfd: look for the end */
        if (wait_ns > 3600 * NS_PER_S)
            wait_ns = 3600 * NS_PER_S; /* poll takes an int of ms */
        timeout_ms = wait_ns == INT64_MAX
                         ? -1
                         : (int)((wait_ns + NS_PER_MS - 1) / NS_PER_MS);
        if (*w->out >= 0)
            fds[nfds++] = (struct pollfd){.fd = *w->out, .events = POLLIN};
        if (w->pidfd >= 0)
            fds[nfds++] = (struct pollfd){.fd = w->pidfd, .events = POLLIN};
        if (poll(fds, nfds, timeout_ms) < 0 && errno != EINTR) {
            *failed = "poll";
            return -1;
        }
        if (*w->out >= 0 && fds[0].revents != 0)
            read_output(w->out, w->cap);
    }
}

/* Read the rest of the output once every process of the run is dead: the
 * pipe then ends at once. If it does not, someone not found in the tree
 * still holds it, and is killed (and counted in *leftovers, if given). */
static void
drain_output(int *fd, struct capture *cap, pid_t self, int *leftovers)
{
    int64_t now = kit_now_ns(), until = now + DRAIN_LIMIT_NS;
    int64_t look = now + 100 * NS_PER_MS;
    struct stat pipe_st;
    bool looked = *fd < 0 || fstat(*fd, &pipe_st) != 0;

    while (*fd >= 0 && (now = kit_now_ns()) < until) {
        struct pollfd pfd = {.fd = *fd, .events = POLLIN};
        int64_t left = (looked ? until : look) - now;

        if (!looked && left <= 0) {
            int n = kill_pipe_holders(self, (unsigned long)pipe_st.st_ino);

            looked = true;
            if (leftovers != NULL)
                *leftovers += n;
            continue;
        }
        if (poll(&pfd, 1, (int)(left / NS_PER_MS) + 1) < 0 && errno != EINTR)
            return;
        read_output(fd, cap);
    }
}

int
run_program(const struct run_request *req, struct run_result *res)
{
    struct run_state *st = NULL;
    struct capture cap;
    struct environment env = {{NULL}, NULL};
    struct child_plan plan;
    struct sigaction old_chld;
    bool chld_changed = false;
    char *path = NULL, *home = NULL;
    int out[2] = {-1, -1}, err[2] = {-1, -1}, null_fd = -1, pidfd = -1;
    int status = 0, rc = 0, msg[2];
    int64_t start_ns;
    struct watch w;
    struct pids_cgroup cg = {"", ""};
    struct memory_cgroup mcg = {"", "", false};
    const char *failed = NULL;
    pid_t pid;

    memset(res, 0, sizeof(*res));
    res->limits = req->limits;
    capture_init(&cap, req->limits.output_bytes != 0
                           ? req->limits.output_bytes
                           : RUN_DEFAULT_OUTPUT_BYTES);
    if (req->argv == NULL || req->argv[0] == NULL)
        return grader_failed(res, "no program given", EINVAL);

    /* A child's exit must wait for us: ignoring SIGCHLD would have the
     * kernel reap it, and its status and CPU time with it. */
    if (sigaction(SIGCHLD, NULL, &old_chld) != 0)
        return grader_failed(res, "sigaction(SIGCHLD)", errno);
    if (old_chld.sa_handler == SIG_IGN || (old_chld.sa_flags & SA_NOCLDWAIT)) {
        struct sigaction dfl;

        memset(&dfl, 0, sizeof(dfl));
        dfl.sa_handler = SIG_DFL;
        if (sigemptyset(&dfl.sa_mask) != 0 ||
            sigaction(SIGCHLD, &dfl, NULL) != 0)
            return grader_failed(res, "sigaction(SIGCHLD)", errno);
        chld_changed = true;
    }

    st = calloc(1, sizeof(*st));
    home = realpath(req->cwd != NULL ? req->cwd : ".", NULL);
    /* A folder that cannot be resolved: chdir will say what is wrong with
     * it; and a grader whose own folder was removed gives HOME=/. */
    if (home == NULL)
        home = strdup(req->cwd != NULL ? req->cwd : "/");
    path = program_path(req->argv[0]);
    if (st == NULL || home == NULL || path == NULL ||
        environment_build(&env, home, req->env) != 0) {
        rc = grader_failed(res, "preparing the run", ENOMEM);
        goto out;
    }
    if (open_descriptors(out, err, &null_fd, &failed) != 0) {
        rc = grader_failed(res, failed, errno);
        goto out;
    }

    plan = (struct child_plan){
        .path = path,
        .argv = req->argv,
        .envp = env.envp,
        .cwd = req->cwd,
        .limits = req->limits,
        .out_w = out[1],
        .null_fd = null_fd,
        .err_w = err[1],
        .grader = getpid(),
        .let_grader_trace = req->diagnose_hang,
        .sandbox = req->sandboxed ? current_sandbox : NULL,
        .pass_fd = req->pass_fd,
    };
    /* The passed descriptor is reopened by name (/dev/fd/N) as often as
     * not, which checks its owner: the sandbox's user must own it. */
    if (plan.sandbox != NULL && plan.sandbox->as_root && req->pass_fd > 2 &&
        fchown(req->pass_fd, plan.sandbox->uid, plan.sandbox->gid) != 0) {
        rc = grader_failed(res, "fchown of the passed descriptor", errno);
        goto out;
    }
    if (req->limits.processes > 0 &&
        pids_cgroup_create(&cg, req->limits.processes) == 0)
        plan.cgroup_procs = cg.procs;
    if (req->limits.tree_memory_mb > 0 &&
        memory_cgroup_create(&mcg, req->limits.tree_memory_mb, &cg) == 0 &&
        mcg.procs[0] != '\0')
        plan.memory_procs = mcg.procs;
    st->cgroup = &cg;
    st->self = plan.grader;
    start_ns = kit_now_ns();
    pid = fork();
    if (pid < 0) {
        not_started(res, req->argv[0], "fork", errno);
        goto out;
    }
    if (pid == 0)
        child_start(&plan);

    close_fd(&out[1]);
    close_fd(&err[1]);
    close_fd(&null_fd);
    if (exec_failed(&err[0], msg)) {
        double cpu = 0;

        if (reap(pid, &status, &cpu) != 0) {
            rc = grader_failed(res, "waitpid", errno);
            goto out;
        }
        not_started(res, req->argv[0],
                    msg[0] >= 0 && msg[0] < STEP_COUNT ? child_steps[msg[0]]
                                                       : "starting",
                    msg[1]);
        goto out;
    }

    res->pid = pid;
    st->root = pid;
    {
        struct hang_stat root;
        char root_stat[64];

        snprintf(root_stat, sizeof(root_stat), "/proc/%d/stat", (int)pid);
        /* Unreadable only if it already died; then any later child of the
         * grader counts as the run's, which errs on the safe side. */
        st->root_start =
            hang_read_stat(AT_FDCWD, root_stat, &root) == 0 ? root.start : 0;
    }
#ifdef SYS_pidfd_open
    /* A pidfd (close-on-exec) becomes readable when the child ends, so the
     * end is seen at once; without one (-1, ENOSYS before Linux 5.3) the
     * loop below looks every 50 ms instead. */
    pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
    {
        int flags = fcntl(out[0], F_GETFL);

        if (flags < 0 || fcntl(out[0], F_SETFL, flags | O_NONBLOCK) != 0) {
            int e = errno;

            kill_tree(st, false, &status, res);
            rc = grader_failed(res, "fcntl(O_NONBLOCK)", e);
            goto out;
        }
    }
    w = (struct watch){.pid = pid,
                       .out = &out[0],
                       .pidfd = pidfd,
                       .cap = &cap,
                       .start_ns = start_ns};

    if (watch_run(st, &req->limits, &w, res, &failed) != 0) {
        int e = errno;

        kill_tree(st, false, &status, res);
        rc = grader_failed(res, failed, e);
        goto out;
    }

    if (w.how == ENDED_TIMEOUT && req->diagnose_hang) {
        size_t n = 0;
        pid_t *pids = live_members(st, &n);

        if (pids != NULL) {
            struct hang_request hr = {
                .pids = pids,
                .npids = n,
                .seconds = (double)(w.end_ns - w.start_ns) / 1e9,
                .student_files = req->student_files,
                .gdb = req->gdb,
            };

            res->hang_report = hang_diagnose(&hr);
            free(pids);
        }
    }
    if (kill_tree(st, w.how == ENDED_BY_ITSELF, &status, res) != 0) {
        /* Reported in the output: a grade must not hide a process that
         * survived, but the result itself is still good. */
        char note[160];

        snprintf(note, sizeof(note),
                 "\n[grader: some processes of the run could not be killed: "
                 "%s]\n",
                 strerror(errno));
        capture_add(&cap, note, strlen(note));
    }
    res->memory_limit_hit = memory_cgroup_hit_limit(&mcg);
    /* Anything the tree walk missed is still in the cgroup. */
    {
        int missed = pids_cgroup_destroy(&cg);
        if (w.how == ENDED_BY_ITSELF)
            res->leftovers_killed += missed;
    }
    drain_output(&out[0], &cap, st->self,
                 w.how == ENDED_BY_ITSELF ? &res->leftovers_killed : NULL);

    res->wall_seconds = (double)(w.end_ns - w.start_ns) / 1e9;
    switch (w.how) {
    case ENDED_TIMEOUT:
        res->end = RUN_TIMED_OUT;
        break;
    case ENDED_TOO_MANY:
        res->end = RUN_TOO_MANY_PROCESSES;
        break;
    case ENDED_BY_ITSELF:
        if (WIFSIGNALED(status)) {
            res->end = RUN_SIGNALED;
            res->signal = WTERMSIG(status);
        } else {
            res->end = RUN_EXITED;
            res->exit_code = WEXITSTATUS(status);
        }
        break;
    }
    if (cap.failed) {
        const char *note = "\n[grader: out of memory, some output lost]\n";

        cap.failed = false;
        capture_add(&cap, note, strlen(note));
    }
    if (capture_finish(&cap, res) != 0)
        rc = grader_failed(res, "keeping the output", ENOMEM);

out:
    pids_cgroup_destroy(&cg);
    memory_cgroup_destroy(&mcg);
    if (res->output == NULL) {
        res->output = strdup("");
        res->output_len = 0;
    }
    close_fd(&out[0]);
    close_fd(&out[1]);
    close_fd(&err[0]);
    close_fd(&err[1]);
    close_fd(&null_fd);
    close_fd(&pidfd);
    capture_free(&cap);
    environment_free(&env);
    free(path);
    free(home);
    if (st != NULL) {
        free(st->procs);
        free(st->member);
        free(st);
    }
    if (chld_changed && sigaction(SIGCHLD, &old_chld, NULL) != 0)
        rc = grader_failed(res, "restoring SIGCHLD", errno);
    return rc;
}

void
run_describe(const struct run_result *r, char *buf, size_t len)
{
    if (len == 0)
        return;
    switch (r->end) {
    case RUN_EXITED:
        snprintf(buf, len, "exited with status %d", r->exit_code);
        break;
    case RUN_SIGNALED:
        if (r->signal == SIGXCPU)
            snprintf(buf, len, "ran out of CPU time (SIGXCPU)");
        else if (r->signal == SIGKILL && r->memory_limit_hit)
            snprintf(buf, len,
                     "was killed for going past its memory limit (%ld MB "
                     "for all its processes)",
                     r->limits.tree_memory_mb);
        else
            snprintf(buf, len, "killed by signal %d (%s)", r->signal,
                     strsignal(r->signal));
        break;
    case RUN_TIMED_OUT:
        snprintf(buf, len, "timed out after %.1f s",
                 r->limits.wall_seconds > 0 ? r->limits.wall_seconds
                                            : r->wall_seconds);
        break;
    case RUN_TOO_MANY_PROCESSES:
        snprintf(buf, len, "tried to run more than %ld processes at once",
                 r->limits.processes);
        break;
    case RUN_NOT_STARTED: {
        const char *why = r->output != NULL ? r->output : "";

        snprintf(buf, len, "could not start: %.*s", (int)strcspn(why, "\n"),
                 why);
        break;
    }
    }
}

void
run_result_free(struct run_result *r)
{
    free(r->output);
    free(r->hang_report);
    r->output = NULL;
    r->hang_report = NULL;
    r->output_len = 0;
}
