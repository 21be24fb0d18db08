/* SPDX-License-Identifier: MIT */
/* The grader: grades labs of a submission against the kit's own tests and
 * lab.ini, and writes the reports. `grader --help` says how to call it.
 * Exit status: 0 full marks, 1 graded below full marks, 2 could not grade,
 * 3 nothing lost but points held (never judged; --accept-held: 0). */
#define _GNU_SOURCE /* getopt_long */
#include "base/files.h"
#include "base/seeds.h"
#include "describe.h"
#include "grade.h"
#include "kit_time.h"
#include "prepare/hidden.h"
#include "prepare/mirror.h"
#include "report/report.h"
#include "run/machine_lock.h"
#include "run/runner.h"
#include "run/sandbox.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --test given at most this many times. */
#define MAX_ONLY 64

struct options {
    const char *kit;
    const char *lab, *submission, *results, *junit, *summary, *plot;
    const char *student_report;
    char *only[MAX_ONLY + 1];
    int nonly;
    const char *field;
    const char *sandbox_user, *machine_lock;
    char *hide[SANDBOX_MAX_HIDDEN + 1];
    int nhide;
    bool keep, progress, describe, first_loss, accept_held, student_view;
    double timeout;
    bool seed_given;
    uint64_t seed;
};

static void
usage(FILE *to)
{
    fprintf(to,
            "usage: grader [options]\n"
            "Grade labs of a submission with the kit's own tests and lab.ini.\n"
            "\n"
            "  --kit DIR          the kit's top folder (default: .)\n"
            "  --lab LAB          one lab, by number (02) or name "
            "(02-threads);\n"
            "                     default: every lab of the kit\n"
            "  --submission DIR   a folder of NN-name/ folders (like labs/ or "
            "solutions/),\n"
            "                     or with --lab, a folder holding that lab's "
            "submit files\n"
            "                     (default: the kit's labs/, your working "
            "copy)\n"
            "  --results FILE     write Gradescope's results.json\n"
            "  --junit FILE       write JUnit XML\n"
            "  --summary FILE     write a Markdown summary (for a CI job "
            "summary)\n"
            "  --plot DIR         draw speedup plots (PNG) into DIR\n"
            "  --test TEXT        grade only the tests whose name contains "
            "TEXT;\n"
            "                     repeatable: those that contain any of them\n"
            "  --timeout S        cap every test's time limit at S seconds\n"
            "  --seed N           the inputs of the timed runs (default: new "
            "ones each\n"
            "                     time, and the report says which): N "
            "grades on them again\n"
            "  --first-loss       stop at the first test that loses points "
            "(the rest\n"
            "                     are not run): a quick yes or no\n"
            "  --accept-held      exit 0, not 3, when the only points not won "
            "are held\n"
            "  --student-view     what a student may see: the terminal, "
            "JUnit and\n"
            "                     Markdown reports, plots and exit status "
            "leave out the\n"
            "                     tests lab.ini does not make visible "
            "(results.json\n"
            "                     keeps them, with their visibility, for "
            "Gradescope)\n"
            "  --student-report FILE  also write the terminal report of a "
            "student's view\n"
            "                     to FILE (what grade-class hands out before "
            "the hidden\n"
            "                     tests may be seen)\n"
            "  --keep             keep the work folders, for a post-mortem\n"
            "  --sandbox-user U   as root, run student code as user U (name "
            "or number;\n"
            "                     default: nobody)\n"
            "  --hide DIR         a folder student code must not see (other "
            "students'\n"
            "                     submissions and results); repeatable\n"
            "  --machine-lock F   share the machine with other graders using "
            "lock file F:\n"
            "                     speedup measurements wait to run alone\n"
            "  --no-progress      no progress line, even on a terminal\n"
            "  --describe         print the kit's labs (with --lab, one) as "
            "JSON, and exit:\n"
            "                     their submit files, tests, kinds and "
            "points\n"
            "  --field F          with --describe: one field of the lab (or "
            "of every lab),\n"
            "                     a value per line (lab, title, folder, "
            "submit, points,\n"
            "                     tests)\n"
            "  -h, --help         show this help\n"
            "\n"
            "Exit status: 0 full marks, 1 graded below full marks, 2 could "
            "not grade,\n"
            "3 nothing lost but points held: a test this machine could not "
            "judge (a\n"
            "speedup on too few cores) neither won nor lost them; "
            "--accept-held makes\n"
            "that 0.\n");
}

static int
parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longs[] = {
        {"kit", required_argument, NULL, 'k'},
        {"lab", required_argument, NULL, 'l'},
        {"submission", required_argument, NULL, 's'},
        {"results", required_argument, NULL, 'r'},
        {"junit", required_argument, NULL, 'j'},
        {"summary", required_argument, NULL, 'm'},
        {"plot", required_argument, NULL, 'p'},
        {"test", required_argument, NULL, 't'},
        {"timeout", required_argument, NULL, 'T'},
        {"seed", required_argument, NULL, 'S'},
        {"keep", no_argument, NULL, 'K'},
        {"first-loss", no_argument, NULL, 'f'},
        {"accept-held", no_argument, NULL, 'A'},
        {"student-view", no_argument, NULL, 'V'},
        {"student-report", required_argument, NULL, 'E'},
        {"no-progress", no_argument, NULL, 'P'},
        {"sandbox-user", required_argument, NULL, 'u'},
        {"hide", required_argument, NULL, 'H'},
        {"machine-lock", required_argument, NULL, 'L'},
        {"describe", no_argument, NULL, 'D'},
        {"field", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char *end;
    int opt;

    o->progress = isatty(STDERR_FILENO);
    while ((opt = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        switch (opt) {
        case 'k':
            o->kit = optarg;
            break;
        case 'D':
            o->describe = true;
            break;
        case 'F':
            o->field = optarg;
            break;
        case 'l':
            o->lab = optarg;
            break;
        case 's':
            o->submission = optarg;
            break;
        case 'r':
            o->results = optarg;
            break;
        case 'j':
            o->junit = optarg;
            break;
        case 'm':
            o->summary = optarg;
            break;
        case 'p':
            o->plot = optarg;
            break;
        case 't':
            if (o->nonly == MAX_ONLY) {
                fprintf(stderr, "grader: --test: at most %d times\n", MAX_ONLY);
                return -1;
            }
            o->only[o->nonly++] = optarg;
            break;
        case 'T':
            o->timeout = strtod(optarg, &end);
            if (end == optarg || *end != '\0' || !(o->timeout >= 1)) {
                fprintf(stderr,
                        "grader: --timeout %s: not a number of "
                        "seconds from 1 up\n",
                        optarg);
                return -1;
            }
            break;
        case 'S': {
            errno = 0;
            unsigned long long seed = strtoull(optarg, &end, 10);
            if (errno != 0 || end == optarg || *end != '\0' ||
                optarg[0] == '-') {
                fprintf(stderr,
                        "grader: --seed %s: not a whole number from 0 up\n",
                        optarg);
                return -1;
            }
            o->seed = (uint64_t)seed;
            o->seed_given = true;
            break;
        }
        case 'K':
            o->keep = true;
            break;
        case 'f':
            o->first_loss = true;
            break;
        case 'A':
            o->accept_held = true;
            break;
        case 'V':
            o->student_view = true;
            break;
        case 'E':
            o->student_report = optarg;
            break;
        case 'P':
            o->progress = false;
            break;
        case 'u':
            o->sandbox_user = optarg;
            break;
        case 'H':
            if (o->nhide == SANDBOX_MAX_HIDDEN) {
                fprintf(stderr, "grader: --hide: at most %d folders\n",
                        SANDBOX_MAX_HIDDEN);
                return -1;
            }
            o->hide[o->nhide++] = optarg;
            break;
        case 'L':
            o->machine_lock = optarg;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "grader: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return -1;
    }
    if (o->kit == NULL)
        o->kit = ".";
    if (o->field != NULL && !o->describe) {
        fprintf(stderr, "grader: --field goes with --describe\n");
        return -1;
    }
    if (o->submission != NULL && !is_dir(o->submission)) {
        fprintf(stderr, "grader: --submission %s: %s\n", o->submission,
                is_file(o->submission)
                    ? "a file, not a folder: give the folder that holds it"
                    : "no such folder");
        return -1;
    }
    return 0;
}

/* Where a lab's submit files are: SUBMISSION/LAB, or with --lab a flat
 * folder; NULL when the submission has no folder for this lab. */
static char *
submission_for(const struct options *o, const struct catalogue *c,
               const char *lab)
{
    char path[PATH_MAX];

    if (o->submission == NULL) {
        if (snprintf(path, sizeof(path), "%s/labs/%s", c->kit, lab) >=
            (int)sizeof(path))
            return NULL;
    } else if (snprintf(path, sizeof(path), "%s/%s", o->submission, lab) <
                   (int)sizeof(path) &&
               is_dir(path))
        ;
    else if (o->lab != NULL)
        snprintf(path, sizeof(path), "%s", o->submission);
    else
        return NULL;
    return realpath(path, NULL);
}

/* The exit status the results call for: 2 when something could not be
 * graded (or a report written), 1 below full marks, 3 when nothing was lost
 * but points are held (unless `accept_held`), 0 full marks. A held test was
 * never judged: a CI job must not pass it for code that did not earn it. */
static int
exit_status(const struct grade *g, int status, bool accept_held)
{
    bool held = false;

    for (size_t i = 0; i < g->nlabs && status == 0; i++) {
        if (g->labs[i].error != NULL)
            status = 2;
        for (size_t t = 0; t < g->labs[i].ntests; t++) {
            if (g->labs[i].tests[t].status == TEST_ERROR)
                status = 2;
            held = held || g->labs[i].tests[t].held;
        }
    }
    if (status == 0 && grade_score(g) < grade_max_score(g) - 1e-9)
        status = 1;
    if (status == 0 && held && !accept_held)
        status = 3;
    return status;
}

/* The sandbox's walls, on the kit itself or, where the sandbox user cannot
 * reach the kit's folder, on its mirror. Returns 0, or -1 with the reason
 * in `err`. */
static int
setup_walls(const struct options *o, const struct catalogue *cat,
            struct sandbox *sandbox, char mirror[PATH_MAX], char *err,
            size_t errlen)
{
    char closed[1200];
    int rc = sandbox_setup(sandbox, o->sandbox_user, cat->kit, o->hide,
                           o->nhide, closed, sizeof(closed));

    if (rc == 0)
        return 0;
    if (rc != SANDBOX_KIT_CLOSED) {
        snprintf(err, errlen, "%s", closed);
        return -1;
    }
    if (mirror_kit(cat->kit, mirror, err, errlen) != 0)
        return -1;
    rc = sandbox_setup(sandbox, o->sandbox_user, mirror, o->hide, o->nhide, err,
                       errlen);
    if (rc == SANDBOX_KIT_CLOSED)
        cut_printf(err, errlen,
                   "%s, nor its mirror %s: let the user in, or name another "
                   "with --sandbox-user",
                   closed, mirror);
    sandbox->mirrored = rc == 0;
    return rc == 0 ? 0 : -1;
}

/* The terminal report of a student's view, without colours, into `path`. */
static int
write_student_report(struct grade *g, bool already, const char *path)
{
    FILE *f;

    if (!already && grade_student_view(g) < 0)
        return -1;
    f = fopen(path, "we");
    if (f == NULL) {
        fprintf(stderr, "grader: --student-report %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    report_terminal(g, f, false);
    if (fclose(f) != 0) {
        fprintf(stderr, "grader: --student-report %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    static struct options o;
    static struct sandbox sandbox;
    static char mirror[PATH_MAX];
    struct catalogue cat;
    struct grade g = {0};
    char err[1200], walls[1600];
    int status = 0;
    int64_t start = kit_now_ns();

    if (parse_options(argc, argv, &o) != 0)
        return 2;
    if (catalogue_open(&cat, o.kit, err, sizeof(err)) != 0) {
        fprintf(stderr, "grader: %s\n", err);
        return 2;
    }
    if (o.lab != NULL &&
        (o.lab = catalogue_find(&cat, o.lab, err, sizeof(err))) == NULL) {
        fprintf(stderr, "grader: %s\n", err);
        catalogue_close(&cat);
        return 2;
    }
    if (o.describe) {
        status = describe(&cat, o.lab, o.field, stdout);
        catalogue_close(&cat);
        return status;
    }
    /* Builds made as the sandbox's user must stay readable by it once they
     * are root's again. */
    umask(022);
    if (setup_walls(&o, &cat, &sandbox, mirror, err, sizeof(err)) != 0 ||
        hidden_tests_close(&cat, sandbox.mirrored ? mirror : cat.kit, err,
                           sizeof(err)) < 0 ||
        (o.machine_lock != NULL &&
         machine_lock_open(o.machine_lock, err, sizeof(err)) != 0)) {
        fprintf(stderr, "grader: %s\n", err);
        catalogue_close(&cat);
        return 2;
    }
    sandbox_describe(&sandbox, walls, sizeof(walls));
    {
        char caps[400];
        size_t used = strlen(walls);

        run_describe_caps(caps, sizeof(caps));
        snprintf(walls + used, sizeof(walls) - used, " %s", caps);
    }
    g.sandbox = strdup(walls);
    (void)run_raise_priority(); /* without root, the walls say so */
    if (run_become_subreaper() != 0)
        g.notes = strdup("this system did not let the grader adopt orphaned "
                         "processes: a process escaping with setsid could "
                         "outlive the grade");
    machine_probe(&g.machine);

    struct grade_options gopt = {
        .catalogue = &cat,
        .kit_root = sandbox.mirrored ? mirror : cat.kit,
        .machine = &g.machine,
        .keep_workdir = o.keep,
        .progress = o.progress,
        .only = o.only,
        .timeout_cap = o.timeout,
        .first_loss = o.first_loss,
        .sandbox = &sandbox,
        .seed = o.seed_given ? o.seed : seeds_fresh(),
    };
    g.labs = calloc(cat.nlabs, sizeof(*g.labs));
    if (g.labs == NULL)
        return 2;
    for (size_t i = 0; i < cat.nlabs; i++) {
        const char *lab = cat.labs[i];
        struct lab_result *result;
        char *dir;

        if (o.lab != NULL && strcmp(o.lab, lab) != 0)
            continue;
        result = &g.labs[g.nlabs++];
        dir = submission_for(&o, &cat, lab);
        if (dir == NULL) {
            memset(result, 0, sizeof(*result));
            result->lab = strdup(lab);
            result->title = strdup("");
            if (asprintf(&result->error, "the submission %s has no folder %s",
                         o.submission, lab) < 0)
                result->error = NULL;
            continue;
        }
        grade_lab(&gopt, lab, dir, result);
        free(dir);
    }
    g.seconds = (double)(kit_now_ns() - start) / 1e9;

    /* Every run of the submission has ended (run_program waits for and
     * kills whole process trees): only now are results written.
     * results.json holds every test, each with its visibility, which
     * Gradescope applies; the other reports, in a student's view, only what
     * the student may see now. */
    if (o.results != NULL && report_results_json(&g, o.results) != 0)
        status = 2;
    if (o.student_view && grade_student_view(&g) < 0)
        status = 2;
    report_terminal(&g, stdout,
                    isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL);
    if (o.junit != NULL && report_junit(&g, o.junit) != 0)
        status = 2;
    if (o.summary != NULL && report_summary(&g, o.summary) != 0)
        status = 2;
    if (o.plot != NULL && report_plots(&g, o.plot) != 0)
        status = 2;
    status = exit_status(&g, status, o.accept_held);
    /* Last, as it leaves out of the grade what the student may not see
     * yet: every report above is the whole grade's, unless --student-view. */
    if (o.student_report != NULL &&
        write_student_report(&g, o.student_view, o.student_report) != 0 &&
        status < 2)
        status = 2;
    grade_free(&g);
    catalogue_close(&cat);
    return status;
}
