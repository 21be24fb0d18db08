/* The grader: building a lab in its work folder, in one flavour. */
#ifndef GRADER_BUILD_H
#define GRADER_BUILD_H

#include <stddef.h>

/* The build of one flavour (release, tsan, asan) of a lab. */
struct lab_build {
    char mode[16];
    char out[4096]; /* the folder with the programs and test binary */
    int ok;
    char *log; /* on failure: the compiler's messages, trimmed */
};

/* Build libkit of `mode` in the kit's own build folder, once per grader run
 * and flavour; the labs link against it. Returns 0 or -1 with `err`. */
int build_libkit(const char *kit, const char *mode, char *err, size_t errlen);

/* Build the lab in `lab_dir` (the work folder's copy) into `out_root/MODE`.
 * Returns 0 when the build ran (see b->ok), -1 when it could not be started. */
int build_lab(const char *kit, const char *lab_dir, const char *out_root,
              const char *mode, struct lab_build *b);

void build_free(struct lab_build *b);

#endif
