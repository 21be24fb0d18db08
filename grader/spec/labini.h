/* SPDX-License-Identifier: MIT */
/* The grader's lab spec: a lab's lab.ini, read with inih, the one place it
 * is parsed. The file is always the kit's own copy, never the
 * submission's: it holds the points. */
#ifndef GRADER_SPEC_LABINI_H
#define GRADER_SPEC_LABINI_H

#include "base/provenance.h"
#include "kit_calibrate.h"

#include <stdbool.h>
#include <stddef.h>

#define LABINI_MAX_THREADS 16
#define LABINI_MAX_SUBMIT 8
/* A lab.ini is a page or two; anything far larger is not one. */
#define LABINI_MAX_BYTES (1024 * 1024)

struct kind; /* kinds/kinds.h: what runs a test of the kind */

/* One [test "name"] section. Which keys a kind needs is the kinds table's
 * to say (kinds/kinds.c); this file only knows what each key may hold. */
struct test_spec {
    char *name;
    char *kind_name;         /* as lab.ini writes it */
    const struct kind *kind; /* set by kinds_bind() */
    double points;
    char *tcase;    /* check/tsan/asan/leftovers: this TCase only; NULL: all */
    double timeout; /* seconds; what it bounds depends on the kind */
    /* Who sees the test's result, and when: one of labini_visibilities,
     * Gradescope's words (visible, the default; hidden; after_due_date;
     * after_published). A student's view of a report (--student-view) shows
     * only what this allows. */
    const char *visibility;
    /* speedup */
    char *bench;  /* the lab's bench program */
    char *kernel; /* its -k kernel */
    enum kit_calibration calibration;
    int threads[LABINI_MAX_THREADS];
    int nthreads;
    double target;      /* ratio to the calibration's speedup for full marks */
    long size;          /* -n of the bench runs */
    bool skip_awards;   /* skip = award: a skip gives the points */
    double duration_ms; /* aimed length of one timed run */
    int min_rounds;
    int max_rounds;
    /* What one of bench -n counts (task, item); when given, the feedback
     * prices the student's code per one of them. NULL: not priced. */
    char *unit;
    /* What the bench's -t counts, as the report names them: one of
     * labini_workers (not owned); NULL: threads. */
    const char *workers;
    /* startup = excluded: the time to start and end the workers with none
     * of the work (the bench's -v startup, the kit's code only) is timed
     * beside each of the student's runs and taken off it. */
    bool startup_excluded;
    /* busywait */
    char *program;    /* the lab's program that measures its waiting phase */
    char *args;       /* its arguments, split at spaces; NULL: none */
    double max_cores; /* CPU time / wall time allowed while waiting */
    /* Keys lab.ini gave (one bit per key of labini_test_keys), so that a
     * key a kind does not use is refused rather than ignored. */
    unsigned long given;
};

struct lab_spec {
    char *title;
    char *submit[LABINI_MAX_SUBMIT];
    int nsubmit;
    struct test_spec *tests;
    int ntests;
    /* The SHA-256 of the file as read, in hex: which spec graded a lab
     * (results.json records it; grade-class regrades when it changes). */
    char sha256[SHA256_HEX_LEN + 1];
};

/* Read `path`. Unknown sections and keys, bad values and missing points are
 * errors (a typo must not silently change a grade). Returns 0, or -1 with a
 * reason naming the file and line in `err`. */
int labini_read(const char *path, struct lab_spec *out, char *err,
                size_t errlen);

/* Every key a [test] section may have, NULL-terminated. */
extern const char *const labini_test_keys[];

/* What `workers` may be, NULL-terminated. */
extern const char *const labini_workers[];

/* What `visibility` may be, NULL-terminated. */
extern const char *const labini_visibilities[];

/* Whether lab.ini gave `key` for this test. */
bool labini_given(const struct test_spec *test, const char *key);

void labini_free(struct lab_spec *spec);

/* Free what one test holds (for dropping a test from a spec). */
void labini_free_test(struct test_spec *test);

#endif
