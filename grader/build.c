/* The grader: running make on the work folder's copy of a lab, and turning
 * a failed build into the compiler's own words. */
#include "build.h"
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The lab's build compiles student code, and a compiler reads whatever an
 * #include names: it runs in the sandbox, with limits. libkit's is the
 * kit's own. */
static int
run_make(char *const *argv, bool student, const char *cwd, struct run_result *r)
{
    struct run_request req = {
        .argv = argv,
        .cwd = cwd,
        .limits = {.wall_seconds = 300,
                   .cpu_seconds = student ? 600 : 0,
                   .processes = student ? 256 : 0,
                   .tree_memory_mb = student ? 4096 : 0,
                   .file_size_mb = student ? 256 : 0,
                   .output_bytes = 256 * 1024},
        .sandboxed = student,
    };

    return run_program(&req, r);
}

int
build_libkit(const char *kit, const char *mode, char *err, size_t errlen)
{
    char mode_arg[64];
    char *argv[] = {"/usr/bin/make", "-s",     "-C", (char *)kit,
                    "lib",           mode_arg, NULL};
    struct run_result r;

    snprintf(mode_arg, sizeof(mode_arg), "MODE=%s", mode);
    if (run_make(argv, false, NULL, &r) != 0 || r.end != RUN_EXITED ||
        r.exit_code != 0) {
        snprintf(err, errlen, "building libkit (%s) failed: %.1500s", mode,
                 r.output != NULL ? r.output : "");
        run_result_free(&r);
        return -1;
    }
    run_result_free(&r);
    return 0;
}

/* Keep what a student needs from make's output: the compiler's lines, with
 * the work folder's path taken out so that they read "parallel.c:12:5:". */
static char *
trim_log(const char *output, const char *lab_dir)
{
    size_t cap = strlen(output) + 1, used = 0, prefix = strlen(lab_dir);
    char *log = malloc(cap);
    const char *line = output;

    if (log == NULL)
        return NULL;
    while (*line != '\0') {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);

        /* make's own chatter and the build's progress lines say nothing
         * about the student's code. */
        if (strncmp(line, "make", 4) != 0 && strncmp(line, "  CC ", 5) != 0 &&
            strncmp(line, "  LD ", 5) != 0 && strncmp(line, "  AR ", 5) != 0) {
            for (size_t i = 0; i < len; i++) {
                if (strncmp(line + i, lab_dir, prefix) == 0 &&
                    line[i + prefix] == '/') {
                    i += prefix; /* drop "WORK/LAB/" */
                    continue;
                }
                log[used++] = line[i];
            }
            log[used++] = '\n';
        }
        line += len + (end != NULL);
    }
    log[used] = '\0';
    return log;
}

int
build_lab(const char *kit, const char *lab_dir, const char *out_root,
          const char *mode, struct lab_build *b)
{
    char kit_arg[4200], lab_arg[4200], out_arg[4200], mode_arg[64],
        build_arg[4200], libkit_arg[4200];
    char *argv[] = {"/usr/bin/make",
                    "--no-print-directory",
                    "-C",
                    (char *)lab_dir,
                    "all",
                    kit_arg,
                    lab_arg,
                    out_arg,
                    mode_arg,
                    build_arg,
                    libkit_arg,
                    NULL};
    struct run_result r;

    memset(b, 0, sizeof(*b));
    snprintf(b->mode, sizeof(b->mode), "%s", mode);
    snprintf(b->out, sizeof(b->out), "%s/%s", out_root, mode);
    snprintf(kit_arg, sizeof(kit_arg), "KIT_ROOT=%s", kit);
    snprintf(lab_arg, sizeof(lab_arg), "LAB_DIR=%s", lab_dir);
    snprintf(out_arg, sizeof(out_arg), "OUT=%s", b->out);
    snprintf(mode_arg, sizeof(mode_arg), "MODE=%s", mode);
    snprintf(build_arg, sizeof(build_arg), "BUILD=%s", out_root);
    /* libkit comes from the kit's build, made once by build_libkit(). */
    snprintf(libkit_arg, sizeof(libkit_arg), "LIBKIT_DIR=%s/build/%s/common",
             kit, mode);
    if (run_make(argv, true, lab_dir, &r) != 0) {
        b->log = strdup(r.output != NULL ? r.output : "make did not start");
        run_result_free(&r);
        return -1;
    }
    b->ok = r.end == RUN_EXITED && r.exit_code == 0;
    if (!b->ok) {
        char how[128];
        run_describe(&r, how, sizeof(how));
        char *log = trim_log(r.output, lab_dir);
        size_t len = (log != NULL ? strlen(log) : 0) + 256;
        b->log = malloc(len);
        if (b->log != NULL)
            snprintf(b->log, len, "the %s build failed (make %s):\n%s", mode,
                     how, log != NULL ? log : "");
        free(log);
    }
    run_result_free(&r);
    return 0;
}

void
build_free(struct lab_build *b)
{
    free(b->log);
    b->log = NULL;
}
