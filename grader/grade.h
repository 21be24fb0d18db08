/* SPDX-License-Identifier: MIT */
/* The grader: grading one lab of one submission, from its lab.ini to a
 * struct lab_result, stage by stage: the lab spec (spec/), preparing the
 * submission (prepare/), then each test by its kind (kinds/), every run of
 * student code through the runner (run/). */
#ifndef GRADER_GRADE_H
#define GRADER_GRADE_H

#include "base/machine.h"
#include "result.h"
#include "spec/catalogue.h"

#include <stdbool.h>
#include <stdint.h>

struct sandbox;

struct grade_options {
    const struct catalogue *catalogue; /* the kit and its labs */
    /* The kit as builds and runs of student code see it: the kit's own
     * folder, or its mirror (prepare/mirror.h) where that is closed to the
     * sandbox user. The kit's objects are built there. */
    const char *kit_root;
    const struct machine_info *machine; /* probed once for the whole run */
    bool keep_workdir; /* leave the work folder for a post-mortem */
    bool progress;     /* a progress line on stderr (a terminal) */
    /* Grade only the tests whose name contains one of these (NULL-
     * terminated); NULL or empty: all. */
    char *const *only;
    /* Cap every test's time limit at this many seconds; 0: lab.ini's. */
    double timeout_cap;
    /* Stop at the first test that loses points; the rest are not run (and
     * score nothing): the one question a mutation test asks. */
    bool first_loss;
    /* The walls around student code (sandbox_setup() made them). */
    const struct sandbox *sandbox;
    /* Where the inputs of timed runs come from: new for each grading, or
     * given (--seed) to replay one. */
    uint64_t seed;
};

/* Grade `lab` (a folder name of the catalogue) with the submit files found
 * in `submission_dir`. Always fills `out`; a lab that cannot be graded has
 * out->error set. */
void grade_lab(const struct grade_options *opt, const char *lab,
               const char *submission_dir, struct lab_result *out);

#endif
