/* The grader: the fresh folder each lab is graded in. It holds the kit's
 * pristine lab files with only the submit files of the submission copied
 * over them, so edited tests, headers or Makefiles change nothing. */
#ifndef GRADER_WORKDIR_H
#define GRADER_WORKDIR_H

#include <limits.h>
#include <stddef.h>

struct workdir {
    char root[PATH_MAX]; /* the temporary folder */
    char lab[PATH_MAX];  /* root/LAB: the lab's files, the build's LAB_DIR */
    char out[PATH_MAX];  /* root/build: what the build writes */
    char run[PATH_MAX];  /* root/run: where student code runs (its cwd, HOME
                            and TMPDIR), made by workdir_seal() */
};

struct sandbox;

/* Make a fresh folder under $TMPDIR (or /tmp) and copy the kit's lab folder
 * into it. Returns 0, or -1 with the reason in `err`. */
int workdir_create(struct workdir *w, const char *kit_lab_dir, const char *lab,
                   char *err, size_t errlen);

/* Copy the submit files from `submission` over the lab's: regular files
 * only (no links, no folders), at most 1 MiB each. Returns 0, or -1 naming
 * the first file that is missing or refused in `err`. */
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

/* Whether `dir` holds every one of `files` as a regular file. */
int workdir_has_files(const char *dir, char *const *files, int nfiles);

/* Remove the folder and everything in it. */
void workdir_remove(struct workdir *w);

#endif
