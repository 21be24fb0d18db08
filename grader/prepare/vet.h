/* SPDX-License-Identifier: MIT */
/* The grader's preparation: vetting a submission's objects before any of
 * its code runs. A submit file may define helper functions of its own; it
 * may not define a name of the C library, hwloc, libkit or the lab's own
 * objects (a fake clock_gettime, pthread_create or main would change what
 * the tests and timings mean), nor hold code that runs before or after
 * main (a constructor would run in the test runner, outside the tests), nor
 * ask whether a sanitizer watches it (what it does would then change with
 * how it is checked). */
#ifndef GRADER_PREPARE_VET_H
#define GRADER_PREPARE_VET_H

#include "prepare/build.h"
#include "spec/labini.h"

/* The submit files as each flavour's build preprocesses them
 * (build_preprocess()): flavour[0]'s, the release build's, is compared with
 * each other's. */
struct vet_views {
    const char *flavour[4];
    char dir[4][4096];
    int n;
};

/* Vet the submit files (in `submit_dir`) and their objects of the release
 * build `release` of `lab`, and their preprocessed views. Returns NULL
 * when they may run, else what is refused, in words (malloc'ed), each
 * refused name or section named. */
char *vet_submission(const char *kit, const char *lab,
                     const struct lab_spec *spec, const char *submit_dir,
                     const struct lab_build *release,
                     const struct vet_views *views);

#endif
