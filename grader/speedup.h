/* The grader: the speedup kind, by the calibrated protocol. The student's
 * parallel kernel is timed against the kit's serial reference, and judged
 * as a fraction of the speedup a perfectly parallel calibration kernel gets
 * at the same moment on the same cores, so that a verdict means the same on
 * a busy 2-core CI runner as on an idle 64-core server. */
#ifndef GRADER_SPEEDUP_H
#define GRADER_SPEEDUP_H

#include "labini.h"
#include "result.h"

struct speedup_context {
    const char *bench;          /* the lab's bench program, release build */
    const char *run_dir;        /* where it runs: the work folder's run/ */
    char *const *student_files; /* for hang reports */
    int usable_cpus;
    /* Called before each measured run with a short description, to show
     * progress on a terminal; may be NULL. */
    void (*progress)(const char *what, void *ctx);
    void *progress_ctx;
};

/* Thread counts to measure: the lab's list capped at the usable CPUs,
 * without repeats, in increasing order; returns how many (0 with one usable
 * CPU, where no speedup can be measured). */
int speedup_thread_counts(const struct lab_test *test, int usable, int *out,
                          int max);

void speedup_run(const struct lab_test *test, const struct speedup_context *ctx,
                 struct graded_test *result);

#endif
