/* SPDX-License-Identifier: MIT */
/* The grader's runner: from fork to exec (see child.h). */
#define _GNU_SOURCE /* close_range's flag, prctl */
#include "run/child.h"
#include "run/cgroup.h"
#include "run/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

enum child_step {
    STEP_SETPGID,
    STEP_NICE,
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
    STEP_RLIMIT_NPROC,
    STEP_EXEC,
    STEP_COUNT
};

static const char *const child_steps[STEP_COUNT] = {
    [STEP_SETPGID] = "setpgid",
    [STEP_NICE] = "setpriority",
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
    [STEP_RLIMIT_NPROC] = "setrlimit(RLIMIT_NPROC)",
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

_Noreturn void
child_start(const struct child_plan *p)
{
    struct sigaction dfl;
    sigset_t none;
    const struct run_limits *l = &p->limits;

    /* Its own group: one kill(-pgid) then reaches every process that does
     * not leave it. */
    if (setpgid(0, 0) != 0)
        child_fail(p->err_w, STEP_SETPGID);
    /* The niceness the grader was started with, not the one it raised
     * itself to (run_raise_priority()). */
    if (p->nice_set && setpriority(PRIO_PROCESS, 0, p->nice) != 0)
        child_fail(p->err_w, STEP_NICE);
    /* Into the pids cgroup before anything of the student's runs, so that
     * its every fork is counted. Failing that, RLIMIT_NPROC (below) and the
     * runner's walks of /proc hold. */
    if (p->cgroup_procs != NULL)
        (void)cgroup_join(p->cgroup_procs);
    if (p->memory_procs != NULL)
        (void)cgroup_join(p->memory_procs);
    /* Namespaces and the user switch need the grader's privileges, so they
     * come before anything else of the child's drops them; and before
     * PR_SET_PDEATHSIG, which a change of user clears. */
    if (p->sandbox != NULL) {
        const char *step;
        if (sandbox_enter(p->sandbox, p->workdir, p->kit_shown, &step) != 0)
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
    /* Without a pids cgroup the kernel still refuses a fork past the cap:
     * RLIMIT_NPROC counts every task of the (now switched) real user. */
    if (p->nproc > 0 &&
        limit_to(RLIMIT_NPROC, (rlim_t)p->nproc, (rlim_t)p->nproc) != 0)
        child_fail(p->err_w, STEP_RLIMIT_NPROC);
    /* A core of a crashing submission would only fill the work folder. */
    if (limit_to(RLIMIT_CORE, 0, 0) != 0)
        child_fail(p->err_w, STEP_RLIMIT_CORE);
    execve(p->path, p->argv, p->envp);
    child_fail(p->err_w, STEP_EXEC);
}

const char *
child_step_name(int step)
{
    return step >= 0 && step < STEP_COUNT ? child_steps[step] : "starting";
}
