/* SPDX-License-Identifier: MIT */
/* The grader's runner: the child's side of a run, from fork to exec. It
 * may call only async-signal-safe functions (the grader may have threads
 * of libraries), so everything it needs is prepared before fork. */
#ifndef GRADER_RUN_CHILD_H
#define GRADER_RUN_CHILD_H

#include "run/limits.h"

#include <stdbool.h>
#include <sys/types.h>

struct sandbox;

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
    bool nice_set;            /* run at `nice`, the grader's own at its start */
    int nice;
    long nproc; /* RLIMIT_NPROC, where there is no pids cgroup; 0: none */
    const struct sandbox *sandbox; /* NULL: run as the grader's user */
    const char *workdir;           /* put back into the sandbox's /tmp */
    const char *const *kit_shown;  /* sandbox_enter()'s `shown` */
    int pass_fd;                   /* kept open across exec; 0: none */
};

/* Set the child up as the plan says and exec the program. On failure the
 * step and errno go to the parent through plan->err_w, which exec would
 * have closed, and the child exits with 127. */
_Noreturn void child_start(const struct child_plan *plan);

/* The name of the step a child reported failing ("setpgid", "execve"). */
const char *child_step_name(int step);

#endif
