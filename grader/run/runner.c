/* SPDX-License-Identifier: MIT */
/* The grader's runner: run_program() (see runner.h): prepare the child's
 * environment and descriptors, fork, watch the run to its end, kill its
 * tree, keep its output. */
#define _GNU_SOURCE
#include "run/runner.h"
#include "kit_time.h"
#include "run/capture.h"
#include "run/child.h"
#include "run/memory_cgroup.h"
#include "run/pids_cgroup.h"
#include "run/procstat.h"
#include "run/sandbox.h"
#include "run/tree.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CLEAN_PATH "/usr/local/bin:/usr/bin:/bin"
#define NS_PER_S 1000000000LL
#define NS_PER_MS 1000000LL
/* How often, after its first second, a run is asked whether it is stuck
 * for good (the hang hook's `stuck`). */
#define STUCK_INTERVAL_NS (1000 * NS_PER_MS)
/* How often the tree is sampled for the process limit. A sample walks all of
 * /proc, so the interval also stretches to keep that under 5% of a core. */
#define SCAN_INTERVAL_NS (50 * NS_PER_MS)
/* Of a cap of N tasks, the share of the sandbox's user that may be outside
 * the tree when a run meets its RLIMIT_NPROC cap (see watch_run): N / 16,
 * 64 of the suites' 1024, which no test comes near. */
#define NPROC_SLACK_SHARE 16
/* Once every process of the run is dead the pipe ends at once; this bounds
 * the wait when a process the grader could not find still holds it. */
#define DRAIN_LIMIT_NS (2 * NS_PER_S)
/* Bytes read per wake-up, so a flood of output cannot starve the checks of
 * time and processes between two reads. */
#define READ_CHUNK 65536
#define READS_PER_WAKEUP 16
/* A bigger pipe means fewer wake-ups while a program writes a lot. */
#define PIPE_BYTES (1024 * 1024)

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
            *cpu += rusage_seconds(&ru);
            return 0;
        }
        if (got < 0 && errno != EINTR)
            return -1;
    }
}

enum how_ended {
    ENDED_BY_ITSELF,
    ENDED_TIMEOUT,
    ENDED_DEADLOCK,
    ENDED_ASLEEP,
    ENDED_TOO_MANY,
    ENDED_OUT_OF_MEMORY,
    ENDED_STOP_LINE
};

/* One run being watched. */
struct watch {
    pid_t pid;
    int *out;  /* the output pipe; -1 once it has ended */
    int pidfd; /* readable when the main process ends; -1 without */
    struct capture *cap;
    const struct pids_cgroup *cgroup;   /* the run's, if one could be made */
    const struct memory_cgroup *memory; /* the same */
    bool nproc_capped; /* no pids cgroup: RLIMIT_NPROC caps the run */
    bool rss_over;     /* no memory cgroup: the tree's RSS went past it */
    int64_t start_ns, end_ns;
    enum how_ended how;
};

/* The grader's niceness at its start, for the programs it runs. */
static bool nice_saved;
static int nice_at_start;

/* How far above its programs the grader puts itself where it may not take
 * a real-time priority: as a thousand programs' weight, at the same
 * niceness, is 1024 times its own, ten steps (a factor of about ten each)
 * keep it answering, if slowly. */
#define GRADER_NICE_ABOVE 10

int
run_raise_priority(void)
{
    /* The lowest real-time priority, which every normal task yields to:
     * however many processes of a run want a CPU, the grader's next look at
     * them comes when it is due. Its children fork back to the normal
     * policy and niceness (SCHED_RESET_ON_FORK), before any of them runs. */
    struct sched_param rt = {.sched_priority =
                                 sched_get_priority_min(SCHED_RR)};
    int now;

    if (geteuid() != 0)
        return -1;
    if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &rt) == 0)
        return 0;
    errno = 0;
    now = getpriority(PRIO_PROCESS, 0);
    if (now == -1 && errno != 0)
        return -1;
    nice_at_start = now;
    if (setpriority(PRIO_PROCESS, 0, now - GRADER_NICE_ABOVE) != 0)
        return -1;
    nice_saved = true;
    return 0;
}

/* The runs a shared sandbox user is given room for, under RLIMIT_NPROC. */
#define SHARED_USER_RUNS 4

/* RLIMIT_NPROC for a run without a pids cgroup: what its user already
 * runs, and the run's own cap on top. The count is of tasks, as the
 * kernel's; the user is the sandbox's (as root) or the grader's own. 0:
 * none (the tasks could not be counted). *own: the sandbox's user ran
 * nothing before the run, so that whatever runs as it is the run's. */
static long
nproc_cap(const struct run_request *req, bool *capped, bool *own)
{
    bool switched = req->sandbox != NULL && req->sandbox->as_root;
    uid_t uid = switched ? req->sandbox->uid : getuid();
    long now = proc_count_tasks_of(uid);

    *capped = now >= 0;
    *own = switched && req->sandbox->named_user && now == 0;
    if (now < 0)
        return 0;
    /* A user others share (nobody, or the grader's own) may start more
     * meanwhile, other graders' builds among them: room for a few runs
     * beside this one, still far below any host's limit. */
    return now + req->limits.processes * (*own ? 1 : SHARED_USER_RUNS);
}

/* Kill every process of the sandbox's user, from a process of that user:
 * kill(-1) reaches them all in one call, scanning nothing, however many
 * a capped fork bomb keeps forking; a few times more for a fork that
 * was under way (a dead process not yet reaped still counts as one to
 * signal, so the count of calls is fixed). Only for a user named for this
 * grader alone (--sandbox-user) that ran nothing before the run: the
 * default "nobody" may be another grader's at the same time. With `reap`, the
 * dead that were the grader's children (orphans of the run: the grader is a
 * subreaper) are reaped too: only once the run's main process is, whose status
 * and CPU time the tree walk takes. */
static void
kill_user(const struct sandbox *s, bool reap)
{
    pid_t helper = fork();
    int status;

    if (helper == 0) {
        struct timespec nap = {.tv_sec = 0, .tv_nsec = 1000 * 1000};

        if (setgroups(1, &s->gid) != 0 ||
            setresgid(s->gid, s->gid, s->gid) != 0 ||
            setresuid(s->uid, s->uid, s->uid) != 0)
            _exit(1);
        for (int i = 0; i < 20 && kill(-1, SIGKILL) == 0; i++)
            nanosleep(&nap, NULL);
        _exit(0);
    }
    if (helper > 0)
        while (waitpid(helper, &status, 0) < 0 && errno == EINTR)
            continue;
    while (reap && waitpid(-1, &status, WNOHANG) > 0)
        continue;
}

/* Read the output until the main process ends (left a zombie, for
 * tree_kill), the wall time is up, or the tree grows past the process
 * limit. Returns 0, or -1 with errno and the call that failed in *failed. */
/* Whether the hang hook finds the run stuck for good, and why. */
static enum run_stuck
is_stuck(const struct run_hang_hook *hook, struct run_tree *tree)
{
    size_t n = 0;
    pid_t *pids = tree_live(tree, &n);
    enum run_stuck stuck =
        pids != NULL ? hook->stuck(hook->ctx, pids, n) : RUN_NOT_STUCK;

    free(pids);
    return stuck;
}

static int
watch_run(struct run_tree *tree, const struct run_request *req, struct watch *w,
          struct run_result *res, const char **failed)
{
    const struct run_limits *limits = &req->limits;
    int64_t next_stuck = w->start_ns + STUCK_INTERVAL_NS;
    /* Without a subreaper the grader loses sight of orphans; sampling the
     * tree then at least remembers the sessions they escape into. */
    /* Without a memory cgroup the tree's resident memory is summed at each
     * scan: a hog is stopped within a scan of its limit, not at its time
     * limit. */
    bool rss_watch = limits->tree_memory_mb > 0 && w->memory->dir[0] == '\0';
    long page_kb = sysconf(_SC_PAGESIZE) / 1024;
    bool scanning = limits->processes > 0 || !is_subreaper() || rss_watch;
    /* A walk of /proc costs a run on all CPUs a few percent of one, which a
     * speedup measurement would pay: where the pids cgroup holds the cap
     * and the grader adopts orphans, the cgroup's own counts are read
     * instead. */
    bool walking = !is_subreaper() || rss_watch || w->cgroup->dir[0] == '\0';
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
        if (req->hang.stuck != NULL && now >= next_stuck) {
            enum run_stuck stuck = is_stuck(&req->hang, tree);

            if (stuck != RUN_NOT_STUCK) {
                w->end_ns = kit_now_ns();
                w->how =
                    stuck == RUN_STUCK_CYCLE ? ENDED_DEADLOCK : ENDED_ASLEEP;
                return 0;
            }
            next_stuck = kit_now_ns() + STUCK_INTERVAL_NS;
        }
        if (scanning && now >= next_scan) {
            int64_t cpu = kit_thread_cpu_ns();
            long alive =
                walking ? tree_scan(tree) : pids_cgroup_current(w->cgroup);
            int64_t took;

            if (alive < 0) {
                if (errno == 0)
                    errno = ENOMEM;
                *failed = "reading /proc";
                return -1;
            }
            if (limits->processes > 0 && alive > res->processes_peak)
                res->processes_peak = alive;
            /* Under RLIMIT_NPROC the tree cannot pass the cap: coming
             * near it is the sign, as a refused fork is in the cgroup's
             * events. Near: the kernel counts every task of the user, the
             * dead not yet reaped too, and a few of them may be outside
             * the tree (the sandbox's own, a fork under way). */
            if (limits->processes > 0 &&
                (alive > limits->processes ||
                 pids_cgroup_hit_limit(w->cgroup) ||
                 (w->nproc_capped &&
                  tree->tasks + tree->unreaped >=
                      limits->processes -
                          limits->processes / NPROC_SLACK_SHARE))) {
                w->end_ns = kit_now_ns();
                w->how = ENDED_TOO_MANY;
                return 0;
            }
            /* Past its memory limit a run is over: a test suite would only
             * hit it again in every test that allocates. */
            if (rss_watch &&
                tree->rss_pages * page_kb > limits->tree_memory_mb * 1024)
                w->rss_over = true;
            if (memory_cgroup_hit_limit(w->memory) || w->rss_over) {
                w->end_ns = kit_now_ns();
                w->how = ENDED_OUT_OF_MEMORY;
                return 0;
            }
            /* The scan's cost in the grader's CPU time, not in wall time:
             * on a machine its run overloads, waiting for a CPU is not a
             * cost to save, and the next look must not come later. */
            took = kit_thread_cpu_ns() - cpu;
            next_scan = now + (20 * took > SCAN_INTERVAL_NS ? 20 * took
                                                            : SCAN_INTERVAL_NS);
        }
        if (deadline != 0 && deadline - now < wait_ns)
            wait_ns = deadline - now;
        if (req->hang.stuck != NULL && next_stuck - now < wait_ns)
            wait_ns = next_stuck - now > 0 ? next_stuck - now : 0;
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
        if (w->cap->watched) {
            w->end_ns = kit_now_ns();
            w->how = ENDED_STOP_LINE;
            return 0;
        }
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
            int n = tree_kill_pipe_holders(self, (unsigned long)pipe_st.st_ino);

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

/* Kill the tree and fold what the kill found into the result. */
static int
kill_run(struct run_tree *tree, bool counting, int *status,
         struct run_result *res)
{
    struct tree_counts counts = {0, 0, 0};
    int rc = tree_kill(tree, counting, status, &counts);
    int ignored;

    /* A process forked as its parent was killed may reach the grader, the
     * subreaper, only once the tree is gone: dead, it is reaped here, so
     * that no zombie of the run outlives it. The grader has no other child
     * at this point. */
    while (is_subreaper() && waitpid(-1, &ignored, WNOHANG) > 0)
        counts.zombies_reaped++;
    res->cpu_seconds += counts.cpu_seconds;
    res->leftovers_killed += counts.leftovers_killed;
    res->zombies_reaped += counts.zombies_reaped;
    return rc;
}

/* The hang hook, with the tree still alive. */
static void
diagnose(const struct run_request *req, struct run_tree *tree,
         const struct watch *w, struct run_result *res)
{
    size_t n = 0;
    pid_t *pids;

    if (req->hang.diagnose == NULL)
        return;
    pids = tree_live(tree, &n);
    if (pids == NULL)
        return;
    res->hang_report = req->hang.diagnose(
        req->hang.ctx, pids, n, (double)(w->end_ns - w->start_ns) / 1e9);
    free(pids);
}

int
run_program(const struct run_request *req, struct run_result *res)
{
    static const char *const no_kit[] = {NULL};
    struct run_tree *tree = NULL;
    struct capture cap;
    struct captured got;
    struct environment env = {{NULL}, NULL};
    struct child_plan plan;
    struct sigaction old_chld;
    bool chld_changed = false;
    char *path = NULL, *home = NULL;
    int out[2] = {-1, -1}, err[2] = {-1, -1}, null_fd = -1, pidfd = -1;
    int status = 0, rc = 0, msg[2];
    int64_t start_ns;
    struct watch w;
    struct pids_cgroup cg = {"", "", false};
    struct memory_cgroup mcg = {"", "", false};
    bool nproc_capped = false, own_user = false;
    const char *failed = NULL;
    pid_t pid;

    memset(res, 0, sizeof(*res));
    res->limits = req->limits;
    capture_init(&cap, req->limits.output_bytes != 0
                           ? req->limits.output_bytes
                           : RUN_DEFAULT_OUTPUT_BYTES);
    if (req->stop.starts != NULL)
        capture_watch(&cap, req->stop.starts,
                      req->stop.holds != NULL ? req->stop.holds : "");
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

    tree = calloc(1, sizeof(*tree));
    home = realpath(req->cwd != NULL ? req->cwd : ".", NULL);
    /* A folder that cannot be resolved: chdir will say what is wrong with
     * it; and a grader whose own folder was removed gives HOME=/. */
    if (home == NULL)
        home = strdup(req->cwd != NULL ? req->cwd : "/");
    path = program_path(req->argv[0]);
    if (tree == NULL || home == NULL || path == NULL ||
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
        .let_grader_trace =
            req->hang.diagnose != NULL || req->hang.stuck != NULL,
        .sandbox = req->sandbox,
        .workdir = req->workdir,
        .kit_shown = req->whole_kit           ? NULL
                     : req->kit_shown != NULL ? req->kit_shown
                                              : no_kit,
        .pass_fd = req->pass_fd,
        .nice_set = nice_saved,
        .nice = nice_at_start,
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
    else if (req->limits.processes > 0)
        plan.nproc = nproc_cap(req, &nproc_capped, &own_user);
    if (req->limits.tree_memory_mb > 0 &&
        memory_cgroup_create(&mcg, req->limits.tree_memory_mb, &cg) == 0 &&
        !mcg.v2)
        plan.memory_procs = mcg.procs;
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
        not_started(res, req->argv[0], child_step_name(msg[0]), msg[1]);
        goto out;
    }

    res->pid = pid;
    tree_init(tree, plan.grader, pid);
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

            kill_run(tree, false, &status, res);
            rc = grader_failed(res, "fcntl(O_NONBLOCK)", e);
            goto out;
        }
    }
    w = (struct watch){.pid = pid,
                       .out = &out[0],
                       .pidfd = pidfd,
                       .cap = &cap,
                       .cgroup = &cg,
                       .memory = &mcg,
                       .nproc_capped = nproc_capped,
                       .start_ns = start_ns};

    if (watch_run(tree, req, &w, res, &failed) != 0) {
        int e = errno;

        kill_run(tree, false, &status, res);
        rc = grader_failed(res, failed, e);
        goto out;
    }

    if (w.how == ENDED_TIMEOUT || w.how == ENDED_DEADLOCK ||
        w.how == ENDED_ASLEEP)
        diagnose(req, tree, &w, res);
    /* Without a pids cgroup to kill at once, a user of the run's own is:
     * before the tree walk when the run was stopped (nothing to count),
     * and after it, for whatever the walk missed. */
    if (own_user && w.how != ENDED_BY_ITSELF)
        kill_user(req->sandbox, false);
    if (kill_run(tree, w.how == ENDED_BY_ITSELF, &status, res) != 0) {
        int e = errno;

        if (own_user)
            kill_user(req->sandbox, true);
        /* Reported in the output: a grade must not hide a process that
         * survived, but the result itself is still good. */
        if (!own_user || proc_count_tasks_of(req->sandbox->uid) != 0) {
            char note[160];

            snprintf(note, sizeof(note),
                     "\n[grader: some processes of the run could not be "
                     "killed: %s]\n",
                     strerror(e));
            capture_add(&cap, note, strlen(note));
        }
    } else if (own_user) {
        kill_user(req->sandbox, true); /* what the walk missed */
    }
    res->memory_limit_hit = memory_cgroup_hit_limit(&mcg) || w.rss_over;
    /* Anything the tree walk missed is still in the cgroup. */
    {
        int missed = pids_cgroup_destroy(&cg);
        if (w.how == ENDED_BY_ITSELF)
            res->leftovers_killed += missed;
    }
    drain_output(&out[0], &cap, tree->self,
                 w.how == ENDED_BY_ITSELF ? &res->leftovers_killed : NULL);

    res->wall_seconds = (double)(w.end_ns - w.start_ns) / 1e9;
    switch (w.how) {
    case ENDED_TIMEOUT:
        res->end = RUN_TIMED_OUT;
        break;
    case ENDED_DEADLOCK:
        res->end = RUN_DEADLOCKED;
        break;
    case ENDED_ASLEEP:
        res->end = RUN_ASLEEP;
        break;
    case ENDED_TOO_MANY:
        res->end = RUN_TOO_MANY_PROCESSES;
        break;
    case ENDED_OUT_OF_MEMORY:
        res->end = RUN_OUT_OF_MEMORY;
        break;
    case ENDED_STOP_LINE:
        res->end = RUN_STOPPED;
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
    if (capture_finish(&cap, &got) != 0) {
        rc = grader_failed(res, "keeping the output", ENOMEM);
    } else {
        res->output = got.text;
        res->output_len = got.len;
        res->output_total = got.total;
        res->output_truncated = got.truncated;
    }

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
    if (tree != NULL) {
        tree_free(tree);
        free(tree);
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
    case RUN_DEADLOCKED:
        snprintf(buf, len,
                 "deadlocked: stopped after %.1f s, its threads in a wait-for "
                 "cycle that did not move",
                 r->wall_seconds);
        break;
    case RUN_ASLEEP:
        snprintf(buf, len,
                 "hung asleep: stopped after %.1f s, every one of its threads "
                 "asleep and nothing left to wake them",
                 r->wall_seconds);
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
    case RUN_STOPPED:
        snprintf(buf, len, "was stopped at the line it was watched for");
        break;
    case RUN_OUT_OF_MEMORY:
        snprintf(buf, len,
                 "went past its memory limit (%ld MB for all its processes) "
                 "and was stopped",
                 r->limits.tree_memory_mb);
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
run_describe_caps(char *buf, size_t len)
{
    struct pids_cgroup cg = {"", "", false};
    struct memory_cgroup mcg = {"", "", false};
    bool pids = pids_cgroup_create(&cg, 64) == 0;
    bool memory = memory_cgroup_create(&mcg, 64, &cg) == 0;
    const char *why = sandbox_told_without("cgroups") ? " (" SANDBOX_WITHOUT_VAR
                                                        " says so)"
                                                      : "";

    memory_cgroup_destroy(&mcg);
    pids_cgroup_destroy(&cg);
    snprintf(buf, len, "%s; %s%s.",
             pids ? "Processes were capped by a pids cgroup for each run"
                  : "With no pids cgroup here, processes were capped by "
                    "RLIMIT_NPROC on the tasks of the user that ran them",
             memory ? "memory by a memory cgroup"
                    : "with no memory cgroup, memory by the resident memory "
                      "of each run's processes, summed every 50 ms, by "
                      "AddressSanitizer's hard_rss_limit_mb and by "
                      "RLIMIT_AS",
             pids && memory ? "" : why);
}

bool
run_hung(const struct run_result *r)
{
    return r->end == RUN_TIMED_OUT || r->end == RUN_DEADLOCKED ||
           r->end == RUN_ASLEEP;
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
