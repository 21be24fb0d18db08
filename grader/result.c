/* SPDX-License-Identifier: MIT */
/* The grader: totals and cleanup of what a grade holds (see result.h). */
#include "result.h"
#include "base/text.h"

#include <stdlib.h>
#include <string.h>

const char *
test_status_name(enum test_status status)
{
    switch (status) {
    case TEST_PASSED:
        return "passed";
    case TEST_PARTIAL:
        return "partial";
    case TEST_FAILED:
        return "failed";
    case TEST_SKIPPED:
        return "skipped";
    case TEST_INCONCLUSIVE:
        return "inconclusive";
    case TEST_ERROR:
        return "error";
    }
    return "unknown";
}

void
lab_result_total(struct lab_result *lab)
{
    lab->score = 0;
    lab->max_score = 0;
    for (size_t i = 0; i < lab->ntests; i++) {
        if (lab->tests[i].held)
            continue;
        lab->score += lab->tests[i].score;
        lab->max_score += lab->tests[i].max_score;
    }
}

double
grade_score(const struct grade *g)
{
    double sum = 0;

    for (size_t i = 0; i < g->nlabs; i++)
        sum += g->labs[i].score;
    return sum;
}

double
grade_max_score(const struct grade *g)
{
    double sum = 0;

    for (size_t i = 0; i < g->nlabs; i++)
        sum += g->labs[i].max_score;
    return sum;
}

bool
test_shown(const struct graded_test *test)
{
    return test->visibility == NULL || strcmp(test->visibility, "visible") == 0;
}

void
lab_shown_total(const struct lab_result *lab, struct shown_total *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < lab->ntests; i++) {
        const struct graded_test *t = &lab->tests[i];

        if (!test_shown(t)) {
            out->later++;
            out->later_points += t->max_score;
        } else if (!t->held) {
            out->score += t->score;
            out->max_score += t->max_score;
        }
    }
}

static void
free_test(struct graded_test *t)
{
    free(t->name);
    free(t->kind);
    free(t->output);
    free(t->points);
}

int
grade_student_view(struct grade *g)
{
    int later = 0;
    double later_points = 0;
    struct text note = TEXT_INIT;

    for (size_t i = 0; i < g->nlabs; i++) {
        struct lab_result *lab = &g->labs[i];
        size_t kept = 0;

        for (size_t t = 0; t < lab->ntests; t++) {
            if (test_shown(&lab->tests[t])) {
                lab->tests[kept++] = lab->tests[t];
                continue;
            }
            later++;
            later_points += lab->tests[t].max_score;
            free_test(&lab->tests[t]);
        }
        lab->ntests = kept;
        lab_result_total(lab);
    }
    if (later == 0)
        return 0;
    if (g->notes != NULL && g->notes[0] != '\0') {
        text_add(&note, g->notes);
        text_add(&note, "\n");
    }
    text_addf(&note,
              "%d more test%s (%g points) %s graded; %s results are shown "
              "when the course says (lab.ini's visibility), and the totals "
              "above leave %s out.",
              later, later == 1 ? "" : "s", later_points,
              later == 1 ? "was" : "were", later == 1 ? "its" : "their",
              later == 1 ? "it" : "them");
    if (note.failed) {
        text_free(&note);
        return -1;
    }
    free(g->notes);
    g->notes = text_steal(&note);
    return later;
}

void
grade_free(struct grade *g)
{
    for (size_t i = 0; i < g->nlabs; i++) {
        struct lab_result *lab = &g->labs[i];
        for (size_t t = 0; t < lab->ntests; t++)
            free_test(&lab->tests[t]);
        free(lab->tests);
        free(lab->lab);
        free(lab->title);
        free(lab->error);
        free(lab->message);
    }
    free(g->labs);
    free(g->notes);
    free(g->sandbox);
    g->sandbox = NULL;
    g->labs = NULL;
    g->nlabs = 0;
    g->notes = NULL;
}
