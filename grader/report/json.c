/* SPDX-License-Identifier: MIT */
/* The grader's reports: Gradescope's results.json, after their autograder
 * specification (top-level score, execution_time, output, visibility, and
 * one entry of tests[] per test), written with jansson. */
#include "base/escape.h"
#include "base/format.h"
#include "base/text.h"
#include "report/report.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A JSON string of untrusted text. jansson refuses invalid UTF-8, so the
 * text is repaired first; it escapes control characters itself. */
static json_t *
jstring(const char *s)
{
    struct text t = TEXT_INIT;
    json_t *j;

    text_add_utf8(&t, s != NULL ? s : "");
    j = t.failed ? NULL : json_stringn(text_str(&t), t.len);
    text_free(&t);
    return j;
}

/* Student output as a JSON string: controls made visible (^A) as on the
 * terminal, since Gradescope shows the text in a <pre> where an escape
 * sequence would be invisible noise. */
static json_t *
jtext(const char *s)
{
    struct text t = TEXT_INIT;
    json_t *j;

    text_add_terminal(&t, s);
    j = t.failed ? NULL : jstring(text_str(&t));
    text_free(&t);
    return j;
}

/* jansson has no NaN or infinity, and neither has JSON. */
static json_t *
jnumber(double x)
{
    return json_real(isfinite(x) ? x : 0.0);
}

/* Sets obj[key], remembering in *ok when a value could not be made (jansson
 * returns NULL when out of memory; setting NULL fails without harm). Like
 * every json_*_new call, it takes the reference even when it fails. */
static void
put(json_t *obj, const char *key, json_t *value, bool *ok)
{
    if (json_object_set_new(obj, key, value) != 0)
        *ok = false;
}

static void
append(json_t *array, json_t *value, bool *ok)
{
    if (json_array_append_new(array, value) != 0)
        *ok = false;
}

/* Gradescope knows only "passed" and "failed". A partial score is a
 * failure there as by its own default (score below max_score). Skipped and
 * inconclusive tests are not the student's failure: they show as passed
 * unless they cost points, and their true status is in the output text,
 * the tags and extra_data. */
static const char *
gradescope_status(const struct graded_test *test)
{
    switch (test->status) {
    case TEST_PASSED:
        return "passed";
    case TEST_SKIPPED:
    case TEST_INCONCLUSIVE:
        return test->held || test->score >= test->max_score ? "passed"
                                                            : "failed";
    case TEST_PARTIAL:
    case TEST_FAILED:
    case TEST_ERROR:
        return "failed";
    }
    return "failed";
}

static json_t *
test_name(const struct lab_result *lab, const char *name)
{
    struct text t = TEXT_INIT;
    json_t *j;

    text_addf(&t, "%s: %s", lab->lab != NULL ? lab->lab : "(lab)",
              name != NULL ? name : "(unnamed)");
    j = t.failed ? NULL : jstring(text_str(&t));
    text_free(&t);
    return j;
}

/* The output a student reads: the true status first, then the test's own. */
static json_t *
test_output(const struct graded_test *test)
{
    struct text t = TEXT_INIT;
    char points[32], score[64];
    json_t *j;

    text_addf(&t, "Status: %s", test_status_name(test->status));
    if (test->held) {
        format_points(test->max_score, points, sizeof(points));
        text_addf(&t, "; its %s point%s are held (neither awarded nor lost)",
                  points, strcmp(points, "1") == 0 ? "" : "s");
    } else {
        format_score(test->score, test->max_score, score, sizeof(score));
        text_addf(&t, " (%s points)", score);
    }
    text_add(&t, ".\n");
    if (test->output != NULL && test->output[0] != '\0') {
        text_addc(&t, '\n');
        text_add(&t, test->output);
    }
    j = t.failed ? NULL : jtext(text_str(&t));
    text_free(&t);
    return j;
}

static json_t *
speedup_points(const struct graded_test *test, bool *ok)
{
    json_t *array = json_array();

    if (array == NULL) {
        *ok = false;
        return NULL;
    }
    for (size_t i = 0; i < test->npoints; i++) {
        const struct speedup_point *p = &test->points[i];
        json_t *point = json_object();
        put(point, "threads", json_integer(p->threads), ok);
        put(point, "student_speedup", jnumber(p->student_speedup), ok);
        put(point, "calibration_speedup", jnumber(p->calibration_speedup), ok);
        put(point, "ratio", jnumber(p->ratio), ok);
        put(point, "student_ms", jnumber(p->student_ms), ok);
        put(point, "serial_ms", jnumber(p->serial_ms), ok);
        put(point, "student_cores", jnumber(p->student_cores), ok);
        put(point, "samples", json_integer(p->samples), ok);
        append(array, point, ok);
    }
    return array;
}

static json_t *
test_entry(const struct lab_result *lab, const struct graded_test *test,
           bool *ok)
{
    json_t *entry = json_object(), *tags = json_array(), *extra;

    if (entry == NULL) {
        json_decref(tags);
        *ok = false;
        return NULL;
    }
    put(entry, "name", test_name(lab, test->name), ok);
    /* A held test neither gains nor loses: it is worth nothing here, so
     * Gradescope's total agrees with ours. */
    put(entry, "score", jnumber(test->held ? 0.0 : test->score), ok);
    put(entry, "max_score", jnumber(test->held ? 0.0 : test->max_score), ok);
    put(entry, "status", json_string(gradescope_status(test)), ok);
    put(entry, "output", test_output(test), ok);
    put(entry, "output_format", json_string("text"), ok);
    put(entry, "visibility",
        json_string(test->visibility != NULL ? test->visibility : "visible"),
        ok);

    append(tags, json_string(test_status_name(test->status)), ok);
    if (test->kind != NULL)
        append(tags, jstring(test->kind), ok);
    if (test->held)
        append(tags, json_string("held"), ok);
    put(entry, "tags", tags, ok);

    extra = json_object();
    put(extra, "lab", jstring(lab->lab), ok);
    put(extra, "kind", jstring(test->kind), ok);
    put(extra, "status", json_string(test_status_name(test->status)), ok);
    put(extra, "held", json_boolean(test->held), ok);
    put(extra, "points", jnumber(test->max_score), ok);
    if (test->npoints > 0)
        put(extra, "measured", speedup_points(test, ok), ok);
    put(entry, "extra_data", extra, ok);
    return entry;
}

/* A lab that could not be graded gets one failed entry with the reason,
 * worth whatever part of the lab's total its tests do not account for, so
 * that the entries always add up to the lab's score and maximum. */
static json_t *
error_entry(const struct lab_result *lab, bool *ok)
{
    json_t *entry = json_object(), *tags = json_array();
    struct text out = TEXT_INIT;
    double score = lab->score, max_score = lab->max_score;

    for (size_t i = 0; i < lab->ntests; i++) {
        if (lab->tests[i].held)
            continue;
        score -= lab->tests[i].score;
        max_score -= lab->tests[i].max_score;
    }
    text_add(&out, "Status: error.\nThis lab could not be graded:\n\n");
    text_add(&out, lab->error);
    put(entry, "name", test_name(lab, "grading"), ok);
    put(entry, "score", jnumber(score > 0 ? score : 0.0), ok);
    put(entry, "max_score", jnumber(max_score > 0 ? max_score : 0.0), ok);
    put(entry, "status", json_string("failed"), ok);
    put(entry, "output", out.failed ? NULL : jtext(text_str(&out)), ok);
    put(entry, "output_format", json_string("text"), ok);
    put(entry, "visibility", json_string("visible"), ok);
    append(tags, json_string("error"), ok);
    put(entry, "tags", tags, ok);
    text_free(&out);
    return entry;
}

/* The text above all tests: totals per lab, the machine and the notes. It
 * is rendered as "simple_format" (HTML with line breaks kept), so it is
 * HTML-escaped. */
static json_t *
summary(const struct grade *g)
{
    struct text plain = TEXT_INIT, html = TEXT_INIT;
    char score[64];
    double sum = 0, max = 0;
    json_t *j;

    /* Students read this summary: it counts the tests they see, so that no
     * total gives away a result that shows later. */
    for (size_t i = 0; i < g->nlabs; i++) {
        struct shown_total shown;

        lab_shown_total(&g->labs[i], &shown);
        sum += shown.score;
        max += shown.max_score;
    }
    format_score(sum, max, score, sizeof(score));
    text_addf(&plain, "Grade: %s\n", score);
    for (size_t i = 0; i < g->nlabs; i++) {
        const struct lab_result *lab = &g->labs[i];
        struct shown_total shown;

        lab_shown_total(lab, &shown);
        text_add(&plain, lab->lab != NULL ? lab->lab : "(lab)");
        if (lab->title != NULL && lab->title[0] != '\0') {
            text_add(&plain, "  ");
            text_add(&plain, lab->title);
        }
        format_score(shown.score, shown.max_score, score, sizeof(score));
        text_addf(&plain, ": %s%s", score,
                  lab->error != NULL ? " (could not be graded)" : "");
        if (shown.later > 0)
            text_addf(&plain, " (and %d test%s worth %g points, shown later)",
                      shown.later, shown.later == 1 ? "" : "s",
                      shown.later_points);
        text_addc(&plain, '\n');
        if (lab->message != NULL) {
            struct text shown = TEXT_INIT;

            text_add_terminal(&shown, lab->message);
            text_add(&plain, text_str(&shown));
            text_free(&shown);
        }
    }
    text_add(&plain, "\nMachine: ");
    machine_describe(&plain, &g->machine);
    text_addc(&plain, '\n');
    if (g->sandbox != NULL) {
        text_add(&plain, "Sandbox: ");
        text_add(&plain, g->sandbox);
        text_addc(&plain, '\n');
    }
    if (g->notes != NULL && g->notes[0] != '\0') {
        text_add(&plain, "\n");
        text_add(&plain, g->notes);
    }
    text_add_xml(&html, text_str(&plain), false);
    j = plain.failed || html.failed ? NULL : jstring(text_str(&html));
    text_free(&plain);
    text_free(&html);
    return j;
}

static json_t *
machine(const struct machine_info *m, bool *ok)
{
    json_t *obj = json_object();

    put(obj, "cpu_model", jstring(m->cpu_model), ok);
    put(obj, "usable_cpus", json_integer(m->usable_cpus), ok);
    put(obj, "physical_cores", json_integer(m->physical_cores), ok);
    put(obj, "logical_cpus", json_integer(m->logical_cpus), ok);
    put(obj, "cpu_quota", jnumber(m->cpu_quota), ok);
    return obj;
}

/* What graded each lab: lab.ini's SHA-256 and the kit's commit
 * (base/provenance.h), whole, for grade-class to compare. */
static json_t *
graded_by(const struct grade *g, bool *ok)
{
    json_t *labs = json_array();

    for (size_t i = 0; i < g->nlabs; i++) {
        const struct lab_result *lab = &g->labs[i];
        json_t *obj = json_object();
        put(obj, "lab", jstring(lab->lab), ok);
        put(obj, "lab_ini_sha256", jstring(lab->spec_sha256), ok);
        put(obj, "kit_commit", jstring(lab->kit_commit), ok);
        append(labs, obj, ok);
    }
    return labs;
}

int
report_results_json(const struct grade *g, const char *path)
{
    json_t *root = json_object(), *tests = json_array(), *extra;
    struct text out = TEXT_INIT;
    bool ok = root != NULL && tests != NULL;
    double seconds;
    char *dump;
    int rc;

    if (g == NULL) {
        json_decref(root);
        json_decref(tests);
        fprintf(stderr, "grader: results.json: no grade to write\n");
        return -1;
    }
    seconds = isfinite(g->seconds) && g->seconds > 0 ? g->seconds : 0;
    put(root, "score", jnumber(grade_score(g)), &ok);
    put(root, "execution_time", json_integer((json_int_t)ceil(seconds)), &ok);
    put(root, "output", summary(g), &ok);
    put(root, "output_format", json_string("simple_format"), &ok);
    put(root, "test_output_format", json_string("text"), &ok);
    put(root, "test_name_format", json_string("text"), &ok);
    put(root, "visibility", json_string("visible"), &ok);
    put(root, "stdout_visibility", json_string("visible"), &ok);

    extra = json_object();
    put(extra, "max_score", jnumber(grade_max_score(g)), &ok);
    put(extra, "machine", machine(&g->machine, &ok), &ok);
    if (g->notes != NULL)
        put(extra, "notes", jstring(g->notes), &ok);
    if (g->sandbox != NULL)
        put(extra, "sandbox", jstring(g->sandbox), &ok);
    put(extra, "graded_by", graded_by(g, &ok), &ok);
    put(root, "extra_data", extra, &ok);

    for (size_t i = 0; i < g->nlabs; i++) {
        const struct lab_result *lab = &g->labs[i];
        if (lab->error != NULL)
            append(tests, error_entry(lab, &ok), &ok);
        for (size_t t = 0; t < lab->ntests; t++)
            append(tests, test_entry(lab, &lab->tests[t], &ok), &ok);
    }
    put(root, "tests", tests, &ok);

    dump =
        ok ? json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(root);
    if (dump == NULL) {
        fprintf(stderr, "grader: results.json: %s: out of memory\n",
                path != NULL ? path : "(no file name)");
        return -1;
    }
    text_add(&out, dump);
    text_addc(&out, '\n');
    free(dump);
    rc = report_write_file(&out, path, "results.json");
    text_free(&out);
    return rc;
}
