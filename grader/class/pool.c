/* SPDX-License-Identifier: MIT */
/* grade-class: the pool of grader processes. Up to `jobs` graders run at
 * once, each in a worker slot; the machine lock they share (the grader's
 * --machine-lock) lets builds and correctness runs overlap while a speedup
 * measurement runs alone, so the pool itself needs no other policy. */
#include "base/command.h"
#include "class.h"
#include "kit_time.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_ARGS 32

struct argv {
    const char *arg[MAX_ARGS + 1];
    int n;
};

static void
add(struct argv *a, const char *arg)
{
    /* MAX_ARGS is above the most grader_argv() ever adds. */
    if (a->n < MAX_ARGS)
        a->arg[a->n++] = arg;
    a->arg[a->n] = NULL;
}

/* The grader's command line for one student-lab. `uid` and `paths` are
 * storage that must outlive the spawn. */
static void
grader_argv(const struct class_options *o, const struct job *job,
            struct argv *a, char *uid, size_t uidlen, char *paths[4])
{
    a->n = 0;
    add(a, o->grader);
    add(a, "--kit");
    add(a, o->kit);
    add(a, "--lab");
    add(a, job->lab);
    add(a, "--submission");
    add(a, job->submission);
    add(a, "--results");
    add(a, paths[0]);
    add(a, "--plot");
    add(a, job->dir);
    add(a, "--no-progress");
    /* What the student may see now, beside the whole report. */
    add(a, "--student-report");
    add(a, paths[3]);
    if (o->only != NULL) {
        add(a, "--test");
        add(a, o->only);
    }
    if (!o->isolate)
        return;
    add(a, "--machine-lock");
    add(a, paths[1]);
    /* Student code must see neither the other submissions nor anyone's
     * results: the grader covers both folders in its mount namespace
     * (it has copied this student's files out before any of them runs). */
    add(a, "--hide");
    add(a, o->submissions);
    add(a, "--hide");
    add(a, o->out);
    /* The results of other classes graded on this machine, too: the kit
     * is visible to student code (read-only), its build/ with it. */
    if (o->results_root[0] != '\0') {
        add(a, "--hide");
        add(a, o->results_root);
    }
    /* A uid per slot: two students graded at once cannot signal, trace or
     * read the processes of each other. Only root can switch users. */
    if (geteuid() == 0) {
        snprintf(uid, uidlen, "%ld", o->uid_base + job->slot);
        add(a, "--sandbox-user");
        add(a, uid);
    }
}

/* Spawns the grader with stdout and stderr in OUT/student/lab/report.txt,
 * and the signals this process holds for itself back to normal. */
static int
spawn(const struct class_options *o, struct job *job, char *err, size_t errlen)
{
    char uid[32] = "", *paths[4];
    struct argv a;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, defaults;
    int rc;

    paths[0] = path_join(job->dir, "results.json.tmp", NULL);
    paths[1] = strdup(o->machine_lock);
    paths[2] = path_join(job->dir, "report.txt", NULL);
    paths[3] = path_join(job->dir, "student-report.txt", NULL);
    if (paths[0] == NULL || paths[1] == NULL || paths[2] == NULL ||
        paths[3] == NULL) {
        cut_printf(err, errlen, "out of memory");
        rc = -1;
        goto out;
    }
    grader_argv(o, job, &a, uid, sizeof(uid), paths);
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGCHLD);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGHUP);
    sigaddset(&defaults, SIGPIPE);
    if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
        cut_printf(err, errlen, "posix_spawn_file_actions_init: %s",
                   strerror(rc));
        goto out;
    }
    if ((rc = posix_spawnattr_init(&attr)) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        cut_printf(err, errlen, "posix_spawnattr_init: %s", strerror(rc));
        goto out;
    }
    if ((rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
                                               O_RDONLY, 0)) != 0 ||
        (rc = posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, paths[2],
                                               O_WRONLY | O_CREAT | O_TRUNC,
                                               0644)) != 0 ||
        (rc = posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO,
                                               STDERR_FILENO)) != 0 ||
        (rc = posix_spawnattr_setsigmask(&attr, &none)) != 0 ||
        (rc = posix_spawnattr_setsigdefault(&attr, &defaults)) != 0 ||
        (rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
                                                  POSIX_SPAWN_SETSIGDEF)) != 0)
        cut_printf(err, errlen, "preparing to start the grader: %s",
                   strerror(rc));
    else if ((rc = posix_spawn(&job->pid, o->grader, &fa, &attr,
                               (char *const *)a.arg, environ)) != 0)
        cut_printf(err, errlen, "cannot start %s: %s", o->grader, strerror(rc));
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
out:
    for (int i = 0; i < 4; i++)
        free(paths[i]);
    return rc == 0 ? 0 : -1;
}

/* Whether this grader takes the isolation options and --student-report:
 * `grader --help` lists them. A grader built before them refuses them as
 * unknown, which would fail every student for a reason that is not theirs. */
bool
grader_takes_isolation(const char *grader)
{
    const char *argv[] = {grader, "--help", NULL};
    static char help[16384];

    return command_output(NULL, argv, false, help, sizeof(help)) == 0 &&
           strstr(help, "--machine-lock") != NULL &&
           strstr(help, "--hide") != NULL &&
           strstr(help, "--sandbox-user") != NULL &&
           strstr(help, "--student-report") != NULL;
}

static struct job *
job_of(struct job *jobs, size_t njobs, pid_t pid)
{
    for (size_t i = 0; i < njobs; i++)
        if (jobs[i].state == JOB_RUNNING && jobs[i].pid == pid)
            return &jobs[i];
    return NULL;
}

static void
fail(struct job *job, const char *reason, const struct pool_events *ev)
{
    job->state = JOB_FAILED;
    cut_printf(job->reason, sizeof(job->reason), "%s", reason);
    ev->finished(ev->ctx, job);
}

/* Reaps every grader that has ended; returns how many. */
static int
reap(struct job *jobs, size_t njobs, bool *slot_busy,
     const struct pool_events *ev)
{
    int status, count = 0;
    pid_t pid;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        struct job *job = job_of(jobs, njobs, pid);
        if (job == NULL)
            continue; /* not ours: nothing else is spawned, but be safe */
        job->seconds = (double)(kit_now_ns() - job->start_ns) / 1e9;
        slot_busy[job->slot] = false;
        job_accept(job, status);
        ev->finished(ev->ctx, job);
        count++;
    }
    return count;
}

/* Runs every JOB_TODO job, `o->jobs` at a time. The signals that end a run
 * (Ctrl-C, a kill, a closed terminal) are taken synchronously with
 * sigtimedwait: the graders under way are told to stop and waited for, so
 * no grader outlives this program and no half result is accepted. They stay
 * blocked on return, so the gradebook of what was graded is still written. */
int
pool_run(const struct class_options *o, struct job *jobs, size_t njobs,
         const struct pool_events *ev, bool *interrupted)
{
    sigset_t wanted;
    bool *slot_busy = calloc((size_t)o->jobs, sizeof(*slot_busy));
    size_t next = 0;
    int running = 0, stops = 0;

    *interrupted = false;
    if (slot_busy == NULL) {
        fprintf(stderr, "grade-class: out of memory\n");
        return -1;
    }
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGCHLD);
    sigaddset(&wanted, SIGINT);
    sigaddset(&wanted, SIGTERM);
    sigaddset(&wanted, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &wanted, NULL) != 0) {
        fprintf(stderr, "grade-class: sigprocmask: %s\n", strerror(errno));
        free(slot_busy);
        return -1;
    }
    for (;;) {
        while (!*interrupted && running < o->jobs && next < njobs) {
            struct job *job = &jobs[next++];
            char err[256];
            if (job->state != JOB_TODO)
                continue;
            if (job_prepare(job, o->only, err, sizeof(err)) != 0) {
                fail(job, err, ev);
                continue;
            }
            job->slot = 0;
            while (slot_busy[job->slot])
                job->slot++;
            job->start_ns = kit_now_ns();
            if (spawn(o, job, err, sizeof(err)) != 0) {
                fail(job, err, ev);
                continue;
            }
            job->state = JOB_RUNNING;
            slot_busy[job->slot] = true;
            running++;
            ev->started(ev->ctx, job);
        }
        if (running == 0)
            break;

        struct timespec second = {.tv_sec = 1, .tv_nsec = 0};
        int sig = sigtimedwait(&wanted, NULL, &second);
        if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
            /* The first signal asks the graders to stop (they clean up
             * their student's processes); a second one does not wait. */
            *interrupted = true;
            stops++;
            for (size_t i = 0; i < njobs; i++)
                if (jobs[i].state == JOB_RUNNING)
                    kill(jobs[i].pid, stops > 1 ? SIGKILL : SIGTERM);
        }
        running -= reap(jobs, njobs, slot_busy, ev);
        if (sig < 0 && errno == EAGAIN)
            ev->tick(ev->ctx);
    }
    free(slot_busy);
    return 0;
}
