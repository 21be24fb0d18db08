/* The grader: a lab's lab.ini, read with inih. The file is always the kit's
 * own copy, never the submission's: it holds the points. */
#ifndef GRADER_LABINI_H
#define GRADER_LABINI_H

#include "kit_calibrate.h"

#include <stdbool.h>
#include <stddef.h>

enum test_kind {
    KIND_CHECK,     /* the Check suite, or one TCase of it */
    KIND_TSAN,      /* the suite built with ThreadSanitizer */
    KIND_ASAN,      /* the suite built with AddressSanitizer and UBSan */
    KIND_SPEEDUP,   /* the calibrated speedup protocol on the bench program */
    KIND_LEFTOVERS, /* the suite, then no process of it left running or
                       unreaped */
    KIND_BUSYWAIT   /* a lab program's waiting phase keeps few cores busy */
};

#define LABINI_MAX_THREADS 16
#define LABINI_MAX_SUBMIT 8

/* One [test "name"] section. */
struct lab_test {
    char *name;
    enum test_kind kind;
    double points;
    char *tcase;    /* check/tsan/asan: run only this TCase; NULL: all */
    double timeout; /* seconds for the whole run */
    /* speedup only */
    char *bench;  /* the lab's bench program */
    char *kernel; /* its -k kernel */
    enum kit_calibration calibration;
    int threads[LABINI_MAX_THREADS];
    int nthreads;
    double target;      /* ratio to the calibration's speedup for full marks */
    long size;          /* -n of the bench runs */
    double tolerance;   /* relative difference from serial still correct */
    bool skip_awards;   /* skip = award: a skip gives the points */
    double duration_ms; /* aimed length of one timed run */
    int min_rounds;
    int max_rounds;
    /* busywait only */
    char *program;    /* the lab's program that measures its waiting phase */
    char *args;       /* its arguments, split at spaces; NULL: none */
    double max_cores; /* CPU time / wall time allowed while waiting */
};

struct lab_config {
    char *title;
    char *submit[LABINI_MAX_SUBMIT];
    int nsubmit;
    struct lab_test *tests;
    int ntests;
};

/* Read `path`. Unknown sections and keys, bad values and missing points are
 * errors (a typo must not silently change a grade). Returns 0, or -1 with a
 * reason naming the file and line in `err`. */
int labini_read(const char *path, struct lab_config *out, char *err,
                size_t errlen);

void labini_free(struct lab_config *config);

/* Free what one test holds (for dropping a test from a config). */
void labini_free_test(struct lab_test *test);

const char *test_kind_name(enum test_kind kind);

#endif
