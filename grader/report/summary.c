/* SPDX-License-Identifier: MIT */
/* The grader's reports: Markdown for a CI job summary ($GITHUB_STEP_SUMMARY):
 * the total, a table of tests per lab, the output of each test that did not
 * pass in a collapsed section, and the machine the grade was measured on. */
#include "base/escape.h"
#include "base/format.h"
#include "base/text.h"
#include "report/report.h"

#include <string.h>

/* GitHub refuses a step summary above 1 MiB: each output keeps its head and
 * tail, and the details stop once the summary nears the limit. */
#define OUTPUT_KEEP (16 * 1024)
#define SUMMARY_BUDGET (900 * 1024)

static const char *
status_icon(enum test_status status)
{
    switch (status) {
    case TEST_PASSED:
        return "\u2705"; /* check mark */
    case TEST_PARTIAL:
        return "\U0001F7E1"; /* yellow circle */
    case TEST_FAILED:
        return "\u274C"; /* cross */
    case TEST_SKIPPED:
        return "\u23ED\uFE0F"; /* skip */
    case TEST_INCONCLUSIVE:
        return "\u2754"; /* question mark */
    case TEST_ERROR:
        return "\U0001F6D1"; /* stop sign */
    }
    return "";
}

/* Untrusted text in a fenced code block. Controls are made visible (^X),
 * and the fence is longer than any run of backticks inside, so nothing in
 * the text can close it. */
static void
add_code_block(struct text *t, const char *s)
{
    struct text body = TEXT_INIT;
    size_t len = s != NULL ? strlen(s) : 0, fence;

    if (len > OUTPUT_KEEP) {
        struct text cut = TEXT_INIT;
        text_addn(&cut, s, OUTPUT_KEEP / 2);
        text_addf(&cut, "\n[... %zu bytes cut ...]\n", len - OUTPUT_KEEP);
        text_add(&cut, s + len - OUTPUT_KEEP / 2);
        text_add_terminal(&body, text_str(&cut));
        if (cut.failed)
            body.failed = true;
        text_free(&cut);
    } else {
        text_add_terminal(&body, len > 0 ? s : "(no output)");
    }
    fence = format_longest_run(text_str(&body), '`') + 1;
    if (fence < 3)
        fence = 3;
    for (size_t i = 0; i < fence; i++)
        text_addc(t, '`');
    text_add(t, "text\n");
    text_add(t, text_str(&body));
    if (body.len > 0 && body.buf[body.len - 1] != '\n')
        text_addc(t, '\n');
    for (size_t i = 0; i < fence; i++)
        text_addc(t, '`');
    text_addc(t, '\n');
    if (body.failed)
        t->failed = true;
    text_free(&body);
}

static void
add_table(struct text *t, const struct lab_result *lab)
{
    char points[64];

    text_add(t, "| test | status | points |\n| :--- | :--- | ---: |\n");
    for (size_t i = 0; i < lab->ntests; i++) {
        const struct graded_test *test = &lab->tests[i];
        text_add(t, "| ");
        text_add_md(t, test->name != NULL ? test->name : "(unnamed)");
        text_addf(t, " | %s %s%s | ", status_icon(test->status),
                  test_status_name(test->status), test->held ? ", held" : "");
        if (test->held)
            snprintf(points, sizeof(points), "held");
        else
            format_score(test->score, test->max_score, points, sizeof(points));
        text_addf(t, "%s |\n", points);
    }
}

/* A collapsed section per test that did not pass, with its output. */
static void
add_details(struct text *t, const struct lab_result *lab, bool *out_of_room)
{
    char points[64];

    for (size_t i = 0; i < lab->ntests && !*out_of_room; i++) {
        const struct graded_test *test = &lab->tests[i];
        if (test->status == TEST_PASSED)
            continue;
        if (t->len > SUMMARY_BUDGET) {
            *out_of_room = true;
            text_add(t, "\n_More output was left out: the summary is at "
                        "its size limit. The terminal report has it all._\n");
            return;
        }
        /* The <summary> line is HTML, not Markdown: HTML-escaped. */
        text_add(t, "\n<details><summary>");
        text_add_xml(t, lab->lab, false);
        text_add(t, ": ");
        text_add_xml(t, test->name != NULL ? test->name : "(unnamed)", false);
        if (test->held) {
            format_points(test->max_score, points, sizeof(points));
            text_addf(t, " \u2014 %s, %s points held",
                      test_status_name(test->status), points);
        } else {
            format_score(test->score, test->max_score, points, sizeof(points));
            text_addf(t, " \u2014 %s, %s", test_status_name(test->status),
                      points);
        }
        /* The blank line ends the HTML block, so the fence is Markdown. */
        text_add(t, "</summary>\n\n");
        add_code_block(t, test->output);
        text_add(t, "\n</details>\n");
    }
}

static double
held_points(const struct lab_result *lab)
{
    double held = 0;

    for (size_t i = 0; i < lab->ntests; i++)
        if (lab->tests[i].held)
            held += lab->tests[i].max_score;
    return held;
}

int
report_summary(const struct grade *g, const char *path)
{
    struct text t = TEXT_INIT, machine = TEXT_INIT;
    char score[64], points[32];
    double held = 0;
    bool out_of_room = false;
    int rc;

    if (g == NULL) {
        fprintf(stderr, "grader: summary: no grade to write\n");
        return -1;
    }
    for (size_t i = 0; i < g->nlabs; i++)
        held += held_points(&g->labs[i]);
    format_score(grade_score(g), grade_max_score(g), score, sizeof(score));
    text_addf(&t, "## Grade: %s\n\n", score);
    if (held > 0) {
        format_points(held, points, sizeof(points));
        text_addf(&t,
                  "_%s points held: tests this machine could not judge "
                  "count neither way._\n\n",
                  points);
    }
    if (g->nlabs == 0)
        text_add(&t, "No lab was graded.\n\n");

    for (size_t i = 0; i < g->nlabs; i++) {
        const struct lab_result *lab = &g->labs[i];
        text_add(&t, "### ");
        text_add_md(&t, lab->lab != NULL ? lab->lab : "(unnamed lab)");
        if (lab->title != NULL && lab->title[0] != '\0') {
            text_add(&t, ": ");
            text_add_md(&t, lab->title);
        }
        format_score(lab->score, lab->max_score, score, sizeof(score));
        text_addf(&t, " \u2014 %s\n\n", score);
        if (lab->error != NULL) {
            text_add(&t, "**Could not be graded:**\n\n");
            add_code_block(&t, lab->error);
            text_addc(&t, '\n');
        }
        if (lab->message != NULL) {
            add_code_block(&t, lab->message);
            text_addc(&t, '\n');
        }
        if (lab->ntests > 0)
            add_table(&t, lab);
        add_details(&t, lab, &out_of_room);
        text_addc(&t, '\n');
    }

    machine_describe(&machine, &g->machine);
    text_add(&t, "**Machine:** ");
    text_add_md(&t, text_str(&machine));
    text_addc(&t, '\n');
    if (machine.failed)
        t.failed = true;
    text_free(&machine);
    if (g->sandbox != NULL) {
        text_add(&t, "\n**Sandbox:** ");
        text_add_md(&t, g->sandbox);
        text_addc(&t, '\n');
    }
    if (g->nlabs > 0) {
        struct text by = TEXT_INIT;
        report_graded_by(&by, g);
        text_add(&t, "\n**Graded by:** ");
        text_add_md(&t, text_str(&by));
        text_addc(&t, '\n');
        t.failed |= by.failed;
        text_free(&by);
    }
    if (g->notes != NULL && g->notes[0] != '\0') {
        text_add(&t, "\n**Notes:**\n\n");
        add_code_block(&t, g->notes);
    }
    rc = report_write_file(&t, path, "summary");
    text_free(&t);
    return rc;
}
