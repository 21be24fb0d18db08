/* SPDX-License-Identifier: MIT */
/* grade-class: grades every student folder of a class with the grader, in
 * parallel on the usable CPUs, into OUT/gradebook.csv and per student and
 * lab a results.json, the grader's report and its plots. `grade-class
 * --help` says how to call it. Exit status: 0 every student graded, 1 some
 * could not be, 2 bad usage (points held count as graded: the gradebook
 * and the summary line show them). */
#define _GNU_SOURCE /* getopt_long */
#include "base/machine.h"
#include "class.h"
#include "kit_time.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define DEFAULT_UID_BASE 61000
/* Measured on lab 02 (tests/test_similarity.py): a solution written
 * independently shares 5 to 7 % with the reference and with a copy of it,
 * the starter's lines left out; the copy, its variables renamed and its
 * functions reordered, shares 100 %. */
#define DEFAULT_SIMILARITY 50

static void
usage(FILE *to)
{
    fprintf(to,
            "usage: grade-class --submissions DIR [options]\n"
            "Grade every student folder of DIR into a gradebook.\n"
            "\n"
            "  --submissions DIR  the class: one folder per student, named "
            "after them,\n"
            "                     holding a lab's files at its top, or "
            "NN-name/ folders,\n"
            "                     or a labs/ tree of NN-name/ folders\n"
            "  --kit DIR          the kit's top folder (default: .)\n"
            "  --lab LAB          one lab, by number (02) or name; default: "
            "every lab\n"
            "  --out DIR          where results go (default: "
            "KIT/build/class/<name of DIR>)\n"
            "  --test TEXT        grade only the tests whose name contains "
            "TEXT\n"
            "  --jobs N           graders run at once (default: the usable "
            "CPUs)\n"
            "  --force            regrade student-labs graded by an earlier "
            "run\n"
            "  --regrade-held     regrade only those with points held (not "
            "judged) or\n"
            "                     that could not be graded, and any not yet "
            "graded\n"
            "  --slurm N          grade through Slurm: a job array of N "
            "tasks, each a whole\n"
            "                     node (sbatch --exclusive) grading its share "
            "as --jobs\n"
            "                     graders at once; OUT must be a folder every "
            "node sees\n"
            "  --sbatch-args ARGS more sbatch options, split at spaces "
            "(--partition=P\n"
            "                     --account=A --time=T); SBATCH_* variables "
            "work too\n"
            "  --similarity P     flag the pairs of submissions that share P "
            "%% or more\n"
            "                     of their code, the starter's lines left out "
            "(default:\n"
            "                     %d; 0: no similarity report)\n"
            "  --grader FILE      the grader (default: "
            "KIT/build/release/grader/grader)\n"
            "  --uid-base N       as root, worker slot K runs student code as "
            "uid N+K\n"
            "                     (default: %d)\n"
            "  --no-isolation     for developing with an older grader: no "
            "machine lock,\n"
            "                     no hidden folders, no sandbox user (one job "
            "unless --jobs)\n"
            "  --shard I/K --todo FILE\n"
            "                     what a task of --slurm runs: grade the "
            "student-labs of\n"
            "                     FILE whose place in it is I modulo K\n"
            "  -h, --help         show this help\n"
            "\n"
            "Writes OUT/gradebook.csv and OUT/STUDENT/LAB/{results.json, "
            "report.txt, *.png}.\n"
            "Exit status: 0 every student graded (whatever the marks), 1 "
            "some could not\n"
            "be graded, 2 bad usage.\n",
            DEFAULT_SIMILARITY, DEFAULT_UID_BASE);
}

static int bad_usage(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* A bad command line: the reason, and where the help is; returns -1. */
static int
bad_usage(const char *fmt, ...)
{
    va_list ap;

    fputs("grade-class: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n(grade-class --help says how to call it)\n", stderr);
    return -1;
}

static int
parse_options(int argc, char **argv, struct class_options *o)
{
    static const struct option longs[] = {
        {"submissions", required_argument, NULL, 's'},
        {"kit", required_argument, NULL, 'k'},
        {"lab", required_argument, NULL, 'l'},
        {"out", required_argument, NULL, 'o'},
        {"test", required_argument, NULL, 't'},
        {"jobs", required_argument, NULL, 'j'},
        {"force", no_argument, NULL, 'f'},
        {"regrade-held", no_argument, NULL, 'R'},
        {"grader", required_argument, NULL, 'g'},
        {"slurm", required_argument, NULL, 'S'},
        {"sbatch-args", required_argument, NULL, 'A'},
        {"shard", required_argument, NULL, 'H'},
        {"todo", required_argument, NULL, 'T'},
        {"similarity", required_argument, NULL, 'M'},
        {"uid-base", required_argument, NULL, 'u'},
        {"no-isolation", no_argument, NULL, 'I'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *kit = ".", *submissions = NULL, *out = NULL, *grader = NULL;
    const char *todo = NULL;
    char *end;
    long n;
    int opt;

    o->isolate = true;
    o->uid_base = DEFAULT_UID_BASE;
    o->similarity = DEFAULT_SIMILARITY;
    while ((opt = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        switch (opt) {
        case 's':
            submissions = optarg;
            break;
        case 'k':
            kit = optarg;
            break;
        case 'l':
            o->lab = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 't':
            o->only = optarg;
            break;
        case 'j':
            n = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || n < 1 || n > 1024)
                return bad_usage("--jobs %s: not a number from 1 to 1024",
                                 optarg);
            o->jobs = (int)n;
            o->jobs_given = true;
            break;
        case 'S':
            n = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || n < 1 || n > 100000)
                return bad_usage("--slurm %s: not a number of tasks from 1 "
                                 "to 100000",
                                 optarg);
            o->slurm = (int)n;
            break;
        case 'A':
            o->sbatch_args = optarg;
            break;
        case 'H': {
            long k;
            n = strtol(optarg, &end, 10);
            k = *end == '/' ? strtol(end + 1, &end, 10) : 0;
            if (*end != '\0' || k < 1 || k > 100000 || n < 0 || n >= k)
                return bad_usage("--shard %s: not I/K with 0 <= I < K", optarg);
            o->shard = (int)n;
            o->nshards = (int)k;
            break;
        }
        case 'T':
            todo = optarg;
            break;
        case 'M':
            n = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || n < 0 || n > 100)
                return bad_usage("--similarity %s: not a percentage from 0 "
                                 "(no report) to 100",
                                 optarg);
            o->similarity = (int)n;
            break;
        case 'f':
            o->force = true;
            break;
        case 'R':
            o->regrade_held = true;
            break;
        case 'g':
            grader = optarg;
            break;
        case 'u':
            n = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || n < 1 || n > 2000000000L)
                return bad_usage("--uid-base %s: not a user id", optarg);
            o->uid_base = n;
            break;
        case 'I':
            o->isolate = false;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return -1;
        }
    }
    if (optind < argc)
        return bad_usage("unexpected argument '%s'", argv[optind]);
    if (submissions == NULL || submissions[0] == '\0')
        return bad_usage("no class to grade: give --submissions DIR (make "
                         "grade-class SUBMISSIONS=DIR), a folder with one "
                         "folder per student");
    if (realpath(kit, o->kit) == NULL || !is_dir(o->kit))
        return bad_usage("--kit %s: no such folder", kit);
    if (realpath(submissions, o->submissions) == NULL ||
        !is_dir(o->submissions))
        return bad_usage("--submissions %s: no such folder", submissions);
    if (grader == NULL) {
        if (snprintf(o->grader, sizeof(o->grader),
                     "%s/build/release/grader/grader",
                     o->kit) >= (int)sizeof(o->grader))
            return bad_usage("--kit %s: too long a path", o->kit);
    } else if (realpath(grader, o->grader) == NULL)
        return bad_usage("--grader %s: no such file", grader);
    if (access(o->grader, X_OK) != 0)
        return bad_usage("%s: no grader there (make grader MODE=release "
                         "builds it)",
                         o->grader);
    if (out != NULL) {
        /* Checked before the folder is made, lest it become a student. */
        char cwd[PATH_MAX], abs[PATH_MAX];
        if (out[0] != '/' && getcwd(cwd, sizeof(cwd)) != NULL)
            cut_printf(abs, sizeof(abs), "%s/%s", cwd, out);
        else
            cut_printf(abs, sizeof(abs), "%s", out);
        if (path_inside(abs, o->submissions))
            return bad_usage("--out %s is inside --submissions: put the "
                             "results elsewhere",
                             out);
        if (make_dirs(out, 0755) != 0 || realpath(out, o->out) == NULL)
            return bad_usage("--out %s: cannot make the folder", out);
    } else {
        char copy[PATH_MAX], *name;
        snprintf(copy, sizeof(copy), "%s", o->submissions);
        name = basename(copy);
        if (snprintf(o->out, sizeof(o->out), "%s/build/class/%s", o->kit,
                     name[0] != '\0' && strcmp(name, "/") != 0
                         ? name
                         : "class") >= (int)sizeof(o->out) ||
            make_dirs(o->out, 0755) != 0)
            return bad_usage("%s: cannot make the folder", o->out);
    }
    /* Results inside the class folder would be graded as a student, and
     * hidden from the grader together with the submissions. */
    if (path_inside(o->out, o->submissions))
        return bad_usage("--out %s is inside --submissions: put the results "
                         "elsewhere",
                         o->out);
    if (snprintf(o->results_root, sizeof(o->results_root), "%s/build/class",
                 o->kit) >= (int)sizeof(o->results_root) ||
        !is_dir(o->results_root))
        o->results_root[0] = '\0';
    if (o->nshards > 0) {
        if (todo == NULL || realpath(todo, o->todo) == NULL)
            return bad_usage("--shard needs --todo FILE, the list a --slurm "
                             "run wrote");
        if (o->slurm > 0)
            return bad_usage("--shard is a task of --slurm, not both");
    } else if (todo != NULL)
        return bad_usage("--todo goes with --shard");
    if (o->nshards > 0) {
        /* The node's own lock: the task has the node to itself, and a lock
         * in OUT would be shared with every other node. */
        const char *tmp = getenv("TMPDIR");
        const char *job = getenv("SLURM_ARRAY_JOB_ID");
        cut_printf(o->machine_lock, sizeof(o->machine_lock),
                   "%s/grade-class.%s.%d.machine-lock",
                   tmp != NULL && tmp[0] == '/' ? tmp : "/tmp",
                   job != NULL ? job : "local", o->shard);
    } else if (snprintf(o->machine_lock, sizeof(o->machine_lock),
                        "%s/.machine-lock",
                        o->out) >= (int)sizeof(o->machine_lock))
        return bad_usage("--out %s: too long a path", o->out);
    o->tty = isatty(STDERR_FILENO) && o->nshards == 0;
    return 0;
}

/* One grade-class at a time per OUT: two would grade the same students
 * into the same files. The lock goes with the process, however it ends. */
static int
lock_out(const char *out)
{
    char *path = path_join(out, ".grade-class.lock", NULL);
    int fd = path != NULL ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;

    if (fd < 0) {
        fprintf(stderr, "grade-class: %s: %s\n", path != NULL ? path : out,
                strerror(errno));
    } else if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        fprintf(stderr,
                "grade-class: another grade-class is grading into %s "
                "(wait for it, or give another --out)\n",
                out);
        close(fd);
        fd = -1;
    }
    free(path);
    return fd;
}

static struct job *
make_jobs(const struct class_options *o, const struct roster *r, size_t *n)
{
    struct job *jobs = calloc(r->nstudents * r->ngraded + 1, sizeof(*jobs));
    struct provenance *now = calloc(r->ngraded + 1, sizeof(*now));

    *n = 0;
    if (jobs == NULL || now == NULL) {
        free(jobs);
        free(now);
        return NULL;
    }
    for (size_t l = 0; l < r->ngraded; l++)
        provenance_now(o, r->graded[l], &now[l]);
    for (size_t s = 0; s < r->nstudents; s++)
        for (size_t l = 0; l < r->ngraded; l++) {
            struct job *job = &jobs[(*n)++];
            job->student = r->students[s];
            job->lab = r->graded[l];
            job->submission = roster_submission_for(o, job->student, job->lab);
            job->dir = path_join(o->out, job->student, job->lab);
            if (job->submission == NULL || job->dir == NULL) {
                job->state = JOB_FAILED;
                snprintf(job->reason, sizeof(job->reason), "out of memory");
                continue;
            }
            job->before =
                job_already_graded(job, o->only, o->regrade_held, &now[l]);
            if (!o->force && job->before == GRADED)
                job->state = JOB_SKIPPED;
        }
    free(now);
    return jobs;
}

/* Says, lab by lab, who is graded again because what grades the lab has
 * changed since (unless --force regrades everyone anyway). */
static void
tell_stale(const struct class_options *o, const struct roster *r,
           const struct job *jobs, size_t njobs)
{
    static const struct {
        enum graded_state state;
        const char *why;
    } kinds[] = {
        {STALE_SPEC, "graded with another lab.ini"},
        {STALE_KIT, "graded with another kit commit (the grader or the "
                    "lab's tests changed)"},
        {STALE_UNKNOWN, "graded by a grader that did not record what "
                        "graded them"},
    };

    if (o->force)
        return;
    for (size_t l = 0; l < r->ngraded; l++)
        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
            size_t count = 0;
            for (size_t i = 0; i < njobs; i++)
                count += jobs[i].lab == r->graded[l] &&
                         jobs[i].before == kinds[k].state;
            if (count > 0)
                fprintf(stderr, "%s: %zu student%s %s: grading again\n",
                        r->graded[l], count, count == 1 ? "" : "s",
                        kinds[k].why);
        }
}

static void
free_jobs(struct job *jobs, size_t n)
{
    for (size_t i = 0; jobs != NULL && i < n; i++) {
        free(jobs[i].submission);
        free(jobs[i].dir);
    }
    free(jobs);
}

/* A task of a --slurm run: its share of the list, graded on this node as
 * the local engine grades, each failure noted for the run that submitted
 * it; the gradebook is that run's to write. */
static int
run_shard(struct class_options *o, const struct roster *r)
{
    struct machine_info machine;
    struct job *jobs;
    size_t njobs, todo = 0, graded = 0, failed = 0;
    char err[512], host[256] = "";
    bool interrupted = false;

    machine_probe(&machine);
    if (!o->jobs_given)
        o->jobs = o->isolate ? machine.usable_cpus : 1;
    jobs = make_jobs(o, r, &njobs);
    if (jobs == NULL) {
        fprintf(stderr, "grade-class: out of memory\n");
        return 2;
    }
    if (shard_select(o, jobs, njobs, err, sizeof(err)) != 0) {
        fprintf(stderr, "grade-class: %s\n", err);
        free_jobs(jobs, njobs);
        return 2;
    }
    for (size_t i = 0; i < njobs; i++)
        todo += jobs[i].state == JOB_TODO;
    gethostname(host, sizeof(host) - 1);
    fprintf(stderr, "task %d of %d on %s: %zu student-lab%s, %d at a time\n",
            o->shard, o->nshards, host, todo, todo == 1 ? "" : "s", o->jobs);
    struct progress p = {.total = todo, .workers = o->jobs};
    struct pool_events ev = {
        .started = progress_started,
        .finished = progress_finished,
        .tick = progress_tick,
        .ctx = &p,
    };
    int rc = pool_run(o, jobs, njobs, &ev, &interrupted);
    /* Cut short (scancel, the node's time limit), the graders were
     * stopped, not failed: with no note, the run that submitted the array
     * counts them as not graded yet, and its next run grades them. */
    if (!interrupted)
        shard_note_failures(jobs, njobs);
    unlink(o->machine_lock);
    for (size_t i = 0; i < njobs; i++) {
        graded += jobs[i].state == JOB_DONE;
        failed += jobs[i].state == JOB_FAILED;
    }
    fprintf(stderr, "task %d of %d: graded %zu, could not grade %zu%s\n",
            o->shard, o->nshards, graded, failed,
            interrupted ? ", interrupted" : "");
    free_jobs(jobs, njobs);
    return rc != 0 || failed > 0 || interrupted ? 1 : 0;
}

int
main(int argc, char **argv)
{
    struct class_options o = {0};
    struct roster r;
    struct job *jobs;
    size_t njobs, skipped = 0, graded = 0, failed = 0, ran = 0;
    size_t not_started = 0;
    struct gradebook_counts counts;
    char err[1024], took[32];
    struct machine_info machine;
    int usable, lock, status = 0;
    bool interrupted = false;
    int64_t start = kit_now_ns();

    if (parse_options(argc, argv, &o) != 0)
        return 2;
    if (roster_load(&r, &o, err, sizeof(err)) != 0) {
        fprintf(stderr, "grade-class: %s\n", err);
        roster_free(&r);
        return 2;
    }
    if (r.nstudents == 0) {
        fprintf(stderr,
                "grade-class: %s holds no student folder (one folder per "
                "student, named after them)\n",
                o.submissions);
        roster_free(&r);
        return 2;
    }
    if (o.nshards > 0) {
        status = run_shard(&o, &r);
        roster_free(&r);
        return status;
    }
    if (o.isolate && !grader_takes_isolation(o.grader)) {
        fprintf(stderr,
                "grade-class: %s does not take --machine-lock, --hide, "
                "--sandbox-user and --student-report: rebuild it (make "
                "grader MODE=release); "
                "--no-isolation grades without them, for development only\n",
                o.grader);
        roster_free(&r);
        return 2;
    }
    lock = lock_out(o.out);
    if (lock < 0) {
        roster_free(&r);
        return 2;
    }
    machine_probe(&machine);
    usable = machine.usable_cpus;
    if (o.jobs == 0)
        o.jobs = o.isolate ? usable : 1;
    /* Through Slurm, the graders run on the nodes, each node's task its
     * own count (--jobs, else the node's usable CPUs). */
    int workers = o.slurm > 0 ? o.slurm : o.jobs;
    if (!o.isolate)
        fprintf(stderr,
                "grade-class: --no-isolation: students can see each other's "
                "files%s\n",
                o.jobs > 1 ? ", and speedups measured at the same time "
                             "disturb each other"
                           : "");

    if (o.isolate && geteuid() != 0)
        fprintf(stderr,
                "grade-class: not root: every student's code runs as you, "
                "so a hostile submission could signal this run or write "
                "your files (each report's Sandbox line says what held); "
                "grade a class as root for a user per grader\n");

    jobs = make_jobs(&o, &r, &njobs);
    if (jobs == NULL) {
        fprintf(stderr, "grade-class: out of memory\n");
        roster_free(&r);
        return 2;
    }
    for (size_t i = 0; i < njobs; i++)
        skipped += jobs[i].state == JOB_SKIPPED;
    if (o.slurm > 0)
        fprintf(stderr,
                "grading %zu student%s, %zu lab%s each, through Slurm on up "
                "to %d node%s at once, into %s\n",
                r.nstudents, r.nstudents == 1 ? "" : "s", r.ngraded,
                r.ngraded == 1 ? "" : "s", o.slurm, o.slurm == 1 ? "" : "s",
                o.out);
    else
        fprintf(stderr,
                "grading %zu student%s, %zu lab%s each, %d at a time, "
                "into %s\n",
                r.nstudents, r.nstudents == 1 ? "" : "s", r.ngraded,
                r.ngraded == 1 ? "" : "s", o.jobs, o.out);
    if (skipped > 0)
        fprintf(stderr, "%zu already graded, skipped; FORCE=1 regrades\n",
                skipped);
    tell_stale(&o, &r, jobs, njobs);

    struct progress p = {
        .tty = o.tty,
        .total = njobs,
        .finished = skipped,
        .workers = workers,
    };
    struct pool_events ev = {
        .started = progress_started,
        .finished = progress_finished,
        .tick = progress_tick,
        .ctx = &p,
    };
    if ((o.slurm > 0 ? slurm_run : pool_run)(&o, jobs, njobs, &ev,
                                             &interrupted) != 0)
        status = 1;
    progress_clear(&p);

    for (size_t i = 0; i < njobs; i++) {
        const struct job *job = &jobs[i];
        ran += job->seconds > 0;
        if (job->state == JOB_DONE && job->reason[0] == '\0')
            graded++;
        else if (job->state == JOB_TODO)
            not_started++;
        else if (job->state != JOB_SKIPPED)
            failed++;
    }
    if (gradebook_write(&o, &r, jobs, njobs, &counts) != 0)
        status = 1;
    else
        printf("gradebook: %s/gradebook.csv (%zu student%s, %zu test "
               "column%s)\n",
               o.out, r.nstudents, r.nstudents == 1 ? "" : "s", counts.columns,
               counts.columns == 1 ? "" : "s");
    if (similarity_report(&o, &r) != 0)
        status = 1;
    double seconds = (double)(kit_now_ns() - start) / 1e9;
    format_duration(seconds, took, sizeof(took));
    printf("graded %zu, skipped %zu, could not grade %zu; %.1f s (%s)", graded,
           skipped, failed, seconds, took);
    if (ran > 0 && seconds > 0)
        printf(", %.1f submissions per minute", (double)ran * 60 / seconds);
    if (o.slurm > 0)
        printf(" (Slurm, up to %d node%s)\n", o.slurm, o.slurm == 1 ? "" : "s");
    else
        printf(" (%d worker%s, %s)\n", o.jobs, o.jobs == 1 ? "" : "s",
               machine.cpu_model);
    if (interrupted)
        printf("interrupted, %zu not graded: run the same command again to "
               "grade the rest\n",
               not_started);
    if (counts.held > 0)
        printf("%zu student%s graded with points held (%zu test%s not judged "
               "on this machine): REGRADE_HELD=1 grades them again\n",
               counts.held, counts.held == 1 ? "" : "s", counts.held_tests,
               counts.held_tests == 1 ? "" : "s");
    if (counts.not_graded > 0)
        printf("%zu student%s could not be graded: see the status column\n",
               counts.not_graded, counts.not_graded == 1 ? "" : "s");
    if (interrupted || counts.not_graded > 0)
        status = 1;

    free_jobs(jobs, njobs);
    roster_free(&r);
    close(lock);
    return status;
}
