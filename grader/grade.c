/* The grader: one lab, end to end: read lab.ini from the kit, make a fresh
 * work folder with the kit's files and the submission's submit files, build
 * the flavours the tests need, refuse symbols that replace the system's or
 * the kit's, run each test, and clean up. */
#define _GNU_SOURCE /* asprintf */
#include "grade.h"
#include "build.h"
#include "busywait.h"
#include "init_sections.h"
#include "labini.h"
#include "machine_lock.h"
#include "sandbox.h"
#include "speedup.h"
#include "suite.h"
#include "symbols.h"
#include "text.h"
#include "workdir.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kit_time.h"

static char *
dup_text(const char *s)
{
    char *d = strdup(s != NULL ? s : "");

    if (d == NULL) {
        fprintf(stderr, "grader: out of memory\n");
        exit(2);
    }
    return d;
}

static void
progress_line(const char *what, void *ctx)
{
    const char *lab = ctx;

    /* \r and erase-to-end: one line that keeps changing on a terminal. */
    fprintf(stderr, "\r\033[K  %s: %s ...", lab, what);
    fflush(stderr);
}

static void
progress_done(const struct grade_options *opt)
{
    if (opt->progress) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
}

/* Build flavour each kind needs. */
static const char *
mode_of(enum test_kind kind)
{
    switch (kind) {
    case KIND_TSAN:
        return "tsan";
    case KIND_ASAN:
        return "asan";
    default:
        return "release";
    }
}

/* The names the student may not define: the system's, libkit's, and those
 * of the lab's own objects (drivers, tests, serial references). */
static int
load_reserved(const struct grade_options *opt, const char *out,
              struct symbol_set *set)
{
    static struct symbol_set system_names;
    static int system_loaded;
    char path[4200];
    DIR *dir;
    struct dirent *e;

    if (!system_loaded) {
        if (symbols_add_system(&system_names) != 0)
            return -1;
        system_loaded = 1;
    }
    for (size_t i = 0; i < system_names.n; i++)
        symbols_add_name(set, system_names.names[i]);
    snprintf(path, sizeof(path), "%s/build/release/common/libkit.a", opt->kit);
    if (symbols_add_file(set, path, 0) != 0)
        return -1;
    /* Every object of the lab's build but the student's (in submit/). */
    const char *sub[] = {"", "/tests"};
    for (size_t i = 0; i < 2; i++) {
        char folder[4300];
        snprintf(folder, sizeof(folder), "%s%s", out, sub[i]);
        dir = opendir(folder);
        if (dir == NULL)
            continue;
        while ((e = readdir(dir)) != NULL) {
            size_t len = strlen(e->d_name);
            if (len > 2 && strcmp(e->d_name + len - 2, ".o") == 0) {
                if (snprintf(path, sizeof(path), "%s/%s", folder, e->d_name) <
                    (int)sizeof(path))
                    symbols_add_file(set, path, 0);
            }
        }
        closedir(dir);
    }
    symbols_seal(set);
    return 0;
}

/* Refused symbols of the student's objects, in words; NULL when none. */
static char *
check_symbols(const struct grade_options *opt, const struct lab_config *cfg,
              const char *out)
{
    struct symbol_set reserved = {0};
    struct text t = TEXT_INIT;
    char *result = NULL;

    if (load_reserved(opt, out, &reserved) != 0) {
        symbols_free(&reserved);
        return dup_text("the grader could not read the system's symbol "
                        "tables with nm (is binutils installed?)");
    }
    for (int i = 0; i < cfg->nsubmit; i++) {
        char object[4200], report[4096], base[256];
        snprintf(base, sizeof(base), "%s", cfg->submit[i]);
        char *dot = strrchr(base, '.');
        if (dot == NULL || strcmp(dot, ".c") != 0)
            continue;
        *dot = '\0';
        snprintf(object, sizeof(object), "%s/submit/%s.o", out, base);
        if (symbols_check(&reserved, object, cfg->submit[i], report,
                          sizeof(report)) != 0)
            text_add(&t, report);
        char sections[512];
        int n = init_sections_find(object, sections, sizeof(sections));
        if (n > 0)
            text_addf(&t,
                      "%s has code that runs before or after main (%s: a "
                      "constructor or destructor), outside the tests: not "
                      "allowed, remove it\n",
                      cfg->submit[i], sections);
        else if (n < 0)
            text_addf(&t, "the grader could not read %s's object file\n",
                      cfg->submit[i]);
    }
    if (t.len > 0)
        result = dup_text(text_str(&t));
    text_free(&t);
    symbols_free(&reserved);
    return result;
}

static void
fail_all(struct lab_result *out, const struct lab_config *cfg,
         enum test_status status, const char *why)
{
    for (int i = 0; i < cfg->ntests; i++) {
        struct graded_test *t = &out->tests[i];
        if (t->output != NULL)
            continue;
        t->status = status;
        t->score = 0;
        t->output = dup_text(why);
    }
}

void
grade_lab(const struct grade_options *opt, const char *lab,
          const char *submission_dir, struct lab_result *out)
{
    char path[4200], err[1024];
    struct lab_config cfg;
    struct workdir w;
    struct lab_build builds[3];
    int nbuilds = 0;
    int64_t start = kit_now_ns();

    memset(&w, 0, sizeof(w));
    memset(out, 0, sizeof(*out));
    out->lab = dup_text(lab);
    snprintf(path, sizeof(path), "%s/labs/%s/lab.ini", opt->kit, lab);
    if (labini_read(path, &cfg, err, sizeof(err)) != 0) {
        out->error = dup_text(err);
        out->title = dup_text("");
        return;
    }
    out->title = dup_text(cfg.title);
    if (opt->only != NULL) {
        /* Keep the tests asked for; the others are neither run nor
         * reported, and do not count in the maximum. */
        int kept = 0;
        for (int i = 0; i < cfg.ntests; i++) {
            if (strstr(cfg.tests[i].name, opt->only) != NULL) {
                cfg.tests[kept++] = cfg.tests[i];
                continue;
            }
            labini_free_test(&cfg.tests[i]);
        }
        cfg.ntests = kept;
        if (kept == 0) {
            if (asprintf(&out->error, "no test of %s has \"%s\" in its name",
                         lab, opt->only) < 0)
                out->error = NULL;
            labini_free(&cfg);
            return;
        }
    }
    for (int i = 0; i < cfg.ntests; i++)
        if (opt->timeout_cap > 0 && cfg.tests[i].timeout > opt->timeout_cap)
            cfg.tests[i].timeout = opt->timeout_cap;
    out->tests = calloc((size_t)cfg.ntests, sizeof(*out->tests));
    if (out->tests == NULL) {
        out->error = dup_text("out of memory");
        labini_free(&cfg);
        return;
    }
    out->ntests = (size_t)cfg.ntests;
    for (int i = 0; i < cfg.ntests; i++) {
        out->tests[i].name = dup_text(cfg.tests[i].name);
        out->tests[i].kind = dup_text(test_kind_name(cfg.tests[i].kind));
        out->tests[i].max_score = cfg.tests[i].points;
    }

    if (!workdir_has_files(submission_dir, cfg.submit, cfg.nsubmit)) {
        struct text t = TEXT_INIT;
        text_addf(&t, "missing submit file in %s: the grader needs",
                  submission_dir);
        for (int i = 0; i < cfg.nsubmit; i++)
            text_addf(&t, " %s", cfg.submit[i]);
        out->error = dup_text(text_str(&t));
        text_free(&t);
        goto done;
    }
    snprintf(path, sizeof(path), "%s/labs/%s", opt->kit, lab);
    if (workdir_create(&w, path, lab, err, sizeof(err)) != 0 ||
        workdir_take_submission(&w, submission_dir, cfg.submit, cfg.nsubmit,
                                err, sizeof(err)) != 0) {
        out->error = dup_text(err);
        goto done;
    }
    sandbox_use_workdir(opt->sandbox, w.root);
    if (workdir_open_for_build(&w, opt->sandbox, err, sizeof(err)) != 0) {
        out->error = dup_text(err);
        goto done;
    }

    /* Build each flavour once, in the order the tests come. */
    for (int i = 0; i < cfg.ntests; i++) {
        const char *mode = mode_of(cfg.tests[i].kind);
        int have = 0;
        for (int b = 0; b < nbuilds; b++)
            have |= strcmp(builds[b].mode, mode) == 0;
        if (have)
            continue;
        if (opt->progress) {
            char what[64];
            snprintf(what, sizeof(what), "building (%s)", mode);
            progress_line(what, (void *)lab);
        }
        machine_lock_shared();
        if (build_libkit(opt->kit, mode, err, sizeof(err)) != 0) {
            machine_lock_release();
            out->error = dup_text(err);
            goto done;
        }
        int rc = build_lab(opt->kit, w.lab, w.out, mode, &builds[nbuilds]);
        machine_lock_release();
        if (rc != 0) {
            out->error = dup_text(builds[nbuilds].log);
            build_free(&builds[nbuilds]);
            goto done;
        }
        nbuilds++;
    }
    /* From here on student code only runs: nothing it may write but its
     * own run folder. */
    if (workdir_seal(&w, opt->sandbox, err, sizeof(err)) != 0) {
        out->error = dup_text(err);
        goto done;
    }

    /* A failed build fails the tests that need it, with the compiler's
     * words; the release build's objects are checked for refused symbols. */
    for (int b = 0; b < nbuilds; b++) {
        if (builds[b].ok)
            continue;
        for (int i = 0; i < cfg.ntests; i++)
            if (strcmp(mode_of(cfg.tests[i].kind), builds[b].mode) == 0 &&
                out->tests[i].output == NULL) {
                out->tests[i].status = TEST_FAILED;
                out->tests[i].output = dup_text(builds[b].log);
            }
    }
    for (int b = 0; b < nbuilds; b++) {
        if (strcmp(builds[b].mode, "release") != 0 || !builds[b].ok)
            continue;
        char *refused = check_symbols(opt, &cfg, builds[b].out);
        if (refused != NULL) {
            fail_all(out, &cfg, TEST_FAILED, refused);
            free(refused);
        }
    }

    for (int i = 0; i < cfg.ntests; i++) {
        struct lab_test *test = &cfg.tests[i];
        struct graded_test *result = &out->tests[i];
        const struct lab_build *build = NULL;

        if (result->output != NULL)
            continue; /* already failed: build or symbols */
        for (int b = 0; b < nbuilds; b++)
            if (strcmp(builds[b].mode, mode_of(test->kind)) == 0)
                build = &builds[b];
        if (opt->progress)
            progress_line(test->name, (void *)lab);
        /* Timing needs the machine to itself; other graders of the class
         * wait meanwhile. */
        if (test->kind == KIND_SPEEDUP || test->kind == KIND_BUSYWAIT)
            machine_lock_exclusive();
        else
            machine_lock_shared();
        if (test->kind == KIND_SPEEDUP) {
            char bench[4300];
            snprintf(bench, sizeof(bench), "%s/%s", build->out, test->bench);
            struct speedup_context sctx = {
                .bench = bench,
                .run_dir = w.run,
                .student_files = cfg.submit,
                .usable_cpus = opt->usable_cpus,
                .progress = opt->progress ? progress_line : NULL,
                .progress_ctx = (void *)lab,
            };
            speedup_run(test, &sctx, result);
        } else if (test->kind == KIND_BUSYWAIT) {
            char program[4300];
            snprintf(program, sizeof(program), "%s/%s", build->out,
                     test->program);
            busywait_run(test, program, w.run, cfg.submit, result);
        } else {
            char binary[4300];
            DIR *dir = opendir(build->out);
            struct dirent *e;
            binary[0] = '\0';
            /* The suite is the build's one check_* program. */
            while (dir != NULL && (e = readdir(dir)) != NULL)
                if (strncmp(e->d_name, "check_", 6) == 0 &&
                    strchr(e->d_name, '.') == NULL &&
                    snprintf(binary, sizeof(binary), "%s/%s", build->out,
                             e->d_name) >= (int)sizeof(binary))
                    binary[0] = '\0';
            if (dir != NULL)
                closedir(dir);
            if (binary[0] == '\0') {
                machine_lock_release();
                result->status = TEST_ERROR;
                result->output = dup_text("the lab's build made no check_* "
                                          "test program: the kit is broken");
                continue;
            }
            struct suite_context sctx = {
                .run_dir = w.run,
                .test_binary = binary,
                .student_files = cfg.submit,
                .nfiles = cfg.nsubmit,
            };
            suite_run(test, &sctx, result);
        }
        machine_lock_release();
    }

done:
    sandbox_use_workdir(opt->sandbox, NULL);
    progress_done(opt);
    for (int b = 0; b < nbuilds; b++)
        build_free(&builds[b]);
    if (w.root[0] != '\0') {
        if (opt->keep_workdir)
            fprintf(stderr, "grader: work folder kept: %s\n", w.root);
        else
            workdir_remove(&w);
    }
    if (out->error != NULL)
        fail_all(out, &cfg, TEST_ERROR, out->error);
    lab_result_total(out);
    out->seconds = (double)(kit_now_ns() - start) / 1e9;
    labini_free(&cfg);
}
