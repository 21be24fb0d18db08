/* SPDX-License-Identifier: MIT */
/* The grader's preparation: building a lab in one flavour (release, tsan,
 * asan). The kit's own objects of the lab (drivers, serial references,
 * tests, wrappers) and libkit are built once in the kit's build folder, as
 * the kit; a submission's build then compiles only its submit files, in
 * the sandbox, and links them with those. */
#ifndef GRADER_PREPARE_BUILD_H
#define GRADER_PREPARE_BUILD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct sandbox;
struct workdir;

/* The build of one flavour of a lab. */
struct lab_build {
    char flavour[16];
    char out[PATH_MAX]; /* the folder with the programs and test binary */
    /* The kit's own build of the lab in this flavour, with the programs
     * that hold none of the submission's code (PROGRAM-reference). */
    char kit_out[PATH_MAX];
    char suite[PATH_MAX]; /* the lab's Check suite program (check_*) */
    bool ok;
    char *log; /* on failure: the compiler's messages, trimmed and capped */
};

/* Build libkit and the kit's objects of `lab` in `flavour`, in the kit's
 * own build folder, if they are not up to date; one grader at a time (a
 * lock file in the build folder). Returns 0 or -1 with `err`. */
int build_kit(const char *kit, const char *lab, const char *flavour, char *err,
              size_t errlen);

/* Build the submission in `w` for `lab` in `flavour`, as the sandbox's
 * user, into w->out/FLAVOUR. Returns 0 when the build ran (see b->ok), -1
 * when it could not be started (b->log says why). */
int build_submission(const char *kit, const char *lab, const struct workdir *w,
                     const char *flavour, const struct sandbox *sandbox,
                     struct lab_build *b);

/* The submit files of `w` preprocessed as the `flavour` build compiles
 * them, as the sandbox's user, into a folder named in `out` (FILE.i for
 * each FILE.c): what vet.c compares between flavours. Returns 0, or -1
 * when the preprocessor failed. */
int build_preprocess(const char *kit, const char *lab, const struct workdir *w,
                     const char *flavour, const struct sandbox *sandbox,
                     char *out, size_t outlen);

void build_free(struct lab_build *b);

#endif
