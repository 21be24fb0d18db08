/* SPDX-License-Identifier: MIT */
/* The grader's preparation: the fresh folder each lab is graded in. It
 * holds only what is the submission's: the submit files, copied in (and
 * nothing else of the submission: edited tests, headers or Makefiles
 * change nothing), the builds made from them with the kit's own pristine
 * files, and the one folder student code may write while it runs. */
#ifndef GRADER_PREPARE_WORKDIR_H
#define GRADER_PREPARE_WORKDIR_H

#include <limits.h>
#include <stddef.h>

struct workdir {
    char root[PATH_MAX];   /* the temporary folder */
    char submit[PATH_MAX]; /* root/submit: the submit files */
    char out[PATH_MAX];    /* root/build: what the builds write */
    char run[PATH_MAX];    /* root/run: where student code runs (its cwd,
                              HOME and TMPDIR), made by workdir_seal() */
};

struct sandbox;

/* The largest submit file taken: a source file, not a data set. */
#define WORKDIR_MAX_SUBMIT_BYTES (1 << 20)

/* Make a fresh folder under $TMPDIR (or /tmp) for grading `lab`. Returns
 * 0, or -1 with the reason in `err`. */
int workdir_create(struct workdir *w, const char *lab, char *err,
                   size_t errlen);

/* Copy the submit files from `submission` into the work folder: regular
 * files only (no links, no folders), at most WORKDIR_MAX_SUBMIT_BYTES each,
 * and text (a file with NUL bytes is a binary, not a C source). Returns 0,
 * or -1 naming the first file that is missing or refused in `err`. */
int workdir_take_submission(struct workdir *w, const char *submission,
                            char *const *files, int nfiles, char *err,
                            size_t errlen);

/* Hand the whole folder to the sandbox's user, who builds in it. */
int workdir_open_for_build(struct workdir *w, const struct sandbox *s,
                           char *err, size_t errlen);

/* After the builds: take the folder back (root's, nobody else may write in
 * it, and only the sandbox's group may enter it, so that students graded at
 * the same time cannot read each other's), and make the run folder, the
 * only one the sandbox's user may write. Without root, just the run folder.
 * Returns 0, or -1 with the reason in `err`. */
int workdir_seal(struct workdir *w, const struct sandbox *s, char *err,
                 size_t errlen);

/* The first of `files` that `dir` does not hold as a regular file, or NULL
 * when it holds them all. */
const char *workdir_missing(const char *dir, char *const *files, int nfiles);

/* Remove the folder and everything in it. */
void workdir_remove(struct workdir *w);

#endif
