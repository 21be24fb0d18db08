/* SPDX-License-Identifier: MIT */
/* The grader's preparation: running make for a lab's builds (see build.h),
 * and turning a failed build into the compiler's own words. */
#include "prepare/build.h"
#include "base/files.h"
#include "base/text.h"
#include "prepare/workdir.h"
#include "run/runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* A failed build's report keeps this much of the compiler's words: the
 * first errors say what is wrong, and a binary or a flood says nothing
 * more in its thousandth line. */
#define LOG_MAX_BYTES 6000
#define LOG_MAX_LINES 60

/* The limits of a build. The kit's own build runs no student code; the
 * submission's compiles it, and a compiler reads whatever an #include
 * names: it runs in the sandbox, with limits. */
static const struct run_limits kit_limits = {
    .wall_seconds = 600,
    .output_bytes = 256 * 1024,
};
static const struct run_limits submission_limits = {
    .wall_seconds = 300,
    .cpu_seconds = 600,
    .processes = 256,
    .tree_memory_mb = 4096,
    .file_size_mb = 256,
    .output_bytes = 256 * 1024,
};

/* make with these arguments, as the kit (sandbox NULL) or the student. */
static int
run_make(char *const *argv, const struct run_limits *limits,
         const struct sandbox *sandbox, const char *workdir,
         struct run_result *r)
{
    struct run_request req = {
        .argv = argv,
        .limits = *limits,
        .sandbox = sandbox,
        .workdir = workdir,
        /* The compiler reads the kit's headers, make its makefiles. */
        .whole_kit = true,
    };

    return run_program(&req, r);
}

/* Several graders of a class share the kit's build folder: one builds in
 * it at a time, the others then find it up to date. */
static int
lock_kit_build(const char *kit)
{
    char *dir = path_join(kit, "build", NULL);
    char *path = dir != NULL ? path_join(dir, ".kit-build.lock", NULL) : NULL;
    int fd = -1;

    if (path != NULL && make_dirs(dir, 0755) == 0)
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    while (fd >= 0 && flock(fd, LOCK_EX) != 0 && errno == EINTR)
        ;
    free(dir);
    free(path);
    return fd; /* -1: build without the lock rather than not at all */
}

int
build_kit(const char *kit, const char *lab, const char *flavour, char *err,
          size_t errlen)
{
    char mode_arg[64], lab_dir[PATH_MAX];
    char *lib[] = {"/usr/bin/make", "-s",     "-C", (char *)kit,
                   "lib",           mode_arg, NULL};
    char *objects[] = {"/usr/bin/make", "-s",     "-C", lab_dir,
                       "kit-objects",   mode_arg, NULL};
    struct run_result r;
    int rc = 0, lock;

    snprintf(mode_arg, sizeof(mode_arg), "MODE=%s", flavour);
    snprintf(lab_dir, sizeof(lab_dir), "%s/labs/%s", kit, lab);
    lock = lock_kit_build(kit);
    for (int step = 0; step < 2 && rc == 0; step++) {
        if (run_make(step == 0 ? lib : objects, &kit_limits, NULL, NULL, &r) !=
                0 ||
            r.end != RUN_EXITED || r.exit_code != 0) {
            snprintf(err, errlen, "building %s of the kit (%s) failed: %.1500s",
                     step == 0 ? "libkit" : lab, flavour,
                     r.output != NULL ? r.output : "");
            rc = -1;
        }
        run_result_free(&r);
    }
    if (lock >= 0)
        close(lock);
    return rc;
}

/* Whether `line` starts with `prefix` followed by '/'. */
static size_t
prefix_len(const char *line, const char *prefix)
{
    size_t n = strlen(prefix);

    return n > 0 && strncmp(line, prefix, n) == 0 && line[n] == '/' ? n + 1 : 0;
}

/* Keep what a student needs from make's output: the compiler's lines, with
 * the work folder's and the kit's paths taken out so that they read
 * "parallel.c:12:5:", capped to a readable length, and quoted (each line
 * starts with "| ": an #error of the student's cannot pass for a line of
 * the grader's own). */
static char *
trim_log(const char *output, const char *submit_dir, const char *lab_dir)
{
    struct text t = TEXT_INIT;
    const char *line = output;
    int lines = 0;
    size_t dropped = 0;

    while (*line != '\0') {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);

        /* make's own chatter and the build's progress lines say nothing
         * about the student's code. */
        if (strncmp(line, "make", 4) == 0 || strncmp(line, "  CC ", 5) == 0 ||
            strncmp(line, "  LD ", 5) == 0 || strncmp(line, "  AR ", 5) == 0) {
            line += len + (end != NULL);
            continue;
        }
        if (lines >= LOG_MAX_LINES || t.len + len > LOG_MAX_BYTES) {
            dropped++;
            line += len + (end != NULL);
            continue;
        }
        text_add(&t, "| ");
        for (size_t i = 0; i < len; i++) {
            size_t skip = prefix_len(line + i, submit_dir);

            if (skip == 0)
                skip = prefix_len(line + i, lab_dir);
            if (skip > 0 && (i == 0 || line[i - 1] == ' ' ||
                             line[i - 1] == '\'' || line[i - 1] == '"')) {
                i += skip - 1; /* drop "WORK/submit/" or "KIT/labs/LAB/" */
                continue;
            }
            text_addc(&t, line[i]);
        }
        text_addc(&t, '\n');
        lines++;
        line += len + (end != NULL);
    }
    if (dropped > 0)
        text_addf(&t, "[... %zu more lines of the compiler's cut ...]\n",
                  dropped);
    return text_steal(&t);
}

/* The build's one check_* program. */
static bool
find_suite(struct lab_build *b)
{
    DIR *dir = opendir(b->out);
    struct dirent *e;

    b->suite[0] = '\0';
    while (dir != NULL && (e = readdir(dir)) != NULL)
        if (strncmp(e->d_name, "check_", 6) == 0 &&
            strchr(e->d_name, '.') == NULL &&
            snprintf(b->suite, sizeof(b->suite), "%s/%s", b->out, e->d_name) >=
                (int)sizeof(b->suite))
            b->suite[0] = '\0';
    if (dir != NULL)
        closedir(dir);
    return b->suite[0] != '\0';
}

/* Run make's `target` for the submission in `w`, as the sandbox's user, with
 * its build of `flavour` in `out`. Returns what run_make() returns, or -1
 * with *too_long when a path does not fit. */
static int
make_submission(const char *kit, const char *lab, const struct workdir *w,
                const char *flavour, const char *target, const char *out,
                const struct sandbox *sandbox, struct run_result *r,
                bool *too_long)
{
    char lab_dir[PATH_MAX], lab_arg[PATH_MAX + 16], submit_arg[PATH_MAX + 16],
        out_arg[PATH_MAX + 16], build_arg[PATH_MAX + 16], mode_arg[64],
        kit_arg[PATH_MAX + 16], objs_arg[PATH_MAX + 64],
        libkit_arg[PATH_MAX + 64];
    char *argv[] = {"/usr/bin/make",
                    "--no-print-directory",
                    "-C",
                    lab_dir,
                    (char *)target,
                    kit_arg,
                    lab_arg,
                    submit_arg,
                    out_arg,
                    build_arg,
                    mode_arg,
                    objs_arg,
                    libkit_arg,
                    /* The instructor's hidden tests join the suite the
                     * grader runs, not a student's make check. */
                    "KIT_HIDDEN=1",
                    NULL};

    /* Everything but the submit files comes from the kit's own, pristine
     * lab folder and build: there is nothing else of the submission's. */
    *too_long =
        snprintf(lab_dir, sizeof(lab_dir), "%s/labs/%s", kit, lab) >=
            (int)sizeof(lab_dir) ||
        snprintf(kit_arg, sizeof(kit_arg), "KIT_ROOT=%s", kit) >=
            (int)sizeof(kit_arg) ||
        snprintf(lab_arg, sizeof(lab_arg), "LAB_DIR=%s", lab_dir) >=
            (int)sizeof(lab_arg) ||
        snprintf(submit_arg, sizeof(submit_arg), "SUBMIT_DIR=%s", w->submit) >=
            (int)sizeof(submit_arg) ||
        snprintf(out_arg, sizeof(out_arg), "OUT=%s", out) >=
            (int)sizeof(out_arg) ||
        snprintf(build_arg, sizeof(build_arg), "BUILD=%s", w->out) >=
            (int)sizeof(build_arg) ||
        snprintf(mode_arg, sizeof(mode_arg), "MODE=%s", flavour) >=
            (int)sizeof(mode_arg) ||
        snprintf(objs_arg, sizeof(objs_arg), "KIT_OBJS_DIR=%s/build/%s/labs/%s",
                 kit, flavour, lab) >= (int)sizeof(objs_arg) ||
        snprintf(libkit_arg, sizeof(libkit_arg),
                 "LIBKIT_DIR=%s/build/%s/common", kit,
                 flavour) >= (int)sizeof(libkit_arg);
    if (*too_long)
        return -1;
    return run_make(argv, &submission_limits, sandbox, w->root, r);
}

int
build_submission(const char *kit, const char *lab, const struct workdir *w,
                 const char *flavour, const struct sandbox *sandbox,
                 struct lab_build *b)
{
    char lab_dir[PATH_MAX];
    struct run_result r;
    bool too_long;

    memset(b, 0, sizeof(*b));
    snprintf(b->flavour, sizeof(b->flavour), "%s", flavour);
    if (snprintf(b->out, sizeof(b->out), "%s/%s", w->out, flavour) >=
            (int)sizeof(b->out) ||
        snprintf(b->kit_out, sizeof(b->kit_out), "%s/build/%s/labs/%s", kit,
                 flavour, lab) >= (int)sizeof(b->kit_out) ||
        snprintf(lab_dir, sizeof(lab_dir), "%s/labs/%s", kit, lab) >=
            (int)sizeof(lab_dir)) {
        b->log = strdup("the kit's or the work folder's path is too long");
        return -1;
    }
    if (make_submission(kit, lab, w, flavour, "all", b->out, sandbox, &r,
                        &too_long) != 0) {
        b->log = strdup(too_long           ? "the kit's or the work folder's "
                                             "path is too long"
                        : r.output != NULL ? r.output
                                           : "make did not start");
        if (!too_long)
            run_result_free(&r);
        return -1;
    }
    b->ok = r.end == RUN_EXITED && r.exit_code == 0 && find_suite(b);
    if (!b->ok) {
        struct text t = TEXT_INIT;
        char how[128];
        char *log = trim_log(r.output, w->submit, lab_dir);

        run_describe(&r, how, sizeof(how));
        if (r.end == RUN_EXITED && r.exit_code == 0)
            text_addf(&t,
                      "the %s build made no check_* test program: the "
                      "kit is broken\n",
                      flavour);
        else
            text_addf(&t, "the %s build failed (make %s):\n%s", flavour, how,
                      log != NULL ? log : "");
        free(log);
        b->log = text_steal(&t);
    }
    run_result_free(&r);
    return 0;
}

int
build_preprocess(const char *kit, const char *lab, const struct workdir *w,
                 const char *flavour, const struct sandbox *sandbox, char *out,
                 size_t outlen)
{
    struct run_result r;
    bool too_long;
    int rc;

    if (snprintf(out, outlen, "%s/preprocessed-%s", w->out, flavour) >=
        (int)outlen)
        return -1;
    rc = make_submission(kit, lab, w, flavour, "preprocess", out, sandbox, &r,
                         &too_long);
    if (too_long)
        return -1;
    if (rc == 0 && (r.end != RUN_EXITED || r.exit_code != 0))
        rc = -1;
    run_result_free(&r);
    return rc;
}

void
build_free(struct lab_build *b)
{
    free(b->log);
    b->log = NULL;
}
