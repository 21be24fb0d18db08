/* SPDX-License-Identifier: MIT */
/* The grader's reports: the report a person reads on the terminal. Per lab, one
 * line per test with its points, the output of each test that did not pass (and
 * of speedup tests, whose numbers are the feedback), then totals and the
 * machine the grade was measured on. */
#include "base/escape.h"
#include "base/format.h"
#include "base/text.h"
#include "report/report.h"

#include <string.h>

#define SGR_RESET "\033[0m"
#define SGR_BOLD "\033[1m"
#define SGR_RED "\033[31m"
#define SGR_GREEN "\033[32m"
#define SGR_YELLOW "\033[33m"

/* Widest status word, and the widest test name before names overflow. */
#define MARK_WIDTH 12
#define NAME_WIDTH_MAX 48
/* Output lines sit under the test name. */
#define OUTPUT_INDENT 6

/* The status as result.c names it, the two that cost points in capitals,
 * so that they stand out in a long report without colours. */
static const char *
status_mark(enum test_status status)
{
    if (status == TEST_FAILED)
        return "FAILED";
    if (status == TEST_ERROR)
        return "ERROR";
    return test_status_name(status);
}

static const char *
status_colour(enum test_status status)
{
    switch (status) {
    case TEST_PASSED:
        return SGR_GREEN;
    case TEST_PARTIAL:
    case TEST_SKIPPED:
    case TEST_INCONCLUSIVE:
        return SGR_YELLOW;
    case TEST_FAILED:
    case TEST_ERROR:
        return SGR_RED;
    }
    return "";
}

/* s, wrapped in the SGR code when colouring; already safe for a terminal. */
static void
add_styled(struct text *t, bool color, const char *sgr, const char *s)
{
    if (color)
        text_add(t, sgr);
    text_add(t, s);
    if (color)
        text_add(t, SGR_RESET);
}

static void
add_spaces(struct text *t, size_t n)
{
    while (n-- > 0)
        text_addc(t, ' ');
}

/* Untrusted text, sanitised, each line indented; no trailing empty line. */
static void
add_indented(struct text *t, const char *s, size_t indent)
{
    struct text clean = TEXT_INIT;
    const char *line, *end;

    text_add_terminal(&clean, s);
    if (clean.failed)
        t->failed = true;
    for (line = text_str(&clean); *line != '\0'; line = end + (*end == '\n')) {
        end = strchr(line, '\n');
        if (end == NULL)
            end = line + strlen(line);
        if (end > line) { /* a blank line stays blank */
            add_spaces(t, indent);
            text_addn(t, line, (size_t)(end - line));
        }
        text_addc(t, '\n');
    }
    text_free(&clean);
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

static void
add_total(struct text *t, bool color, const char *label, double score,
          double max_score, double held)
{
    char buf[96], points[32];

    format_score(score, max_score, points, sizeof(points));
    snprintf(buf, sizeof(buf), "%s %s", label, points);
    add_styled(t, color, SGR_BOLD, buf);
    if (held > 0) {
        format_points(held, points, sizeof(points));
        text_addf(t, "  (%s point%s held)", points,
                  strcmp(points, "1") == 0 ? "" : "s");
    }
    text_addc(t, '\n');
}

static void
add_lab(struct text *t, const struct lab_result *lab, bool color)
{
    struct text header = TEXT_INIT;
    size_t name_width = 0, points_width = 0;
    char points[64];

    text_add_terminal(&header, lab->lab != NULL ? lab->lab : "(unnamed lab)");
    if (lab->title != NULL && lab->title[0] != '\0') {
        text_add(&header, "  ");
        text_add_terminal(&header, lab->title);
    }
    add_styled(t, color, SGR_BOLD, text_str(&header));
    text_addc(t, '\n');
    if (header.failed)
        t->failed = true;
    text_free(&header);

    if (lab->error != NULL) {
        text_add(t, "  ");
        add_styled(t, color, SGR_RED, "could not be graded:");
        text_addc(t, '\n');
        add_indented(t, lab->error, OUTPUT_INDENT);
    }
    if (lab->message != NULL)
        add_indented(t, lab->message, OUTPUT_INDENT);

    for (size_t i = 0; i < lab->ntests; i++) {
        const struct graded_test *test = &lab->tests[i];
        size_t w = format_width(test->name);
        if (w > name_width)
            name_width = w < NAME_WIDTH_MAX ? w : NAME_WIDTH_MAX;
        format_score(test->score, test->max_score, points, sizeof(points));
        w = test->held ? 4 : strlen(points);
        if (w > points_width)
            points_width = w;
    }

    for (size_t i = 0; i < lab->ntests; i++) {
        const struct graded_test *test = &lab->tests[i];
        const char *mark = status_mark(test->status);
        struct text name = TEXT_INIT;
        size_t w;

        text_add(t, "  ");
        add_styled(t, color, status_colour(test->status), mark);
        add_spaces(t, MARK_WIDTH + 2 - strlen(mark));
        text_add_terminal(&name, test->name != NULL ? test->name : "(unnamed)");
        text_add(t, text_str(&name));
        w = format_width(text_str(&name));
        if (name.failed)
            t->failed = true;
        text_free(&name);
        add_spaces(t, (w < name_width ? name_width - w : 0) + 2);
        if (test->held)
            snprintf(points, sizeof(points), "held");
        else
            format_score(test->score, test->max_score, points, sizeof(points));
        add_spaces(t, points_width > strlen(points)
                          ? points_width - strlen(points)
                          : 0);
        text_add(t, points);
        text_addc(t, '\n');
        /* A passed test says nothing more, unless it measured: its
         * numbers are the student's to see. */
        if (test->status != TEST_PASSED || test->npoints > 0)
            add_indented(t, test->output, OUTPUT_INDENT);
    }
    text_add(t, "  ");
    add_total(t, color, "total", lab->score, lab->max_score, held_points(lab));
}

void
report_terminal(const struct grade *g, FILE *to, bool color)
{
    struct text t = TEXT_INIT, machine = TEXT_INIT;
    double held = 0;

    if (g == NULL || to == NULL)
        return;
    for (size_t i = 0; i < g->nlabs; i++) {
        add_lab(&t, &g->labs[i], color);
        text_addc(&t, '\n');
        held += held_points(&g->labs[i]);
    }
    if (g->nlabs == 0)
        text_add(&t, "No lab was graded.\n\n");
    add_total(&t, color, "Total", grade_score(g), grade_max_score(g), held);
    machine_describe(&machine, &g->machine);
    text_add(&t, "Machine: ");
    text_add_terminal(&t, text_str(&machine));
    text_addc(&t, '\n');
    if (machine.failed)
        t.failed = true;
    text_free(&machine);
    if (g->sandbox != NULL) {
        text_add(&t, "Sandbox: ");
        text_add_terminal(&t, g->sandbox);
        text_addc(&t, '\n');
    }
    if (g->nlabs > 0) {
        text_add(&t, "Graded by: ");
        report_graded_by(&t, g);
        text_addc(&t, '\n');
    }
    if (g->notes != NULL && g->notes[0] != '\0') {
        text_add(&t, "Notes:\n");
        add_indented(&t, g->notes, 2);
    }
    if (t.failed)
        fprintf(stderr, "grader: terminal report: out of memory\n");
    else
        fwrite(text_str(&t), 1, t.len, to);
    fflush(to);
    text_free(&t);
}
