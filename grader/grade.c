/* SPDX-License-Identifier: MIT */
/* The grader: one lab, end to end (see grade.h). Read the lab's spec from
 * the kit; make a fresh work folder with the submission's submit files;
 * build the flavours the tests need; refuse what the objects may not
 * define; then run each test as its kind says, and clean up. */
#define _GNU_SOURCE /* asprintf */
#include "grade.h"
#include "base/text.h"
#include "kinds/kinds.h"
#include "kit_time.h"
#include "prepare/build.h"
#include "prepare/vet.h"
#include "prepare/workdir.h"
#include "run/machine_lock.h"
#include "run/sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The flavours a lab can be built in: one per kind's flavour. */
#define MAX_BUILDS 4

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

/* Fail every test not yet graded, with `status` and `why`. */
static void
fail_rest(struct lab_result *out, enum test_status status, const char *why)
{
    for (size_t i = 0; i < out->ntests; i++) {
        struct graded_test *t = &out->tests[i];
        if (t->output != NULL)
            continue;
        t->status = status;
        t->score = 0;
        t->output = dup_text(why);
    }
}

/* The output of a test not run for one reason said once for the lab: it
 * names the reason and gives the first lines; the whole of it is the lab's
 * message. Malloc'ed. */
static char *
not_run(const char *reason, const char *said)
{
    struct text t = TEXT_INIT;
    size_t len = strlen(said);
    size_t cut = 0;

    /* The first lines, up to about 600 bytes. */
    for (int lines = 0; cut < len && lines < 4 && cut < 600; lines++) {
        const char *nl = strchr(said + cut, '\n');
        cut = nl != NULL ? (size_t)(nl - said) + 1 : len;
    }
    text_addf(&t, "Not run: %s:\n", reason);
    text_addn(&t, said, cut < 600 ? cut : 600);
    if (cut < len)
        text_add(&t, "[... the rest is said once, for the whole lab]\n");
    return text_steal(&t);
}

/* Whether --test asked for the test `name` (every test when it was not
 * given). */
static bool
selected(char *const *only, const char *name)
{
    if (only == NULL || only[0] == NULL)
        return true;
    for (size_t i = 0; only[i] != NULL; i++)
        if (strstr(name, only[i]) != NULL)
            return true;
    return false;
}

/* Read the lab's spec and keep the tests asked for; the others are neither
 * run nor reported, and do not count in the maximum. */
static int
read_spec(const struct grade_options *opt, const char *lab,
          struct lab_spec *spec, struct lab_result *out)
{
    char err[1024];
    int kept = 0;

    if (kinds_read_lab(opt->catalogue, lab, spec, err, sizeof(err)) != 0) {
        out->error = dup_text(err);
        return -1;
    }
    for (int i = 0; i < spec->ntests; i++) {
        if (selected(opt->only, spec->tests[i].name)) {
            spec->tests[kept++] = spec->tests[i];
            continue;
        }
        labini_free_test(&spec->tests[i]);
    }
    spec->ntests = kept;
    if (kept == 0) {
        struct text t = TEXT_INIT;
        text_addf(&t, "no test of %s has", lab);
        for (size_t i = 0; opt->only[i] != NULL; i++)
            text_addf(&t, "%s \"%s\"", i > 0 ? " or" : "", opt->only[i]);
        text_add(&t, " in its name");
        out->error = text_steal(&t);
        return -1;
    }
    for (int i = 0; i < spec->ntests; i++)
        if (opt->timeout_cap > 0 && spec->tests[i].timeout > opt->timeout_cap)
            spec->tests[i].timeout = opt->timeout_cap;
    return 0;
}

/* The builds, one per flavour, in the order the tests need them. */
struct builds {
    struct lab_build b[MAX_BUILDS];
    int n;
};

static const struct lab_build *
build_of(const struct builds *all, const char *flavour)
{
    for (int i = 0; i < all->n; i++)
        if (strcmp(all->b[i].flavour, flavour) == 0)
            return &all->b[i];
    return NULL;
}

/* Build every flavour the tests need, until one fails: the same files fail
 * the same way in every flavour, and the compiler's words are said once for
 * the lab, in out->message. Returns -1 when the kit itself could not be
 * built (out->error set). */
static int
build_all(const struct grade_options *opt, const char *lab,
          const struct lab_spec *spec, const struct workdir *w,
          struct builds *all, struct lab_result *out)
{
    struct text said = TEXT_INIT;
    char err[2048];

    /* The release build first, whichever tests run: its objects are the
     * ones vetted (vet.h) before any student code runs. */
    for (int i = -1; i < spec->ntests; i++) {
        const char *flavour = i < 0 ? "release" : spec->tests[i].kind->flavour;
        struct lab_build *b = &all->b[all->n];
        int rc;

        if (build_of(all, flavour) != NULL || all->n == MAX_BUILDS)
            continue;
        if (opt->progress) {
            char what[64];
            snprintf(what, sizeof(what), "building (%s)", flavour);
            progress_line(what, (void *)lab);
        }
        machine_lock_shared();
        rc = build_kit(opt->kit_root, lab, flavour, err, sizeof(err));
        if (rc == 0)
            rc = build_submission(opt->kit_root, lab, w, flavour, opt->sandbox,
                                  b);
        machine_lock_release();
        if (rc != 0) {
            out->error = dup_text(b->log != NULL ? b->log : err);
            build_free(b);
            text_free(&said);
            return -1;
        }
        all->n++;
        if (!b->ok) {
            text_add(&said, b->log);
            break;
        }
    }
    if (said.len > 0)
        out->message = text_steal(&said);
    text_free(&said);
    return 0;
}

/* The kind's limits for this test: lab.ini's timeout where the kind's
 * time limit goes. */
static struct run_limits
limits_for(const struct test_spec *test)
{
    struct run_limits l = test->kind->limits;

    if (l.wall_seconds == 0)
        l.wall_seconds = test->timeout;
    if (l.cpu_seconds == KIND_CPU_FROM_WALL)
        l.cpu_seconds = (long)l.wall_seconds * 4 + 10;
    return l;
}

/* After one test of a lab has run to its time limit, every later test of
 * the lab runs with at most this one. A hang the stuck check can call
 * final (a deadlock, threads asleep for good) is stopped within seconds
 * anyway; what reaches a time limit is a spin or code far too slow, and
 * the same code would make every later test wait out its own limit too:
 * a lab of ten tests, five minutes. A submission that never hung never
 * meets the cut, however slow the machine; the later tests that run the
 * code that hung (the sanitizers' runs of the whole suite among them) hang
 * again, and the others take about a second on the reference solutions. */
#define AFTER_HANG_SECONDS 5.0

/* Say in the test's output that its limit was cut, and why. */
static void
tell_cut(struct graded_test *result, const char *hung)
{
    struct text t = TEXT_INIT;

    text_add(&t, result->output != NULL ? result->output : "");
    text_addf(&t,
              "Its time limit was cut to %.0f s: \"%s\" had already run to "
              "its own limit, and a hang is not waited out in full twice in "
              "one lab.\n",
              AFTER_HANG_SECONDS, hung);
    if (t.failed) {
        text_free(&t);
        return;
    }
    free(result->output);
    result->output = text_steal(&t);
}

static void
run_tests(const struct grade_options *opt, const char *lab,
          const struct lab_spec *spec, const struct workdir *w,
          const struct builds *all, struct lab_result *out)
{
    char *files[LABINI_MAX_SUBMIT + 1];
    const char *hung = NULL; /* the first test that ran to its limit */

    for (int i = 0; i < spec->nsubmit; i++)
        files[i] = spec->submit[i];
    files[spec->nsubmit] = NULL;
    for (int i = 0; i < spec->ntests; i++) {
        struct test_spec cut = spec->tests[i];
        const struct test_spec *test = &cut;
        const struct kind *kind = test->kind;
        bool timed_out = false, was_cut = false;
        const struct lab_build *build = build_of(all, kind->flavour);
        struct graded_test *result = &out->tests[i];
        int64_t start;
        struct kind_call call;

        if (hung != NULL && cut.timeout > AFTER_HANG_SECONDS) {
            cut.timeout = AFTER_HANG_SECONDS;
            was_cut = true;
        }
        call = (struct kind_call){
            .test = test,
            .build = build,
            .run_dir = w->run,
            .workdir = w->root,
            .student_files = files,
            .nfiles = spec->nsubmit,
            .machine = opt->machine,
            .sandbox = opt->sandbox,
            .seed = opt->seed,
            .limits = limits_for(test),
            .timed_out = &timed_out,
            .progress = opt->progress ? progress_line : NULL,
            .progress_ctx = (void *)lab,
        };

        if (result->output != NULL || build == NULL || !build->ok)
            continue; /* failed already: its build, or a refused symbol */
        if (opt->progress)
            progress_line(test->name, (void *)lab);
        /* Timing needs the machine to itself; other graders of the class
         * wait meanwhile. */
        if (kind->alone)
            machine_lock_exclusive();
        else
            machine_lock_shared();
        start = kit_now_ns();
        kind->run(&call, result);
        result->seconds = (double)(kit_now_ns() - start) / 1e9;
        machine_lock_release();
        if (timed_out && was_cut)
            tell_cut(result, hung);
        if (timed_out && hung == NULL)
            hung = test->name;
        if (opt->first_loss && !result->held &&
            result->score < result->max_score) {
            fail_rest(out, TEST_FAILED,
                      "Not run: --first-loss stops at the first test that "
                      "loses points");
            return;
        }
    }
}

void
grade_lab(const struct grade_options *opt, const char *lab,
          const char *submission_dir, struct lab_result *out)
{
    char err[1024];
    struct lab_spec spec;
    struct workdir w;
    struct vet_views views = {.n = 0};
    struct builds all;
    const char *missing;
    int64_t start = kit_now_ns();

    memset(&w, 0, sizeof(w));
    memset(&all, 0, sizeof(all));
    memset(&spec, 0, sizeof(spec));
    memset(out, 0, sizeof(*out));
    out->lab = dup_text(lab);
    kit_commit(opt->catalogue->kit, lab, out->kit_commit,
               sizeof(out->kit_commit));
    int read = read_spec(opt, lab, &spec, out);
    out->title = dup_text(spec.title);
    memcpy(out->spec_sha256, spec.sha256, sizeof(out->spec_sha256));
    if (read != 0)
        goto done;
    out->tests = calloc((size_t)spec.ntests, sizeof(*out->tests));
    if (out->tests == NULL) {
        out->error = dup_text("out of memory");
        goto done;
    }
    out->ntests = (size_t)spec.ntests;
    for (int i = 0; i < spec.ntests; i++) {
        out->tests[i].name = dup_text(spec.tests[i].name);
        out->tests[i].kind = dup_text(spec.tests[i].kind->name);
        out->tests[i].max_score = spec.tests[i].points;
        out->tests[i].visibility = spec.tests[i].visibility;
        out->tests[i].workers = spec.tests[i].workers;
    }

    missing = workdir_missing(submission_dir, spec.submit, spec.nsubmit);
    if (missing != NULL) {
        struct text t = TEXT_INIT;
        text_addf(&t, "missing submit file %s in %s: the grader needs", missing,
                  submission_dir);
        for (int i = 0; i < spec.nsubmit; i++)
            text_addf(&t, " %s", spec.submit[i]);
        out->error = text_steal(&t);
        goto done;
    }
    if (workdir_create(&w, lab, err, sizeof(err)) != 0 ||
        workdir_take_submission(&w, submission_dir, spec.submit, spec.nsubmit,
                                err, sizeof(err)) != 0 ||
        workdir_open_for_build(&w, opt->sandbox, err, sizeof(err)) != 0) {
        out->error = dup_text(err);
        goto done;
    }
    if (build_all(opt, lab, &spec, &w, &all, out) != 0)
        goto done;
    /* The submit files as the release and the sanitizer builds see them,
     * for the vetting below; a flavour whose preprocessor fails is left
     * out (its build fails the same way, and says why). */
    static const char *const views_of[] = {"release", "tsan", "asan"};
    for (int v = 0; v < 3; v++)
        if (build_preprocess(opt->kit_root, lab, &w, views_of[v], opt->sandbox,
                             views.dir[views.n], sizeof(views.dir[0])) == 0)
            views.flavour[views.n++] = views_of[v];
        else if (v == 0)
            break;
    /* From here on student code only runs: nothing it may write but its
     * own run folder. */
    if (workdir_seal(&w, opt->sandbox, err, sizeof(err)) != 0) {
        out->error = dup_text(err);
        goto done;
    }
    {
        const struct lab_build *release = build_of(&all, "release");
        char *refused = release != NULL && release->ok
                            ? vet_submission(opt->kit_root, lab, &spec,
                                             w.submit, release, &views)
                            : NULL;
        if (refused != NULL) {
            struct text said = TEXT_INIT;
            text_add(&said, out->message);
            text_add(&said, refused);
            free(out->message);
            out->message = text_steal(&said);
            char *why =
                not_run("the submission defines what it may not", refused);
            fail_rest(out, TEST_FAILED, why);
            free(why);
            free(refused);
        }
    }
    /* The tests of a flavour that failed to build, or was not built after
     * one that failed. */
    for (int b = 0; b < all.n; b++) {
        char *why;

        if (all.b[b].ok)
            continue;
        why = not_run("its build failed", all.b[b].log);
        for (int i = 0; i < spec.ntests; i++) {
            const struct lab_build *t =
                build_of(&all, spec.tests[i].kind->flavour);
            if ((t == NULL || !t->ok) && out->tests[i].output == NULL) {
                out->tests[i].status = TEST_FAILED;
                out->tests[i].output = dup_text(why);
            }
        }
        free(why);
    }
    run_tests(opt, lab, &spec, &w, &all, out);

done:
    progress_done(opt);
    for (int b = 0; b < all.n; b++)
        build_free(&all.b[b]);
    if (w.root[0] != '\0') {
        if (opt->keep_workdir)
            fprintf(stderr, "grader: work folder kept: %s\n", w.root);
        else
            workdir_remove(&w);
    }
    if (out->error != NULL)
        fail_rest(out, TEST_ERROR, out->error);
    lab_result_total(out);
    out->seconds = (double)(kit_now_ns() - start) / 1e9;
    labini_free(&spec);
}
