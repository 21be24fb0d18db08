/* SPDX-License-Identifier: MIT */
/* grade-class on a Slurm cluster. The class is graded by a job array
 * (sbatch --array): each task has a whole node (--exclusive) and grades its
 * share of the student-labs there as the local engine does, several
 * graders at once under the node's own machine lock. So a speedup is still
 * measured with the node to itself, on all of its cores, while builds and
 * correctness runs fill the node otherwise; and a node of 64 cores grades
 * as one machine of 64 cores would, not one student at a time.
 *
 * The grade-class that submits decides what is to grade, as locally (what
 * stands is skipped), clears those results, writes the list, submits, and
 * follows the results as they land in OUT, a folder every node sees; then
 * it writes the gradebook. A task says why it could not grade a student in
 * a note beside that student's results (job_note_failure()). */
#define _GNU_SOURCE /* asprintf */
#include "base/command.h"
#include "base/text.h"
#include "class.h"
#include "kit_time.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SLURM_DIR ".slurm" /* in OUT: the list and the tasks' logs */
#define MAX_SBATCH_ARGS 32
/* How long the controller may be out of reach before the run gives up on
 * following it (the array goes on; the next run takes up what it did). */
#define SQUEUE_PATIENCE_S 120

/* `s` in single quotes for the shell that runs sbatch's --wrap. */
static void
sh_quote(struct text *t, const char *s)
{
    text_addc(t, '\'');
    for (; *s != '\0'; s++) {
        if (*s == '\'')
            text_add(t, "'\\''");
        else
            text_addc(t, *s);
    }
    text_add(t, "' ");
}

/* The command every task runs: this program, as a task of `nshards`, on
 * the list at `todo`, with the options of this run. */
static int
task_command(const struct class_options *o, int nshards, const char *todo,
             struct text *t)
{
    char self[PATH_MAX], n[64];
    ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

    if (len <= 0)
        return -1;
    self[len] = '\0';
    text_add(t, "exec ");
    sh_quote(t, self);
    text_add(t, "--shard \"$SLURM_ARRAY_TASK_ID\"/");
    snprintf(n, sizeof(n), "%d ", nshards);
    text_add(t, n);
    const char *pairs[][2] = {
        {"--todo", todo},
        {"--kit", o->kit},
        {"--submissions", o->submissions},
        {"--out", o->out},
        {"--grader", o->grader},
        {"--test", o->only},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        if (pairs[i][1] == NULL)
            continue;
        text_add(t, pairs[i][0]);
        text_addc(t, ' ');
        sh_quote(t, pairs[i][1]);
    }
    if (o->jobs_given) {
        snprintf(n, sizeof(n), "--jobs %d ", o->jobs);
        text_add(t, n);
    }
    if (!o->isolate)
        text_add(t, "--no-isolation ");
    snprintf(n, sizeof(n), "--uid-base %ld", o->uid_base);
    text_add(t, n);
    return t->failed ? -1 : 0;
}

/* OUT/.slurm/todo: "student\0lab\0" per student-lab to grade, in the
 * jobs' order (a folder name may hold any byte but '/' and NUL). */
static int
write_todo(const char *path, const struct job *jobs, size_t njobs,
           size_t *count)
{
    struct text t = TEXT_INIT;
    int rc;

    *count = 0;
    for (size_t i = 0; i < njobs; i++) {
        if (jobs[i].state != JOB_TODO)
            continue;
        text_add(&t, jobs[i].student);
        text_addc(&t, '\0');
        text_add(&t, jobs[i].lab);
        text_addc(&t, '\0');
        (*count)++;
    }
    rc = t.failed ? -1 : write_file_atomic(path, t.buf, t.len);
    text_free(&t);
    return rc;
}

/* sbatch, and the job id it prints (--parsable: "ID" or "ID;cluster");
 * or -1 with what sbatch said in `err`. */
static int
submit(const struct class_options *o, size_t tasks, const char *logs,
       const char *wrap, char *id, size_t idlen, char *err, size_t errlen)
{
    const char *argv[MAX_SBATCH_ARGS + 16];
    char array[64], output[PATH_MAX + 16], said[1024];
    char *extra = o->sbatch_args != NULL ? strdup(o->sbatch_args) : NULL;
    size_t n = 0;
    int rc;

    snprintf(array, sizeof(array), "--array=0-%zu", tasks - 1);
    snprintf(output, sizeof(output), "--output=%s/task-%%a.log", logs);
    argv[n++] = "sbatch";
    argv[n++] = "--parsable";
    argv[n++] = "--job-name=grade-class";
    argv[n++] = array;
    argv[n++] = "--nodes=1";
    argv[n++] = "--ntasks=1";
    argv[n++] = "--exclusive";
    argv[n++] = output;
    for (char *save = NULL,
              *w = extra != NULL ? strtok_r(extra, " ", &save) : NULL;
         w != NULL && n < MAX_SBATCH_ARGS + 8; w = strtok_r(NULL, " ", &save))
        argv[n++] = w;
    argv[n++] = "--wrap";
    argv[n++] = wrap;
    argv[n] = NULL;
    rc = command_output(NULL, argv, true, said, sizeof(said));
    free(extra);
    said[strcspn(said, "\n")] = '\0';
    if (rc != 0 || strspn(said, "0123456789") == 0) {
        cut_printf(err, errlen, "sbatch %s: %s",
                   rc < 0 ? "could not run" : "refused the job",
                   rc < 0 ? strerror(errno) : said);
        return -1;
    }
    said[strspn(said, "0123456789")] = '\0';
    cut_printf(id, idlen, "%s", said);
    return 0;
}

/* Whether the array still has tasks pending or running: 1 yes, 0 no, -1
 * the controller did not answer. */
static int
array_alive(const char *id)
{
    const char *argv[] = {"squeue", "--noheader",     "--jobs",
                          id,       "--format=%i %T", NULL};
    char said[4096];
    int rc = command_output(NULL, argv, true, said, sizeof(said));

    if (rc == 0)
        return said[strspn(said, " \n")] != '\0';
    /* Once the controller has forgotten the job, it is over. */
    if (strstr(said, "Invalid job id") != NULL)
        return 0;
    return -1;
}

static void
cancel(const char *id)
{
    const char *argv[] = {"scancel", id, NULL};
    char said[512];

    if (command_output(NULL, argv, true, said, sizeof(said)) != 0)
        fprintf(stderr, "grade-class: scancel %s: %s\n", id, said);
}

/* Takes in the results that have landed since the last look. */
static void
collect(struct job *jobs, size_t njobs, const struct pool_events *ev)
{
    for (size_t i = 0; i < njobs; i++)
        if (jobs[i].state == JOB_RUNNING && job_collect(&jobs[i]))
            ev->finished(ev->ctx, &jobs[i]);
}

int
slurm_run(const struct class_options *o, struct job *jobs, size_t njobs,
          const struct pool_events *ev, bool *interrupted)
{
    char *logs = path_join(o->out, SLURM_DIR, NULL);
    char *todo = logs != NULL ? path_join(logs, "todo", NULL) : NULL;
    struct text wrap = TEXT_INIT;
    char id[64], err[256];
    size_t count, tasks;
    sigset_t wanted;
    int rc = -1, stops = 0;
    int64_t unanswered_since = 0;

    *interrupted = false;
    if (logs == NULL || todo == NULL) {
        fprintf(stderr, "grade-class: out of memory\n");
        goto out;
    }
    /* What an earlier run left is cleared first, or it would pass for
     * what this run's tasks graded. */
    for (size_t i = 0; i < njobs; i++)
        if (jobs[i].state == JOB_TODO &&
            job_prepare(&jobs[i], o->only, err, sizeof(err)) != 0) {
            jobs[i].state = JOB_FAILED;
            cut_printf(jobs[i].reason, sizeof(jobs[i].reason), "%s", err);
            ev->finished(ev->ctx, &jobs[i]);
        }
    if (make_dirs(logs, 0755) != 0 || write_todo(todo, jobs, njobs, &count)) {
        fprintf(stderr, "grade-class: %s: %s\n", todo, strerror(errno));
        goto out;
    }
    if (count == 0) {
        rc = 0;
        goto out;
    }
    tasks = count < (size_t)o->slurm ? count : (size_t)o->slurm;
    if (task_command(o, (int)tasks, todo, &wrap) != 0) {
        fprintf(stderr, "grade-class: cannot say how to run a task\n");
        goto out;
    }
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGINT);
    sigaddset(&wanted, SIGTERM);
    sigaddset(&wanted, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &wanted, NULL) != 0) {
        fprintf(stderr, "grade-class: sigprocmask: %s\n", strerror(errno));
        goto out;
    }
    if (submit(o, tasks, logs, text_str(&wrap), id, sizeof(id), err,
               sizeof(err)) != 0) {
        fprintf(stderr, "grade-class: %s\n", err);
        for (size_t i = 0; i < njobs; i++)
            if (jobs[i].state == JOB_TODO) {
                jobs[i].state = JOB_FAILED;
                cut_printf(jobs[i].reason, sizeof(jobs[i].reason),
                           "not graded: %s", err);
            }
        goto out;
    }
    fprintf(stderr,
            "Slurm job %s: %zu task%s of a whole node each; their logs in "
            "%s/task-N.log\n",
            id, tasks, tasks == 1 ? "" : "s", logs);
    for (size_t i = 0; i < njobs; i++)
        if (jobs[i].state == JOB_TODO) {
            jobs[i].state = JOB_RUNNING;
            ev->started(ev->ctx, &jobs[i]);
        }
    for (;;) {
        struct timespec wait = {.tv_sec = 2, .tv_nsec = 0};
        int sig = sigtimedwait(&wanted, NULL, &wait);
        if (sig > 0) {
            /* Slurm tells the tasks to stop (their graders clean up); a
             * second signal stops waiting for them. */
            *interrupted = true;
            if (++stops == 1)
                cancel(id);
            else
                break;
        }
        collect(jobs, njobs, ev);
        ev->tick(ev->ctx);
        int alive = array_alive(id);
        if (alive == 0)
            break;
        if (alive < 0) {
            if (unanswered_since == 0)
                unanswered_since = kit_now_ns();
            else if (kit_now_ns() - unanswered_since >
                     (int64_t)SQUEUE_PATIENCE_S * 1000000000) {
                fprintf(stderr,
                        "grade-class: squeue has not answered for %d s: "
                        "stopped following Slurm job %s (run the same "
                        "command again once it is over)\n",
                        SQUEUE_PATIENCE_S, id);
                *interrupted = true;
                break;
            }
        } else
            unanswered_since = 0;
    }
    collect(jobs, njobs, ev);
    /* What no task graded: if the array was cut short, the next run
     * grades it; else its task ended without a word (see its log). */
    for (size_t i = 0; i < njobs; i++) {
        if (jobs[i].state != JOB_RUNNING)
            continue;
        if (*interrupted) {
            jobs[i].state = JOB_TODO;
            continue;
        }
        jobs[i].state = JOB_FAILED;
        cut_printf(jobs[i].reason, sizeof(jobs[i].reason),
                   "no Slurm task graded it (see %s/task-*.log)", logs);
        ev->finished(ev->ctx, &jobs[i]);
    }
    rc = 0;
out:
    text_free(&wrap);
    free(todo);
    free(logs);
    return rc;
}

/* A task's share: the student-labs of the list whose place is I modulo K
 * (interleaved, so that each task gets some of every lab); every other job
 * is skipped. Those of the share are graded whatever stands, as the
 * submitting run decided. */
int
shard_select(const struct class_options *o, struct job *jobs, size_t njobs,
             char *err, size_t errlen)
{
    size_t at = 0, len = 0, place = 0;
    char *list = read_file_bytes(o->todo, 64 * 1024 * 1024, &len);

    if (list == NULL) {
        cut_printf(err, errlen, "--todo %s: %s", o->todo, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < njobs; i++)
        if (jobs[i].state != JOB_FAILED)
            jobs[i].state = JOB_SKIPPED;
    while (at < len) {
        const char *student = list + at;
        const char *lab = student + strlen(student) + 1;
        if ((size_t)(lab - list) >= len)
            break;
        at = (size_t)(lab - list) + strlen(lab) + 1;
        if ((int)(place++ % (size_t)o->nshards) != o->shard)
            continue;
        for (size_t i = 0; i < njobs; i++)
            if (jobs[i].state == JOB_SKIPPED &&
                strcmp(jobs[i].student, student) == 0 &&
                strcmp(jobs[i].lab, lab) == 0)
                jobs[i].state = JOB_TODO;
    }
    free(list);
    return 0;
}

void
shard_note_failures(const struct job *jobs, size_t njobs)
{
    for (size_t i = 0; i < njobs; i++)
        job_note_failure(&jobs[i]);
}
