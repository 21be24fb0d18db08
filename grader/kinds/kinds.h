/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: the table of every kind a lab.ini may name,
 * and the one signature every kind's run function has. A kind is named
 * here and nowhere else: lab.ini's `kind = NAME` is looked up in the
 * table, and grade.c only loops over a lab's tests calling what the table
 * says. */
#ifndef GRADER_KINDS_KINDS_H
#define GRADER_KINDS_KINDS_H

#include "base/machine.h"
#include "hang/hang.h"
#include "prepare/build.h"
#include "result.h"
#include "run/runner.h"
#include "spec/catalogue.h"
#include "spec/labini.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Everything a kind's run function gets: the test, the build of its
 * flavour, where student code runs, and how. */
struct kind_call {
    const struct test_spec *test;
    const struct lab_build *build; /* of the kind's flavour, built */
    const char *run_dir;        /* the tests' cwd: the work folder's run/, the
                                   one place student code may write */
    const char *workdir;        /* the work folder, for the sandbox */
    char *const *student_files; /* the lab's submit files, NULL-terminated */
    int nfiles;
    const struct machine_info *machine;
    const struct sandbox *sandbox; /* the walls student code runs in */
    uint64_t seed; /* where the inputs of timed runs come from */
    /* The limits of each run the kind makes: the table's, with lab.ini's
     * timeout put where the kind's time limit goes. */
    struct run_limits limits;
    /* Set to true when a run of the test reaches its time limit (a hang
     * the stuck check could not call final: a spin, or work too slow);
     * NULL: not asked. */
    bool *timed_out;
    /* Called before each measured run with a short description, to show
     * progress on a terminal; may be NULL. */
    void (*progress)(const char *what, void *ctx);
    void *progress_ctx;
};

/* A CPU-time limit that follows the wall time: 4 x the wall limit + 10 s,
 * room for every thread of a run on a 4-core share of the machine. */
#define KIND_CPU_FROM_WALL (-1L)

struct kind {
    const char *name; /* as lab.ini writes it */
    /* What the test measures, for `grader --describe` and the docs. */
    const char *what;
    const char *flavour; /* the build it runs: release, tsan or asan */
    /* Timing: the machine to itself (the machine lock taken exclusively,
     * so other graders of a class wait). */
    bool alone;
    /* Keys of a [test] section this kind needs, and those it takes
     * besides (kind, points and timeout go with every kind). */
    const char *const *needs;
    const char *const *takes;
    /* What lab.ini's `timeout` bounds for this kind (default 30 s). */
    const char *timeout_means;
    /* The limits of each run; wall_seconds 0: lab.ini's timeout. */
    struct run_limits limits;
    void (*run)(const struct kind_call *call, struct graded_test *result);
};

/* The kind lab.ini calls `name`, or NULL. */
const struct kind *kinds_find(const char *name);

/* Every kind, in the table's order; `n` receives how many. */
const struct kind *kinds_all(size_t *n);

/* Give each test of `spec` its kind, checking that the kind exists and
 * that the test has the keys the kind needs and none it does not take.
 * Returns 0, or -1 with the reason (naming the test) in `err`. */
int kinds_bind(struct lab_spec *spec, char *err, size_t errlen);

/* Read the lab's spec (catalogue_read()) and bind its kinds: what grading
 * and `grader --describe` start from. Returns 0, or -1 with the reason in
 * `err`, naming the lab.ini. */
int kinds_read_lab(const struct catalogue *c, const char *lab,
                   struct lab_spec *spec, char *err, size_t errlen);

/* The run request of a kind's run of `argv`: its limits, cwd, sandbox, and
 * the hang diagnosis (with `hang` filled in for the student's files). */
struct run_request kind_request(const struct kind_call *call, char *const *argv,
                                struct hang_options *hang);

/* run_program() for a kind: the same, and a run that reaches its time
 * limit is told to the caller through call->timed_out. */
int kind_run(const struct kind_call *call, const struct run_request *req,
             struct run_result *result);

#endif
