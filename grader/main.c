/* The grader: grades labs of a submission against the kit's own tests and
 * lab.ini, and writes the reports. `grader --help` says how to call it.
 * Exit status: 0 full marks, 1 graded below full marks, 2 could not grade. */
#define _GNU_SOURCE /* getopt_long */
#include "grade.h"
#include "kit_time.h"
#include "kit_topology.h"
#include "machine_lock.h"
#include "report.h"
#include "run.h"
#include "sandbox.h"

#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct options {
    char kit[PATH_MAX];
    const char *lab, *submission, *results, *junit, *summary, *plot, *only;
    const char *sandbox_user, *machine_lock;
    char *hide[SANDBOX_MAX_HIDDEN + 1];
    int nhide;
    bool keep, progress;
    double timeout;
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
            "TEXT\n"
            "  --timeout S        cap every test's time limit at S seconds\n"
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
            "  -h, --help         show this help\n"
            "\n"
            "Exit status: 0 full marks, 1 graded below full marks, 2 could "
            "not grade.\n");
}

static int
is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The kit's labs: folders of KIT/labs with a lab.ini, sorted. */
static int
list_labs(const char *kit, char ***out)
{
    char path[PATH_MAX];
    struct dirent **entries;
    int n, count = 0;

    if (snprintf(path, sizeof(path), "%s/labs", kit) >= (int)sizeof(path))
        return -1;
    n = scandir(path, &entries, NULL, alphasort);
    if (n < 0)
        return -1;
    *out = calloc((size_t)n + 1, sizeof(char *));
    for (int i = 0; i < n; i++) {
        char ini[PATH_MAX];
        if (entries[i]->d_name[0] != '.' &&
            snprintf(ini, sizeof(ini), "%s/labs/%s/lab.ini", kit,
                     entries[i]->d_name) < (int)sizeof(ini) &&
            access(ini, R_OK) == 0 && *out != NULL)
            (*out)[count++] = strdup(entries[i]->d_name);
        free(entries[i]);
    }
    free(entries);
    return *out != NULL ? count : -1;
}

/* "2", "02" or "02-threads" to the lab's folder name. */
static const char *
find_lab(char **labs, int nlabs, const char *wanted)
{
    char *end;
    long number = strtol(wanted, &end, 10);

    for (int i = 0; i < nlabs; i++) {
        if (strcmp(labs[i], wanted) == 0)
            return labs[i];
        if (end != wanted && *end == '\0' && atol(labs[i]) == number)
            return labs[i];
    }
    return NULL;
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
        {"keep", no_argument, NULL, 'K'},
        {"no-progress", no_argument, NULL, 'P'},
        {"sandbox-user", required_argument, NULL, 'u'},
        {"hide", required_argument, NULL, 'H'},
        {"machine-lock", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *kit = ".";
    char *end;
    int opt;

    o->progress = isatty(STDERR_FILENO);
    while ((opt = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        switch (opt) {
        case 'k':
            kit = optarg;
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
            o->only = optarg;
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
        case 'K':
            o->keep = true;
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
    if (realpath(kit, o->kit) == NULL || !is_dir(o->kit)) {
        fprintf(stderr, "grader: --kit %s: no such folder\n", kit);
        return -1;
    }
    if (o->submission != NULL && !is_dir(o->submission)) {
        fprintf(stderr, "grader: --submission %s: no such folder\n",
                o->submission);
        return -1;
    }
    return 0;
}

/* Where a lab's submit files are: SUBMISSION/LAB, or with --lab a flat
 * folder; NULL when the submission has no folder for this lab. */
static char *
submission_for(const struct options *o, const char *lab)
{
    char path[PATH_MAX];

    if (o->submission == NULL) {
        if (snprintf(path, sizeof(path), "%s/labs/%s", o->kit, lab) >=
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

static void
machine_info(struct machine_info *m)
{
    struct kit_topology topo;
    char err[100];

    memset(m, 0, sizeof(*m));
    if (kit_topology_probe(&topo, err, sizeof(err)) != 0) {
        snprintf(m->cpu_model, sizeof(m->cpu_model), "unknown (%s)", err);
        m->usable_cpus = 1;
        return;
    }
    snprintf(m->cpu_model, sizeof(m->cpu_model), "%s", topo.cpu_model);
    m->usable_cpus = topo.usable_cpus;
    m->physical_cores = topo.machine.cores;
    m->logical_cpus = topo.machine.pus;
    m->cpu_quota = topo.cpu_quota;
}

int
main(int argc, char **argv)
{
    struct options o = {0};
    struct grade g = {0};
    char **labs = NULL;
    int nlabs, status = 0;
    int64_t start = kit_now_ns();

    if (parse_options(argc, argv, &o) != 0)
        return 2;
    nlabs = list_labs(o.kit, &labs);
    if (nlabs <= 0) {
        fprintf(stderr, "grader: %s/labs holds no lab (is --kit the kit?)\n",
                o.kit);
        return 2;
    }
    if (o.lab != NULL) {
        const char *found = find_lab(labs, nlabs, o.lab);
        if (found == NULL) {
            fprintf(stderr, "grader: no lab '%s'; the labs are:", o.lab);
            for (int i = 0; i < nlabs; i++)
                fprintf(stderr, " %s", labs[i]);
            fprintf(stderr, "\n");
            return 2;
        }
        o.lab = found;
    }
    /* Builds made as the sandbox's user must stay readable by it once they
     * are root's again. */
    umask(022);
    static struct sandbox sandbox;
    char err[1200];
    if (sandbox_setup(&sandbox, o.sandbox_user, o.kit, o.hide, o.nhide, err,
                      sizeof(err)) != 0 ||
        (o.machine_lock != NULL &&
         machine_lock_open(o.machine_lock, err, sizeof(err)) != 0)) {
        fprintf(stderr, "grader: %s\n", err);
        return 2;
    }
    run_use_sandbox(&sandbox);
    char walls[1600];
    sandbox_describe(&sandbox, walls, sizeof(walls));
    g.sandbox = strdup(walls);
    if (run_become_subreaper() != 0)
        g.notes = strdup("this system did not let the grader adopt orphaned "
                         "processes: a process escaping with setsid could "
                         "outlive the grade");
    machine_info(&g.machine);

    struct grade_options gopt = {
        .kit = o.kit,
        .usable_cpus = g.machine.usable_cpus,
        .keep_workdir = o.keep,
        .progress = o.progress,
        .only = o.only,
        .timeout_cap = o.timeout,
        .sandbox = &sandbox,
    };
    g.labs = calloc((size_t)nlabs, sizeof(*g.labs));
    if (g.labs == NULL)
        return 2;
    for (int i = 0; i < nlabs; i++) {
        if (o.lab != NULL && strcmp(o.lab, labs[i]) != 0)
            continue;
        struct lab_result *lab = &g.labs[g.nlabs++];
        char *dir = submission_for(&o, labs[i]);
        if (dir == NULL) {
            memset(lab, 0, sizeof(*lab));
            lab->lab = strdup(labs[i]);
            lab->title = strdup("");
            if (asprintf(&lab->error, "the submission %s has no folder %s",
                         o.submission, labs[i]) < 0)
                lab->error = NULL;
            continue;
        }
        grade_lab(&gopt, labs[i], dir, lab);
        free(dir);
    }
    g.seconds = (double)(kit_now_ns() - start) / 1e9;

    /* Every run of the submission has ended (run_program waits for and
     * kills whole process trees): only now are results written. */
    report_terminal(&g, stdout,
                    isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL);
    if (o.results != NULL && report_results_json(&g, o.results) != 0)
        status = 2;
    if (o.junit != NULL && report_junit(&g, o.junit) != 0)
        status = 2;
    if (o.summary != NULL && report_summary(&g, o.summary) != 0)
        status = 2;
    if (o.plot != NULL && report_plots(&g, o.plot) != 0)
        status = 2;

    for (size_t i = 0; i < g.nlabs && status == 0; i++) {
        if (g.labs[i].error != NULL)
            status = 2;
        for (size_t t = 0; t < g.labs[i].ntests; t++)
            if (g.labs[i].tests[t].status == TEST_ERROR)
                status = 2;
    }
    if (status == 0 && grade_score(&g) < grade_max_score(&g) - 1e-9)
        status = 1;
    grade_free(&g);
    for (int i = 0; i < nlabs; i++)
        free(labs[i]);
    free(labs);
    return status;
}
