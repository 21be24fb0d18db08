/* SPDX-License-Identifier: MIT */
/* grade-class: grades every student folder of a class with the grader, into
 * a gradebook. The declarations its files share: the roster (who and which
 * labs), the jobs (one grader run per student and lab), the outcome read
 * back from a results.json, the gradebook and the progress display. */
#ifndef GRADE_CLASS_H
#define GRADE_CLASS_H

#include "base/files.h"
#include "base/provenance.h"
#include "base/text.h"
#include "spec/catalogue.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* What the command line asked for, with every path made absolute. */
struct class_options {
    char kit[PATH_MAX];
    char submissions[PATH_MAX];
    char out[PATH_MAX];
    char grader[PATH_MAX];
    char results_root[PATH_MAX]; /* KIT/build/class, the default OUTs'
                                    parent, where it exists; else "" */
    const char *lab;   /* as given: "02" or "02-threads"; NULL for all */
    const char *only;  /* the grader's --test TEXT, or NULL */
    int jobs;          /* graders run at once */
    bool jobs_given;   /* --jobs said so (else: the usable CPUs) */
    bool force;        /* regrade what is already graded */
    bool regrade_held; /* regrade what was held or could not be graded */
    bool isolate;      /* pass --machine-lock, --hide, --sandbox-user */
    long uid_base;     /* as root: worker slot N runs student code as this+N */
    bool tty;          /* stderr is a terminal: one redrawn progress line */
    char machine_lock[PATH_MAX]; /* the graders' --machine-lock: OUT's, or
                                    on a Slurm node one of the node's own */
    /* Slurm (slurm.c): grade through a job array of `slurm` tasks, each a
     * whole node running its share of the class as the local engine does;
     * 0: grade here. sbatch_args: more sbatch options, split at spaces. */
    int slurm;
    const char *sbatch_args;
    /* A task of that array: --shard I/K grades the student-labs of --todo
     * FILE whose place in it is I modulo K. nshards 0: not a task. */
    int shard, nshards;
    char todo[PATH_MAX];
    /* The similarity report's threshold, in percent; 0: no report. */
    int similarity;
};

/* Who is graded on what: the students (folder names of the class, sorted),
 * every lab of the kit, and those graded in this run. */
struct roster {
    char **students;
    size_t nstudents;
    struct catalogue labs; /* every lab of the kit, sorted */
    char **graded;         /* the labs of this run: all, or the one of --lab */
    size_t ngraded;
};

/* Whether an earlier run's results.json stands. */
enum graded_state {
    NOT_GRADED,    /* none, unreadable, or made with another --test */
    GRADED,        /* it stands */
    REGRADE_HELD,  /* it has points held or an error, and --regrade-held */
    STALE_SPEC,    /* graded with another lab.ini */
    STALE_KIT,     /* graded with another kit commit */
    STALE_UNKNOWN, /* by a grader that did not record what graded it */
};

enum job_state {
    JOB_TODO,
    JOB_RUNNING,
    JOB_SKIPPED, /* a results.json of an earlier run stands */
    JOB_DONE,    /* a results.json was written by this run */
    JOB_FAILED,  /* the grader left no results.json that parses */
};

/* One grader run: a student's submission of one lab. */
struct job {
    const char *student, *lab; /* owned by the roster */
    char *submission;          /* what --submission gets */
    char *dir;                 /* OUT/student/lab: every output of the run */
    enum job_state state;
    pid_t pid;
    int slot;         /* worker slot while running, for the sandbox user */
    int64_t start_ns; /* kit_now_ns() when spawned */
    double seconds;   /* wall time of the grader run */
    double score, max_score;  /* JOB_DONE: the sums of its results.json */
    char reason[256];         /* why it could not be graded (JOB_FAILED, or a
                                 JOB_DONE whose results.json says so); else "" */
    enum graded_state before; /* what an earlier run's results were */
};

/* What one results.json says. Test entries are in the file's order. */
struct outcome_test {
    char *name; /* "02-threads: dot matches the serial reference" */
    double score, max_score;
    bool column; /* a test of the lab, not the entry of a lab-wide error */
    /* Never judged (a speedup on too few cores): its `points` neither won
     * nor lost, and its score and max_score 0. */
    bool held;
    double points; /* what the test is worth, held or not */
};

struct outcome {
    struct outcome_test *tests;
    size_t ntests;
    double score, max_score; /* sums over the test entries */
    size_t nheld;            /* tests held */
    double held_points;      /* their points (max_score + held_points:
                                the lab's whole maximum) */
    char reason[256];        /* why the grader could not grade; "" if it did */
    /* What graded it (extra_data.graded_by): lab.ini's SHA-256 and the
     * kit's commit; both "" in the results of a grader that did not say. */
    char spec_sha256[SHA256_HEX_LEN + 1];
    char kit_commit[96];
    double seconds; /* the grader's execution_time; 0 if it did not say */
};

/* What grades a lab now, to compare with what graded a student's lab. */
struct provenance {
    char spec_sha256[SHA256_HEX_LEN + 1];
    char kit_commit[96];
};

/* roster.c */
int roster_load(struct roster *r, const struct class_options *o, char *err,
                size_t errlen);
void roster_free(struct roster *r);
char *roster_submission_for(const struct class_options *o, const char *student,
                            const char *lab);

/* outcome.c */
int outcome_read(const char *path, struct outcome *out, char *err,
                 size_t errlen);
void outcome_free(struct outcome *out);
void provenance_now(const struct class_options *o, const char *lab,
                    struct provenance *now);
enum graded_state job_already_graded(const struct job *job, const char *only,
                                     bool unless_held,
                                     const struct provenance *now);
int job_prepare(const struct job *job, const char *only, char *err,
                size_t errlen);
int job_accept(struct job *job, int exit_status);
void job_note_failure(const struct job *job);
bool job_collect(struct job *job);

/* pool.c */
struct pool_events {
    void (*started)(void *ctx, const struct job *job);
    void (*finished)(void *ctx, const struct job *job);
    void (*tick)(void *ctx); /* about once a second while graders run */
    void *ctx;
};
int pool_run(const struct class_options *o, struct job *jobs, size_t njobs,
             const struct pool_events *events, bool *interrupted);
bool grader_takes_isolation(const char *grader);

/* slurm.c */
int slurm_run(const struct class_options *o, struct job *jobs, size_t njobs,
              const struct pool_events *events, bool *interrupted);
int shard_select(const struct class_options *o, struct job *jobs, size_t njobs,
                 char *err, size_t errlen);
void shard_note_failures(const struct job *jobs, size_t njobs);

/* similarity.c: OUT/similarity/, pairs of submissions that share at least
 * o->similarity percent of their code, the starter's lines left out.
 * Returns 0, or -1 when some lab could not be compared (said on stderr). */
int similarity_report(const struct class_options *o, const struct roster *r);

/* gradebook.c */
struct gradebook_counts {
    size_t not_graded; /* rows whose status is not "graded" */
    size_t held;       /* graded rows with points held */
    size_t held_tests; /* the tests held in them */
    size_t columns;    /* test columns */
};
int gradebook_write(const struct class_options *o, const struct roster *r,
                    const struct job *jobs, size_t njobs,
                    struct gradebook_counts *counts);
/* One CSV field into `b`, after a comma unless `first`. */
void csv_field(struct text *b, const char *s, bool first);

/* progress.c */
struct progress {
    bool tty;
    size_t total, finished, skipped;
    int workers;
    double graded_seconds; /* summed over jobs this run has finished */
    size_t graded_count;
    double estimate; /* seconds left, as of estimate_ns */
    int64_t estimate_ns;
    const struct job *last; /* the student-lab the bar names */
    bool line_shown;        /* a bar is on screen and must be cleared first */
};
void progress_started(void *ctx, const struct job *job);
void progress_finished(void *ctx, const struct job *job);
void progress_tick(void *ctx);
void progress_clear(struct progress *p);
void format_duration(double seconds, char *buf, size_t len);
void print_name(FILE *to, const char *name, size_t max);

#endif
