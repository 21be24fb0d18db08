/* The grader: grading one lab of one submission, from its lab.ini to a
 * struct lab_result. */
#ifndef GRADER_GRADE_H
#define GRADER_GRADE_H

#include "result.h"

#include <stdbool.h>

struct grade_options {
    const char *kit; /* the kit's top folder (absolute) */
    int usable_cpus;
    bool keep_workdir; /* leave the work folder for a post-mortem */
    bool progress;     /* a progress line on stderr (a terminal) */
    /* Grade only the tests whose name contains this; NULL: all. */
    const char *only;
    /* Cap every test's time limit at this many seconds; 0: lab.ini's. */
    double timeout_cap;
    /* The walls around student code (sandbox_setup() made them). */
    struct sandbox *sandbox;
};

struct sandbox;

/* Grade `lab` (a folder name under KIT/labs) with the submit files found in
 * `submission_dir`. Always fills `out`; a lab that cannot be graded has
 * out->error set. */
void grade_lab(const struct grade_options *opt, const char *lab,
               const char *submission_dir, struct lab_result *out);

#endif
