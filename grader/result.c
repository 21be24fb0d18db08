/* SPDX-License-Identifier: MIT */
/* The grader: totals and cleanup of what a grade holds (see result.h). */
#include "result.h"

#include <stdlib.h>

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

void
grade_free(struct grade *g)
{
    for (size_t i = 0; i < g->nlabs; i++) {
        struct lab_result *lab = &g->labs[i];
        for (size_t t = 0; t < lab->ntests; t++) {
            free(lab->tests[t].name);
            free(lab->tests[t].kind);
            free(lab->tests[t].output);
            free(lab->tests[t].points);
        }
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
