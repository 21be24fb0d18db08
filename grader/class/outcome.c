/* SPDX-License-Identifier: MIT */
/* grade-class: a student-lab's outputs on disk: which results.json counts as
 * graded, how a grader run is prepared for and accepted, and what a
 * results.json says (read with jansson). */
#define _GNU_SOURCE /* asprintf */
#include "class.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RESULTS "results.json"
#define RESULTS_TMP "results.json.tmp"
#define REPORT "report.txt"
/* The --test filter the results were made with: results of one filter do
 * not stand for another's, or a quick TEST=matches run would later pass for
 * a full grade. */
#define FILTER "graded-with"
/* Why a Slurm task could not grade a student-lab, for the grade-class
 * that submitted it (slurm.c), which has no other way to hear. */
#define NOT_GRADED_NOTE "not-graded"

void
outcome_free(struct outcome *out)
{
    for (size_t i = 0; i < out->ntests; i++)
        free(out->tests[i].name);
    free(out->tests);
    memset(out, 0, sizeof(*out));
}

static bool
has_tag(json_t *entry, const char *tag)
{
    json_t *tags = json_object_get(entry, "tags");

    for (size_t i = 0; i < json_array_size(tags); i++) {
        const char *t = json_string_value(json_array_get(tags, i));
        if (t != NULL && strcmp(t, tag) == 0)
            return true;
    }
    return false;
}

/* The first line of `text` after its first blank line (the grader puts the
 * status first, then the reason), into `buf`; controls made spaces, since
 * the reason lands in a CSV cell and on a terminal. */
static void
reason_from_output(const char *text, char *buf, size_t len)
{
    const char *p = text != NULL ? strstr(text, "\n\n") : NULL;
    size_t n = 0;

    p = p != NULL ? p + 2 : (text != NULL ? text : "");
    while (*p == '\n')
        p++;
    for (; *p != '\0' && *p != '\n' && n + 1 < len; p++)
        buf[n++] = (unsigned char)*p < 0x20 ? ' ' : *p;
    buf[n] = '\0';
}

static bool
number(json_t *entry, const char *key, double *x)
{
    json_t *v = json_object_get(entry, key);

    if (!json_is_number(v))
        return false;
    *x = json_number_value(v);
    return isfinite(*x);
}

/* extra_data.graded_by: the first lab's marks (a student-lab's results
 * hold one lab). */
static void
provenance_read(json_t *root, struct outcome *out)
{
    json_t *by =
        json_object_get(json_object_get(root, "extra_data"), "graded_by");
    json_t *lab = json_array_get(by, 0);
    const char *sha = json_string_value(json_object_get(lab, "lab_ini_sha256"));
    const char *commit = json_string_value(json_object_get(lab, "kit_commit"));

    snprintf(out->spec_sha256, sizeof(out->spec_sha256), "%s",
             sha != NULL ? sha : "");
    snprintf(out->kit_commit, sizeof(out->kit_commit), "%s",
             commit != NULL ? commit : "");
}

/* Reads the grader's results.json at `path`. The file is the grader's own
 * output, but a run cut short or a full disk can leave anything: every
 * field is checked, and anything unexpected makes it "not graded". */
int
outcome_read(const char *path, struct outcome *out, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root, *tests, *entry;
    size_t i;

    memset(out, 0, sizeof(*out));
    root = json_load_file(path, 0, &jerr);
    if (root == NULL) {
        cut_printf(err, errlen, "%s: %s", path, jerr.text);
        return -1;
    }
    tests = json_object_get(root, "tests");
    if (!json_is_array(tests)) {
        cut_printf(err, errlen, "%s: no tests[]", path);
        goto fail;
    }
    out->tests = calloc(json_array_size(tests) + 1, sizeof(*out->tests));
    if (out->tests == NULL) {
        cut_printf(err, errlen, "%s: out of memory", path);
        goto fail;
    }
    for (i = 0; i < json_array_size(tests); i++) {
        entry = json_array_get(tests, i);
        struct outcome_test *t = &out->tests[out->ntests];
        json_t *name = json_object_get(entry, "name");
        json_t *extra = json_object_get(entry, "extra_data");
        const char *output =
            json_string_value(json_object_get(entry, "output"));

        if (!json_is_string(name) || !number(entry, "score", &t->score) ||
            !number(entry, "max_score", &t->max_score)) {
            cut_printf(err, errlen, "%s: tests[%zu] lacks a name or points",
                       path, i);
            goto fail;
        }
        t->name = strdup(json_string_value(name));
        if (t->name == NULL) {
            cut_printf(err, errlen, "%s: out of memory", path);
            goto fail;
        }
        out->ntests++;
        out->score += t->score;
        out->max_score += t->max_score;
        t->points = t->max_score;
        t->held = json_is_object(extra) &&
                  json_is_true(json_object_get(extra, "held"));
        if (t->held) {
            number(extra, "points", &t->points);
            out->nheld++;
            out->held_points += t->points;
        }
        /* The entry of a lab that could not be graded has no extra_data;
         * it carries the reason, not a test of its own. */
        t->column = json_is_object(extra) || !has_tag(entry, "error");
        bool error =
            !t->column ||
            (json_is_object(extra) &&
             json_is_string(json_object_get(extra, "status")) &&
             strcmp(json_string_value(json_object_get(extra, "status")),
                    "error") == 0);
        if (error && out->reason[0] == '\0') {
            reason_from_output(output, out->reason, sizeof(out->reason));
            if (out->reason[0] == '\0')
                cut_printf(out->reason, sizeof(out->reason), "%s: error",
                           t->name);
        }
    }
    provenance_read(root, out);
    number(root, "execution_time", &out->seconds);
    json_decref(root);
    return 0;
fail:
    json_decref(root);
    outcome_free(out);
    return -1;
}

static char *
filter_line(const char *only)
{
    char *line;

    return asprintf(&line, "test=%s\n", only != NULL ? only : "") < 0 ? NULL
                                                                      : line;
}

/* What grades `lab` now: the hash of the kit's lab.ini and the kit's
 * commit for it, as the grader will record them. */
void
provenance_now(const struct class_options *o, const char *lab,
               struct provenance *now)
{
    char *ini = path_join(o->kit, "labs", lab);
    char *file = ini != NULL ? path_join(ini, LAB_INI, NULL) : NULL;

    if (file == NULL || file_sha256(file, now->spec_sha256) != 0)
        now->spec_sha256[0] = '\0';
    kit_commit(o->kit, lab, now->kit_commit, sizeof(now->kit_commit));
    free(file);
    free(ini);
}

/* Whether an earlier run's results stand: a results.json that parses, made
 * with the same --test, by the lab.ini and the kit commit that grade the
 * lab now; with `unless_held`, one that also holds no held test and no lab
 * that could not be graded. */
enum graded_state
job_already_graded(const struct job *job, const char *only, bool unless_held,
                   const struct provenance *now)
{
    char *results = path_join(job->dir, RESULTS, NULL);
    char *filter = path_join(job->dir, FILTER, NULL);
    char *want = filter_line(only), *have = NULL;
    struct outcome out;
    char err[256];
    enum graded_state state = NOT_GRADED;

    if (results != NULL && filter != NULL && want != NULL) {
        have = read_small_file(filter, 4096);
        if (have != NULL && strcmp(have, want) == 0 &&
            outcome_read(results, &out, err, sizeof(err)) == 0) {
            if (out.spec_sha256[0] == '\0' || out.kit_commit[0] == '\0')
                state = STALE_UNKNOWN;
            else if (strcmp(out.spec_sha256, now->spec_sha256) != 0)
                state = STALE_SPEC;
            else if (strcmp(out.kit_commit, now->kit_commit) != 0)
                state = STALE_KIT;
            else if (unless_held && (out.nheld > 0 || out.reason[0] != '\0'))
                state = REGRADE_HELD;
            else
                state = GRADED;
            outcome_free(&out);
        }
    }
    free(results);
    free(filter);
    free(want);
    free(have);
    return state;
}

/* Before a grader run: the folder made, any earlier results.json removed
 * (until this run's is accepted, the student-lab is not graded, so an
 * interrupted run leaves nothing that counts), and the filter noted. */
int
job_prepare(const struct job *job, const char *only, char *err, size_t errlen)
{
    char *results = path_join(job->dir, RESULTS, NULL);
    char *tmp = path_join(job->dir, RESULTS_TMP, NULL);
    char *filter = path_join(job->dir, FILTER, NULL);
    char *note = path_join(job->dir, NOT_GRADED_NOTE, NULL);
    char *line = filter_line(only);
    int rc = -1;

    if (results == NULL || tmp == NULL || filter == NULL || note == NULL ||
        line == NULL)
        cut_printf(err, errlen, "out of memory");
    else if (make_dirs(job->dir, 0755) != 0)
        cut_printf(err, errlen, "%s: %s", job->dir, strerror(errno));
    else if ((unlink(results) != 0 && errno != ENOENT) ||
             (unlink(tmp) != 0 && errno != ENOENT) ||
             (unlink(note) != 0 && errno != ENOENT))
        cut_printf(err, errlen, "%s: cannot remove the old results: %s",
                   job->dir, strerror(errno));
    else if (write_file_atomic(filter, line, strlen(line)) != 0)
        cut_printf(err, errlen, "%s: %s", filter, strerror(errno));
    else
        rc = 0;
    free(results);
    free(tmp);
    free(filter);
    free(note);
    free(line);
    return rc;
}

/* The last non-empty line of the grader's report, which on exit status 2
 * is its reason ("grader: no lab ..."). */
static void
last_report_line(const struct job *job, char *buf, size_t len)
{
    char *path = path_join(job->dir, REPORT, NULL);
    FILE *f = path != NULL ? fopen(path, "re") : NULL;
    char line[512];

    buf[0] = '\0';
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0')
            continue;
        size_t n = 0;
        for (const char *p = line; *p != '\0' && n + 1 < len; p++)
            buf[n++] = (unsigned char)*p < 0x20 ? ' ' : *p;
        buf[n] = '\0';
    }
    if (f != NULL)
        fclose(f);
    free(path);
}

/* After a grader run: its results.json counts when the grader ended by
 * itself with one of its own statuses (0, 1, 3 with points held, or 2,
 * which may come with results of a lab it could not grade) and the file
 * parses. Returns 0 when the
 * student-lab is graded (job->state JOB_DONE), -1 when not (JOB_FAILED,
 * with job->reason). */
int
job_accept(struct job *job, int wait_status)
{
    char *results = path_join(job->dir, RESULTS, NULL);
    char *tmp = path_join(job->dir, RESULTS_TMP, NULL);
    char err[256], last[160];
    struct outcome out;

    job->state = JOB_FAILED;
    job->reason[0] = '\0';
    if (results == NULL || tmp == NULL)
        cut_printf(job->reason, sizeof(job->reason), "out of memory");
    else if (WIFSIGNALED(wait_status))
        cut_printf(job->reason, sizeof(job->reason),
                   "the grader was killed by signal %d (%s)",
                   WTERMSIG(wait_status), strsignal(WTERMSIG(wait_status)));
    else if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) > 3)
        cut_printf(job->reason, sizeof(job->reason),
                   "the grader exited with status %d",
                   WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1);
    else if (access(tmp, F_OK) != 0) {
        last_report_line(job, last, sizeof(last));
        cut_printf(job->reason, sizeof(job->reason),
                   "the grader wrote no results (exit status %d)%s%s",
                   WEXITSTATUS(wait_status), last[0] != '\0' ? ": " : "", last);
    } else if (outcome_read(tmp, &out, err, sizeof(err)) != 0)
        cut_printf(job->reason, sizeof(job->reason), "unreadable results: %s",
                   err);
    else {
        if (rename(tmp, results) != 0)
            cut_printf(job->reason, sizeof(job->reason), "%s: %s", results,
                       strerror(errno));
        else {
            job->state = JOB_DONE;
            job->score = out.score;
            job->max_score = out.max_score;
            cut_printf(job->reason, sizeof(job->reason), "%s", out.reason);
        }
        outcome_free(&out);
    }
    if (job->state == JOB_FAILED && tmp != NULL)
        unlink(tmp);
    free(results);
    free(tmp);
    return job->state == JOB_DONE ? 0 : -1;
}

/* A Slurm task's word on a student-lab it could not grade. */
void
job_note_failure(const struct job *job)
{
    char *note = path_join(job->dir, NOT_GRADED_NOTE, NULL);

    if (note != NULL && job->state == JOB_FAILED)
        write_file_atomic(note, job->reason, strlen(job->reason));
    free(note);
}

/* What a Slurm task made of a student-lab: JOB_DONE once its results.json
 * stands (a task renames it into place only when it is whole), JOB_FAILED
 * with the task's reason once it left one; else the job stays as it is.
 * Returns whether the job changed. */
bool
job_collect(struct job *job)
{
    char *results = path_join(job->dir, RESULTS, NULL);
    char *note = path_join(job->dir, NOT_GRADED_NOTE, NULL);
    char *why = NULL, err[256];
    struct outcome out;
    bool changed = false;

    if (results != NULL && outcome_read(results, &out, err, sizeof(err)) == 0) {
        job->state = JOB_DONE;
        job->score = out.score;
        job->max_score = out.max_score;
        job->seconds = out.seconds > 0 ? out.seconds : 0.001;
        cut_printf(job->reason, sizeof(job->reason), "%s", out.reason);
        outcome_free(&out);
        changed = true;
    } else if (note != NULL &&
               (why = read_small_file(note, sizeof(job->reason) - 1)) != NULL) {
        job->state = JOB_FAILED;
        cut_printf(job->reason, sizeof(job->reason), "%s", why);
        changed = true;
    }
    free(why);
    free(results);
    free(note);
    return changed;
}
