/* SPDX-License-Identifier: MIT */
/* The grader: what grading a lab produced, as every report reads it. */
#ifndef GRADER_RESULT_H
#define GRADER_RESULT_H

#include "base/machine.h"
#include "base/provenance.h"

#include <stdbool.h>
#include <stddef.h>

/** How one test ended. */
enum test_status {
    TEST_PASSED,       /* full points */
    TEST_PARTIAL,      /* some points (a speedup below target) */
    TEST_FAILED,       /* no points, for a reason in the output */
    TEST_SKIPPED,      /* not run, for a reason in the output (one core) */
    TEST_INCONCLUSIVE, /* measured, but the machine was too noisy to judge */
    TEST_ERROR         /* could not be run: the build failed, a kit error */
};

/** One thread count of a speedup test, for the report and the plot. */
struct speedup_point {
    int threads;
    double student_speedup;     /* median of serial reference / student */
    double calibration_speedup; /* median of calibration 1 / calibration P */
    double ratio;               /* student_speedup / calibration_speedup */
    double student_ms;          /* median wall time of the student's runs */
    double serial_ms;           /* median wall time of the serial reference */
    double student_cores;       /* median CPU time / wall time of the student */
    int samples;                /* rounds measured */
};

/** One test of lab.ini, graded. */
struct graded_test {
    char *name; /* as in lab.ini */
    char *kind; /* check, tsan, asan, speedup, ... */
    double score;
    double max_score;
    enum test_status status;
    /* Points neither awarded nor lost: a skipped or inconclusive test whose
     * lab.ini says to hold them. They count in neither score nor maximum. */
    bool held;
    char *output; /* what the student reads: messages, numbers, diagnosis */
    /* lab.ini's visibility: who sees the result, and when (a string of
     * labini_visibilities, not owned); NULL: visible. */
    const char *visibility;
    double seconds;               /* wall time its runs took */
    struct speedup_point *points; /* speedup tests only */
    /* What a point's `threads` counts (lab.ini's workers, not owned); NULL:
     * threads. */
    const char *workers;
    size_t npoints;
};

/** One lab, graded. */
struct lab_result {
    char *lab;   /* folder name, "02-threads" */
    char *title; /* from lab.ini */
    struct graded_test *tests;
    size_t ntests;
    double score;     /* sum over tests not held */
    double max_score; /* sum over tests not held */
    /* Set when the lab could not be graded at all (missing submit file, an
     * unreadable lab.ini): then tests may be empty. */
    char *error;
    /* Said once for the whole lab, where its tests could not run for one
     * reason of the submission's (the build failed, a refused symbol);
     * each such test fails and points here. NULL: none. */
    char *message;
    double seconds; /* wall time spent grading it */
    /* What graded it (base/provenance.h): lab.ini's SHA-256 ("" if it
     * could not be read) and the kit's commit for the lab. */
    char spec_sha256[SHA256_HEX_LEN + 1];
    char kit_commit[96];
};

/** A whole grading run. */
struct grade {
    struct lab_result *labs;
    size_t nlabs;
    struct machine_info machine;
    double seconds;
    /* Protections the run had, or lacked, in words for the report. */
    char *notes;
    char *sandbox; /* who student code ran as, which walls held */
};

const char *test_status_name(enum test_status status);

/* Whether a student sees the test's result now: its visibility is
 * visible. */
bool test_shown(const struct graded_test *test);

/* A lab's totals over the tests a student sees (not held), and how many
 * tests, worth how many points, show later. */
struct shown_total {
    double score, max_score;
    int later;
    double later_points;
};
void lab_shown_total(const struct lab_result *lab, struct shown_total *out);

/* The student's view of a grade, in place: every test whose visibility is
 * not visible is dropped (its name, points and output with it), the totals
 * are of what is left, and a note says how many tests, worth how many
 * points, were graded besides. Returns how many were dropped, or -1 out of
 * memory (the grade is then dropped-from but without its note). */
int grade_student_view(struct grade *g);

/* Sums of a lab or a grade over the tests that are not held. */
void lab_result_total(struct lab_result *lab);
double grade_score(const struct grade *g);
double grade_max_score(const struct grade *g);

void grade_free(struct grade *g);

#endif
