/* SPDX-License-Identifier: MIT */
/* The grader's reports: JUnit XML for CI test views (GitHub, GitLab, Jenkins):
 * a <testsuite> per lab, a <testcase> per test; partial and failed tests as
 * <failure>, errors as <error>, skipped, inconclusive and held as <skipped>. */
#include "base/escape.h"
#include "base/format.h"
#include "base/text.h"
#include "report/report.h"

#include <math.h>
#include <string.h>

/* The longest first line of output a message attribute quotes. */
#define MESSAGE_LINE_MAX 200

enum outcome { OUT_PASSED, OUT_FAILURE, OUT_ERROR, OUT_SKIPPED };

/* A held test is not judged either way, whatever its status says. */
static enum outcome
outcome(const struct graded_test *test)
{
    if (test->held)
        return OUT_SKIPPED;
    switch (test->status) {
    case TEST_PASSED:
        return OUT_PASSED;
    case TEST_PARTIAL:
    case TEST_FAILED:
        return OUT_FAILURE;
    case TEST_ERROR:
        return OUT_ERROR;
    case TEST_SKIPPED:
    case TEST_INCONCLUSIVE:
        return OUT_SKIPPED;
    }
    return OUT_ERROR;
}

struct counts {
    size_t tests, failures, errors, skipped;
};

static struct counts
lab_counts(const struct lab_result *lab)
{
    struct counts c = {0, 0, 0, 0};

    for (size_t i = 0; i < lab->ntests; i++) {
        c.tests++;
        switch (outcome(&lab->tests[i])) {
        case OUT_PASSED:
            break;
        case OUT_FAILURE:
            c.failures++;
            break;
        case OUT_ERROR:
            c.errors++;
            break;
        case OUT_SKIPPED:
            c.skipped++;
            break;
        }
    }
    if (lab->error != NULL) { /* reported as one more test, in error */
        c.tests++;
        c.errors++;
    }
    return c;
}

static void
add_counts(struct text *t, const struct counts *c, double seconds)
{
    text_addf(t,
              " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\"",
              c->tests, c->failures, c->errors, c->skipped);
    text_addf(t, " time=\"%.3f\"",
              isfinite(seconds) && seconds > 0 ? seconds : 0.0);
}

/* "partial: 24.5/30 points", "inconclusive, 30 points held: <why>". */
static void
add_message(struct text *t, const struct graded_test *test)
{
    struct text m = TEXT_INIT;
    char points[64];
    const char *out = test->output != NULL ? test->output : "";
    size_t line;

    text_add(&m, test_status_name(test->status));
    if (test->held) {
        format_points(test->max_score, points, sizeof(points));
        text_addf(&m, ", %s points held", points);
    } else {
        format_score(test->score, test->max_score, points, sizeof(points));
        text_addf(&m, ": %s points", points);
    }
    if (outcome(test) == OUT_SKIPPED) {
        /* A reader of skipped tests sees only the message: say why. */
        out += strspn(out, " \t\r\n");
        line = strcspn(out, "\r\n");
        if (line > 0) {
            text_add(&m, ": ");
            text_addn(&m, out,
                      line < MESSAGE_LINE_MAX ? line : MESSAGE_LINE_MAX);
        }
    }
    if (m.failed)
        t->failed = true;
    text_add_xml(t, text_str(&m), true);
    text_free(&m);
}

/* Student output as XML text, its controls made visible (^A) as on the
 * terminal rather than replaced: a CI log then shows what was there. */
static void
add_output(struct text *t, const char *s)
{
    struct text visible = TEXT_INIT;

    text_add_terminal(&visible, s);
    text_add_xml(t, text_str(&visible), false);
    if (visible.failed)
        t->failed = true;
    text_free(&visible);
}

static void
add_testcase(struct text *t, const char *lab, const struct graded_test *test)
{
    const char *out = test->output != NULL ? test->output : "";
    enum outcome o = outcome(test);

    text_add(t, "    <testcase classname=\"");
    text_add_xml(t, lab, true);
    text_add(t, "\" name=\"");
    text_add_xml(t, test->name != NULL ? test->name : "(unnamed)", true);
    text_addf(t, "\" time=\"%.3f\">\n",
              isfinite(test->seconds) && test->seconds > 0 ? test->seconds
                                                           : 0.0);
    if (o == OUT_FAILURE || o == OUT_ERROR) {
        const char *tag = o == OUT_ERROR ? "error" : "failure";
        text_addf(t, "      <%s message=\"", tag);
        add_message(t, test);
        text_addf(t, "\" type=\"%s\">", test_status_name(test->status));
        add_output(t, out);
        text_addf(t, "</%s>\n", tag);
    } else if (o == OUT_SKIPPED) {
        text_add(t, "      <skipped message=\"");
        add_message(t, test);
        text_add(t, "\"/>\n");
    }
    /* Passed and skipped tests keep their output too (a speedup's numbers,
     * why a test was skipped), where CI shows a test's log. */
    if (o != OUT_FAILURE && o != OUT_ERROR && out[0] != '\0') {
        text_add(t, "      <system-out>");
        add_output(t, out);
        text_add(t, "</system-out>\n");
    }
    text_add(t, "    </testcase>\n");
}

static void
add_property(struct text *t, const char *name, const char *value)
{
    text_addf(t, "      <property name=\"%s\" value=\"", name);
    text_add_xml(t, value, true);
    text_add(t, "\"/>\n");
}

static void
add_testsuite(struct text *t, const struct lab_result *lab)
{
    const char *name = lab->lab != NULL ? lab->lab : "(unnamed lab)";
    struct counts c = lab_counts(lab);
    char points[32];

    text_add(t, "  <testsuite name=\"");
    text_add_xml(t, name, true);
    text_addc(t, '"');
    add_counts(t, &c, lab->seconds);
    text_add(t, ">\n    <properties>\n");
    if (lab->title != NULL)
        add_property(t, "title", lab->title);
    format_points(lab->score, points, sizeof(points));
    add_property(t, "score", points);
    format_points(lab->max_score, points, sizeof(points));
    add_property(t, "max_score", points);
    text_add(t, "    </properties>\n");
    if (lab->error != NULL) {
        text_add(t, "    <testcase classname=\"");
        text_add_xml(t, name, true);
        text_add(t, "\" name=\"grading\" time=\"0\">\n"
                    "      <error message=\"could not be graded\" "
                    "type=\"error\">");
        add_output(t, lab->error);
        text_add(t, "</error>\n    </testcase>\n");
    }
    for (size_t i = 0; i < lab->ntests; i++)
        add_testcase(t, name, &lab->tests[i]);
    if (lab->message != NULL) {
        text_add(t, "    <system-out>");
        add_output(t, lab->message);
        text_add(t, "</system-out>\n");
    }
    text_add(t, "  </testsuite>\n");
}

int
report_junit(const struct grade *g, const char *path)
{
    struct text t = TEXT_INIT;
    struct counts all = {0, 0, 0, 0};
    int rc;

    if (g == NULL) {
        fprintf(stderr, "grader: JUnit report: no grade to write\n");
        return -1;
    }
    for (size_t i = 0; i < g->nlabs; i++) {
        struct counts c = lab_counts(&g->labs[i]);
        all.tests += c.tests;
        all.failures += c.failures;
        all.errors += c.errors;
        all.skipped += c.skipped;
    }
    text_add(&t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<testsuites name=\"grade\"");
    add_counts(&t, &all, g->seconds);
    text_add(&t, ">\n");
    for (size_t i = 0; i < g->nlabs; i++)
        add_testsuite(&t, &g->labs[i]);
    text_add(&t, "</testsuites>\n");
    rc = report_write_file(&t, path, "JUnit report");
    text_free(&t);
    return rc;
}
