/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: speedup, the calibrated speedup protocol
 * (docs/design.md, "the speedup protocol").
 *
 * Per round, with a fresh seed: the kit's serial reference, the student's
 * kernel at each thread count P, the calibration kernel on 1 thread and at
 * each P, one after another so that whatever else the machine does hits all
 * of them alike. Every student result is checked against the serial one of
 * the same round. Medians over the rounds give the speedups; the verdict is
 * the student's speedup over the calibration's at the largest P. */
#include "kinds/speedup.h"
#include "base/escape.h"
#include "base/files.h"
#include "base/seeds.h"
#include "base/text.h"
#include "kinds/bench_record.h"
#include "kinds/kinds_run.h"
#include "kinds/stats.h"
#include "kit_bench.h"
#include "kit_topology.h"
#include "run/channel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_P 16
#define MAX_ROUNDS 1000
/* The most a record may be: a line of fields and a result per repetition. */
#define RECORD_MAX_BYTES 8192
/* Steps of the compute calibration kernel per timing run before scaling. */
#define CALIBRATION_COMPUTE_STEPS 20000000L

/* One run of the bench program. */
struct sample {
    double wall_ms, cpu_ms;         /* the timed calls, as the record says */
    double run_wall_ms, run_cpu_ms; /* the whole run, as the grader saw it */
    double startup_ms; /* taken off wall_ms (lab.ini's startup = excluded) */
    struct bench_record rec;
};

/* Everything measured in one set of rounds. Each student run is paired
 * with a run of the serial reference on the same inputs, right before it;
 * no two pairs share inputs, so that nothing one run of the student's code
 * leaves behind (a file of results) is of use to another. */
struct rounds {
    int np, threads[MAX_P];
    int n;                        /* rounds done */
    double *cal1_ms;              /* [round] */
    double *serial_ms[MAX_P];     /* [P][round]: the pair's serial run */
    double *student_ms[MAX_P];    /* [P][round] */
    double *cal_ms[MAX_P];        /* [P][round] */
    double *student_cores[MAX_P]; /* cpu / wall */
    double *startup_ms[MAX_P];    /* [P][round]: taken off student_ms */
    uint64_t inputs;              /* sets of inputs used so far */
    struct sample last_serial;    /* the latest pair's, for the 1-thread run */
};

struct plan {
    long n, reps;         /* the kernel's size and repetitions per run */
    double serial_ms;     /* the serial reference, one repetition */
    long cal_n, cal_reps; /* the calibration kernel's */
};

/* The word for `n` of what the test's -t counts, as lab.ini's `workers`
 * names them: "thread" or "threads" by default, "rank", "processes". */
static const char *
workers(const struct test_spec *test, int n)
{
    const char *w = test->workers != NULL ? test->workers : "threads";

    if (n != 1)
        return w;
    return strcmp(w, "ranks") == 0       ? "rank"
           : strcmp(w, "processes") == 0 ? "process"
                                         : "thread";
}

/* Returns whether every array could be had (rounds_free() frees them
 * either way). */
static bool
rounds_alloc(struct rounds *r, int max_rounds)
{
    size_t bytes = (size_t)max_rounds * sizeof(double);
    bool ok;

    r->n = 0;
    r->cal1_ms = calloc(1, bytes);
    ok = r->cal1_ms != NULL;
    for (int p = 0; p < r->np; p++) {
        r->serial_ms[p] = calloc(1, bytes);
        r->student_ms[p] = calloc(1, bytes);
        r->cal_ms[p] = calloc(1, bytes);
        r->student_cores[p] = calloc(1, bytes);
        r->startup_ms[p] = calloc(1, bytes);
        ok = ok && r->serial_ms[p] != NULL && r->student_ms[p] != NULL &&
             r->cal_ms[p] != NULL && r->student_cores[p] != NULL &&
             r->startup_ms[p] != NULL;
    }
    return ok;
}

static void
rounds_free(struct rounds *r)
{
    free(r->cal1_ms);
    for (int p = 0; p < r->np; p++) {
        free(r->serial_ms[p]);
        free(r->student_ms[p]);
        free(r->cal_ms[p]);
        free(r->student_cores[p]);
        free(r->startup_ms[p]);
    }
}

int
speedup_thread_counts(const struct test_spec *test, int usable, int *out,
                      int max)
{
    int n = 0;

    if (usable < 2)
        return 0;
    for (int i = 0; i < test->nthreads; i++) {
        int p = test->threads[i] < usable ? test->threads[i] : usable;
        int seen = 0;
        if (p < 2)
            continue;
        for (int j = 0; j < n; j++)
            seen |= out[j] == p;
        if (!seen && n < max)
            out[n++] = p;
    }
    for (int i = 1; i < n; i++) /* insertion sort: a handful of values */
        for (int j = i; j > 0 && out[j - 1] > out[j]; j--) {
            int t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}

/* A student's run may take this many times the serial reference's time:
 * its speedup would then be 1/SLOW_LIMIT, far below anything that earns a
 * point, and a hanging submission must not hold the machine (which
 * measurements have to themselves) for the test's whole time limit. */
#define SLOW_LIMIT 20
#define SLOW_LIMIT_FLOOR_S 10.0

/* The wall-time limit of a student's run of `reps` repetitions. */
static double
student_limit(const struct test_spec *test, double serial_ms, long reps)
{
    double limit = SLOW_LIMIT * serial_ms * (double)reps / 1e3;

    if (limit < SLOW_LIMIT_FLOOR_S)
        limit = SLOW_LIMIT_FLOOR_S;
    return limit < test->timeout ? limit : test->timeout;
}

/* How a run of the bench program went. */
enum bench_end {
    BENCH_OK,
    BENCH_FAILED,   /* crashed, timed out, wrong result: `why` says */
    BENCH_TAMPERED, /* its record cannot be the harness's: `why` says */
};

/* The seed of a new set of inputs, one per repetition: derived from the
 * grading's seed, never one used before in this grading, and not to be
 * foreseen from the seeds of earlier runs (base/seeds.h). */
static uint64_t
fresh_inputs(const struct kind_call *call, struct rounds *r)
{
    return seeds_derive(call->seed, r->inputs++);
}

/* The calibration kernel's inputs: the kit's, of no use to a submission,
 * the same in every round. */
static uint64_t
calibration_inputs(const struct kind_call *call)
{
    return seeds_derive(call->seed, UINT64_C(1) << 63);
}

/* The record's claims against what the grader measured of the whole run
 * from outside: the timed calls are part of the run, so they cannot have
 * taken longer than it, in wall time or in CPU time. */
#define CLAIM_SLACK_MS 5.0
static bool
claims_possible(const struct sample *s, char *why, size_t len)
{
    if (s->wall_ms > s->run_wall_ms + CLAIM_SLACK_MS) {
        snprintf(why, len,
                 "the record says the timed calls took %.1f ms, but the whole "
                 "run took %.1f ms",
                 s->wall_ms, s->run_wall_ms);
        return false;
    }
    if (s->cpu_ms > s->run_cpu_ms * 1.02 + 2 * CLAIM_SLACK_MS) {
        snprintf(why, len,
                 "the record says the timed calls used %.1f ms of CPU, but the "
                 "whole run used %.1f ms",
                 s->cpu_ms, s->run_cpu_ms);
        return false;
    }
    return true;
}

/* One run of the bench program: the student's for "parallel", the kit's
 * reference program (none of the student's code) for "serial" and
 * "calibrate". The harness hands its record through a channel of the
 * grader's; the run counts only with exactly one record, of this run.
 * `wall_limit`: seconds, or 0 for the test's time limit. */
static enum bench_end
bench_once(const struct test_spec *test, const struct kind_call *call,
           const char *variant, int threads, long n, long reps, uint64_t seed,
           double wall_limit, struct sample *s, struct text *why)
{
    bool reference = strcmp(variant, "parallel") != 0;
    char t_arg[32], n_arg[32], r_arg[32], s_arg[32], how[200], bad[400];
    const char *kernel = strcmp(variant, "calibrate") == 0
                             ? kit_calibration_name(test->calibration)
                             : test->kernel;
    char bench[4200];
    char *argv[] = {
        bench,           "-v",
        (char *)variant, strcmp(variant, "calibrate") == 0 ? "-c" : "-k",
        (char *)kernel,  "-t",
        t_arg,           "-n",
        n_arg,           "-r",
        r_arg,           "-s",
        s_arg,           NULL};
    char *env[2] = {NULL, NULL};
    struct hang_options hang;
    struct run_request req = kind_request(call, argv, &hang);
    struct channel record;
    struct run_result r;
    enum bench_end end = BENCH_FAILED;
    char *text;
    size_t len;

    memset(s, 0, sizeof(*s));
    if (reference)
        snprintf(bench, sizeof(bench), "%s/%s-reference", call->build->kit_out,
                 test->bench);
    else
        snprintf(bench, sizeof(bench), "%s/%s", call->build->out, test->bench);
    if (wall_limit > 0)
        req.limits.wall_seconds = wall_limit;
    snprintf(t_arg, sizeof(t_arg), "%d", threads);
    snprintf(n_arg, sizeof(n_arg), "%ld", n);
    snprintf(r_arg, sizeof(r_arg), "%ld", reps);
    snprintf(s_arg, sizeof(s_arg), "%llu", (unsigned long long)seed);
    if (call->progress != NULL) {
        char what[128];
        snprintf(what, sizeof(what), "%s, %s on %d %s", test->name, variant,
                 threads, workers(test, threads));
        call->progress(what, call->progress_ctx);
    }
    /* Non-blocking for the writer: a run that floods the channel fails,
     * it does not hang. */
    if (channel_open(&record, "KIT_RECORD_FD=%d", 0, true) != 0) {
        text_add(why, "the grader could not make a pipe.\n");
        return BENCH_FAILED;
    }
    env[0] = record.env;
    req.env = env;
    req.pass_fd = record.write_fd;
    /* The reference program is the kit's: the one thing of the kit a run
     * is shown. */
    const char *shown[] = {bench, NULL};
    if (reference)
        req.kit_shown = shown;
    kind_run(call, &req, &r);
    text = channel_take(&record, RECORD_MAX_BYTES, &len);
    run_describe(&r, how, sizeof(how));
    if (r.end != RUN_EXITED || r.exit_code != 0) {
        text_addf(why, "the %s run on %d %s (seed %llu) %s.\n", variant,
                  threads, workers(test, threads), (unsigned long long)seed,
                  how);
        if (r.end == RUN_TIMED_OUT && wall_limit > 0 &&
            wall_limit < test->timeout)
            text_addf(why,
                      "A run may take %d times the serial reference's time "
                      "(at least %.0f s): slower code earns no speedup "
                      "points.\n",
                      SLOW_LIMIT, SLOW_LIMIT_FLOOR_S);
        if (r.hang_report != NULL)
            text_addf(why, "%s\n", r.hang_report);
        else if (r.output != NULL && r.output[0] != '\0') {
            text_add(why, "Its output ended with:\n");
            text_add_quoted(why, r.output + (strlen(r.output) > 1500
                                                 ? strlen(r.output) - 1500
                                                 : 0));
        }
    } else if (text == NULL) {
        text_add(why, "the grader ran out of memory reading a record.\n");
    } else if (bench_record_parse(text, len, &s->rec, bad, sizeof(bad)) != 0 ||
               bench_record_check(&s->rec, kernel, variant, threads, n, reps,
                                  seed, bad, sizeof(bad)) != 0) {
        text_addf(why, "the %s run on %d %s: %s.\n", variant, threads,
                  workers(test, threads), bad);
        /* The kit's own program wrote that: a broken kit, not a cheat. */
        end = reference ? BENCH_FAILED : BENCH_TAMPERED;
    } else {
        s->wall_ms = (double)s->rec.wall_ns / 1e6;
        s->cpu_ms = (double)s->rec.cpu_ns / 1e6;
        s->run_wall_ms = r.wall_seconds * 1e3;
        s->run_cpu_ms = r.cpu_seconds * 1e3;
        if (claims_possible(s, bad, sizeof(bad)))
            end = BENCH_OK;
        else {
            text_addf(why, "the %s run on %d %s: %s.\n", variant, threads,
                      workers(test, threads), bad);
            end = reference ? BENCH_FAILED : BENCH_TAMPERED;
        }
    }
    free(text);
    run_result_free(&r);
    return end;
}

/* Whether the student's run did work the timed calls do not show: what a
 * run spends outside them (starting, making the inputs, ending) is the
 * kit's code, the same in the serial reference's run of the same inputs,
 * so more of it, in CPU time or in wall time, is the student's code at
 * work before or between the timed calls (at load time, in threads left
 * running), where no clock sees it. The allowances cover what differs
 * between two honest runs: CPU time is robust to a loaded machine, wall
 * time much less. */
#define HIDDEN_CPU_MS 15.0
#define HIDDEN_CPU_SHARE 0.5
#define HIDDEN_WALL_MS 25.0
#define HIDDEN_WALL_SHARE 0.35
static bool
hidden_work(const struct sample *student, const struct sample *serial,
            char *why, size_t len)
{
    double cpu_out = student->run_cpu_ms - student->cpu_ms,
           cpu_base = serial->run_cpu_ms - serial->cpu_ms,
           wall_out = student->run_wall_ms - student->wall_ms,
           wall_base = serial->run_wall_ms - serial->wall_ms;

    if (cpu_out > cpu_base * (1 + HIDDEN_CPU_SHARE) + HIDDEN_CPU_MS) {
        snprintf(why, len,
                 "outside the timed calls your run used %.0f ms of CPU, and "
                 "the kit's code there needs %.0f ms (the serial reference's "
                 "run of the same inputs)",
                 cpu_out, cpu_base);
        return true;
    }
    if (wall_out > wall_base * (1 + HIDDEN_WALL_SHARE) + HIDDEN_WALL_MS) {
        snprintf(why, len,
                 "outside the timed calls your run took %.0f ms, and the "
                 "kit's code there needs %.0f ms (the serial reference's run "
                 "of the same inputs)",
                 wall_out, wall_base);
        return true;
    }
    return false;
}

/* Each repetition's result against the serial reference's of the same
 * input: within the reordering bound of the sum, which the serial run
 * reports; nothing looser. */
static bool
results_match(const struct test_spec *test, const struct sample *s,
              const struct sample *serial, int threads, long n,
              struct text *why)
{
    for (long i = 0; i < s->rec.nresults; i++) {
        double got = s->rec.results[i], want = serial->rec.results[i];
        double err = kit_bench_rel_error(got, want);
        if (err <= serial->rec.bound)
            continue;
        text_addf(why,
                  "Wrong result on %d %s (n = %ld, seed %llu): %.17g, "
                  "the serial reference gives %.17g (relative error %.2g; "
                  "summing in another order moves it by at most %.2g). "
                  "Speedup counts only for correct results.\n",
                  threads, workers(test, threads), n,
                  (unsigned long long)(serial->rec.seed + i), got, want, err,
                  serial->rec.bound);
        return false;
    }
    return true;
}

/* lab.ini's startup = excluded: the kit's own run of `threads` workers
 * that do none of the work, timed just before the student's, is taken off
 * it (wall and CPU time alike); never more than this share of the run, so
 * that a start-up the machine slowed at that moment cannot make the
 * student's time vanish. */
#define STARTUP_MOST_SHARE 0.9
static void
take_off_startup(struct sample *s, const struct sample *startup)
{
    double most = s->wall_ms * STARTUP_MOST_SHARE;
    double wall = startup->wall_ms < most ? startup->wall_ms : most;
    double cpu =
        startup->wall_ms > 0 ? startup->cpu_ms * (wall / startup->wall_ms) : 0;

    s->startup_ms = wall;
    s->wall_ms -= wall;
    s->cpu_ms = s->cpu_ms > cpu ? s->cpu_ms - cpu : 0;
}

/* The student's run at `threads`, checked against `serial`, the reference's
 * run of the same inputs: its results, and no work hidden from the clock.
 * A run that seems to hide work runs once more, in case the machine did
 * something at that moment; twice is the student's code. */
static enum bench_end
student_run(const struct test_spec *test, const struct kind_call *call,
            const struct sample *serial, int threads, long n, long reps,
            double serial_ms, struct sample *s, struct text *why)
{
    char hidden[400] = "";
    struct sample startup = {0};

    for (int attempt = 0; attempt < 2; attempt++) {
        enum bench_end end;
        if (test->startup_excluded) {
            end = bench_once(test, call, "startup", threads, n, reps,
                             serial->rec.seed, 0, &startup, why);
            if (end != BENCH_OK)
                return end;
        }
        end = bench_once(test, call, "parallel", threads, n, reps,
                         serial->rec.seed, student_limit(test, serial_ms, reps),
                         s, why);
        if (end != BENCH_OK)
            return end;
        if (!results_match(test, s, serial, threads, n, why))
            return BENCH_FAILED;
        if (!hidden_work(s, serial, hidden, sizeof(hidden))) {
            if (test->startup_excluded)
                take_off_startup(s, &startup);
            return BENCH_OK;
        }
    }
    text_addf(why, "the parallel run on %d %s, twice: %s.\n", threads,
              workers(test, threads), hidden);
    return BENCH_TAMPERED;
}

/* How many repetitions make a run last about `duration_ms`: at most
 * KIT_BENCH_MAX_REPS, each one's result in the record. */
static long
reps_for(double one_ms, double duration_ms)
{
    /* Rounded, not up: a 199 ms run aimed at 200 ms stays one repetition. */
    double reps = floor(duration_ms / (one_ms > 0.01 ? one_ms : 0.01) + 0.5);

    return reps < 1                    ? 1
           : reps > KIT_BENCH_MAX_REPS ? KIT_BENCH_MAX_REPS
                                       : (long)reps;
}

/* Warm up every variant once and size the runs. */
static enum bench_end
plan_runs(const struct test_spec *test, const struct kind_call *call,
          struct rounds *r, struct plan *plan, struct text *why)
{
    struct sample s, serial;
    enum bench_end end;

    plan->n = test->size;
    plan->cal_n = test->calibration == KIT_CALIBRATION_COMPUTE
                      ? CALIBRATION_COMPUTE_STEPS
                      : test->size;
    end = bench_once(test, call, "serial", 1, plan->n, 1, fresh_inputs(call, r),
                     0, &serial, why);
    if (end != BENCH_OK)
        return end;
    plan->serial_ms = serial.wall_ms;
    plan->reps = reps_for(serial.wall_ms, test->duration_ms);
    /* The student's code once at the largest count: a crash or a wrong
     * result shows now, before a minute of measuring. */
    end = student_run(test, call, &serial, r->threads[r->np - 1], plan->n, 1,
                      plan->serial_ms, &s, why);
    if (end != BENCH_OK)
        return end;
    end = bench_once(test, call, "calibrate", 1, plan->cal_n, 1,
                     calibration_inputs(call), 0, &s, why);
    if (end != BENCH_OK)
        return end;
    plan->cal_reps = reps_for(s.wall_ms, test->duration_ms);
    return BENCH_OK;
}

/* One round: at each P a pair, the serial reference and the student's
 * code on the same new inputs; then the calibration at 1 and each P. */
static enum bench_end
one_round(const struct test_spec *test, const struct kind_call *call,
          const struct plan *plan, struct rounds *r, struct text *why)
{
    struct sample s;
    int i = r->n;
    enum bench_end end;

    for (int p = 0; p < r->np; p++) {
        end = bench_once(test, call, "serial", 1, plan->n, plan->reps,
                         fresh_inputs(call, r), 0, &r->last_serial, why);
        if (end != BENCH_OK)
            return end;
        r->serial_ms[p][i] = r->last_serial.wall_ms;
        end = student_run(test, call, &r->last_serial, r->threads[p], plan->n,
                          plan->reps, plan->serial_ms, &s, why);
        if (end != BENCH_OK)
            return end;
        r->student_ms[p][i] = s.wall_ms;
        r->student_cores[p][i] = s.cpu_ms / s.wall_ms;
        r->startup_ms[p][i] = s.startup_ms;
    }
    end = bench_once(test, call, "calibrate", 1, plan->cal_n, plan->cal_reps,
                     calibration_inputs(call), 0, &s, why);
    if (end != BENCH_OK)
        return end;
    r->cal1_ms[i] = s.wall_ms;
    for (int p = 0; p < r->np; p++) {
        end = bench_once(test, call, "calibrate", r->threads[p], plan->cal_n,
                         plan->cal_reps, calibration_inputs(call), 0, &s, why);
        if (end != BENCH_OK)
            return end;
        r->cal_ms[p][i] = s.wall_ms;
    }
    r->n++;
    return BENCH_OK;
}

/* Per-round speedups of the student (serial / student) or the calibration
 * (calibration on 1 / on P) at thread index p. */
static void
speedups(const struct rounds *r, int p, double *student, double *cal)
{
    for (int i = 0; i < r->n; i++) {
        student[i] = r->serial_ms[p][i] / r->student_ms[p][i];
        cal[i] = r->cal1_ms[i] / r->cal_ms[p][i];
    }
}

/* Rounds until every median is pinned to within 5 %, or the cap. Sets
 * *settled to whether they were pinned. */
static enum bench_end
measure(const struct test_spec *test, const struct kind_call *call,
        const struct plan *plan, struct rounds *r, struct text *why,
        bool *settled)
{
    double student[MAX_ROUNDS], cal[MAX_ROUNDS];
    int max = test->max_rounds < MAX_ROUNDS ? test->max_rounds : MAX_ROUNDS;

    *settled = false;
    while (r->n < max) {
        enum bench_end end = one_round(test, call, plan, r, why);
        if (end != BENCH_OK)
            return end;
        /* A verdict the rounds so far already fix needs no more of them:
         * code clearly at full marks, or clearly no faster than serial, in
         * what the verdict credits (no more than the cores it kept busy). */
        speedups(r, r->np - 1, student, cal);
        for (int i = 0; i < r->n; i++)
            student[i] =
                speedup_credited(student[i], r->student_cores[r->np - 1][i]);
        if (stats_clear_verdict(student, cal, (size_t)r->n, test->target)) {
            *settled = true;
            break;
        }
        if (r->n < test->min_rounds)
            continue;
        int stable = 1;
        for (int p = 0; p < r->np && stable; p++) {
            speedups(r, p, student, cal);
            stable = stats_stable(student, (size_t)r->n, 0.05) &&
                     stats_stable(cal, (size_t)r->n, 0.05);
        }
        if (stable) {
            *settled = true;
            break;
        }
    }
    if (!*settled) {
        /* At the cap, medians pinned to within 10 % still make a verdict:
         * memory-bound runs rarely agree closer than that. */
        int loose = 1;
        for (int p = 0; p < r->np && loose; p++) {
            speedups(r, p, student, cal);
            loose = stats_stable(student, (size_t)r->n, 0.10) &&
                    stats_stable(cal, (size_t)r->n, 0.10);
        }
        *settled = loose;
    }
    return BENCH_OK;
}

static void
fill_points(const struct rounds *r, struct graded_test *result)
{
    double student[MAX_ROUNDS], cal[MAX_ROUNDS];

    result->points = calloc((size_t)r->np, sizeof(*result->points));
    if (result->points == NULL)
        return;
    result->npoints = (size_t)r->np;
    for (int p = 0; p < r->np; p++) {
        struct speedup_point *pt = &result->points[p];
        speedups(r, p, student, cal);
        pt->threads = r->threads[p];
        pt->student_speedup = stats_median(student, (size_t)r->n);
        pt->calibration_speedup = stats_median(cal, (size_t)r->n);
        pt->ratio = pt->calibration_speedup > 0
                        ? pt->student_speedup / pt->calibration_speedup
                        : 0;
        pt->student_ms = stats_median(r->student_ms[p], (size_t)r->n);
        pt->serial_ms = stats_median(r->serial_ms[p], (size_t)r->n);
        pt->student_cores = stats_median(r->student_cores[p], (size_t)r->n);
        pt->samples = r->n;
    }
}

/* Put the student's 1-thread run in front of the measured points. */
static void
add_one_thread_point(struct graded_test *result, const struct sample *one)
{
    struct speedup_point *grown =
        realloc(result->points, (result->npoints + 1) * sizeof(*grown));

    if (grown == NULL)
        return;
    memmove(grown + 1, grown, result->npoints * sizeof(*grown));
    grown[0] = (struct speedup_point){
        .threads = 1,
        .serial_ms = grown[1].serial_ms,
        .student_ms = one->wall_ms,
        .student_speedup = grown[1].serial_ms / one->wall_ms,
        .calibration_speedup = 1.0,
        .ratio = grown[1].serial_ms / one->wall_ms,
        .student_cores = one->cpu_ms / one->wall_ms,
        .samples = 1,
    };
    result->points = grown;
    result->npoints++;
}

static void
describe_table(struct text *out, const struct test_spec *test,
               const struct graded_test *result)
{
    text_addf(out,
              "%7s  serial ms  yours ms  speedup  calibration  ratio  "
              "cpu/wall\n",
              workers(test, 2));
    for (size_t i = 0; i < result->npoints; i++) {
        const struct speedup_point *pt = &result->points[i];
        text_addf(out, "%7d  %9.1f  %8.1f  %6.2fx  %10.2fx  %5.2f  %8.2f\n",
                  pt->threads, pt->serial_ms, pt->student_ms,
                  pt->student_speedup, pt->calibration_speedup, pt->ratio,
                  pt->student_cores);
    }
}

/* With lab.ini's `unit`, what one unit of the work costs: the student's
 * code on one thread against the serial reference's loop (the overhead of
 * handing work over, which no number of threads removes), and the CPU time
 * per unit at the largest count (what the handing over costs once threads
 * contend for it). */
static void
describe_costs(struct text *out, const struct test_spec *test,
               const struct graded_test *result, const struct plan *plan)
{
    const struct speedup_point *one = &result->points[0],
                               *top = &result->points[result->npoints - 1];
    double units = (double)plan->n * (double)plan->reps;
    double serial_us = top->serial_ms * 1e3 / units,
           one_us = one->student_ms * 1e3 / units,
           one_extra = (one->student_ms - one->serial_ms) * 1e3 / units,
           top_cpu_us = top->student_cores * top->student_ms * 1e3 / units;
    char extra[80], cpu_extra[80];

    if (test->unit == NULL || result->npoints < 2 || one->threads != 1)
        return;
    /* Below a hundredth of the serial cost, no overhead is measurable. */
    if (one_extra > serial_us * 0.01)
        snprintf(extra, sizeof(extra), "%.2f us of overhead each", one_extra);
    else
        snprintf(extra, sizeof(extra), "no overhead measurable");
    if (top_cpu_us - serial_us > serial_us * 0.01)
        snprintf(cpu_extra, sizeof(cpu_extra),
                 "%.2f us more than the serial loop", top_cpu_us - serial_us);
    else
        snprintf(cpu_extra, sizeof(cpu_extra), "no more than the serial loop");
    text_addf(out,
              "per %s: the serial loop takes %.2f us; your code %.2f us on 1 "
              "%s (%s), and %.2f us of CPU time on %d %s (%s)\n",
              test->unit, serial_us, one_us, workers(test, 1), extra,
              top_cpu_us, top->threads, workers(test, top->threads), cpu_extra);
}

static void
describe_machine(struct text *out, const struct kind_call *call,
                 const struct plan *plan, int rounds)
{
    text_add(out, "machine: ");
    machine_describe(out, call->machine);
    text_addf(out,
              "; %d rounds, n = %ld x %ld repetitions per run, each on new "
              "inputs from seed %llu (grader --seed %llu measures on the "
              "same inputs again)\n",
              rounds, plan->n, plan->reps, (unsigned long long)call->seed,
              (unsigned long long)call->seed);
}

/* A run whose record cannot be the harness's, or that did work no clock
 * saw: nothing it measured is believed. */
static void
describe_tampering(struct text *out, const struct text *why)
{
    text_add(out, "Tampering: ");
    text_add(out, text_str(why));
    text_add(out,
             "The kit's harness times the calls into your code and hands the "
             "grader one record of them, through a channel of the grader's; "
             "that record, checked against what the grader measures of the "
             "whole run from outside, is the only measurement that counts. "
             "This run's cannot be it, so no speedup was measured: no "
             "points.\n");
}

/* What the machine allows at a point: P threads run serial work at most P
 * times as fast, and more only where P cores' caches hold what one core's
 * cannot; the calibration kernel, perfectly parallel code of the same kind
 * (the same plain loop over inputs of the same size, for memory-bound
 * tests) measured on the same cores at the same moment, gets every such
 * gain too. A student speedup beyond both, by more than the margin, is
 * work not done. The margin covers what two honest medians differ by
 * (the calibration's and the student's at a point, one slowed by the
 * machine in more rounds than the other): on the kit's labs the student's
 * median stays below 1.2 times the larger of the two (docs/design.md,
 * "speedups no machine gives"). */
#define IMPOSSIBLE_MARGIN 1.25

double
speedup_most_allowed(int threads, double calibration)
{
    return IMPOSSIBLE_MARGIN *
           (calibration > threads ? calibration : (double)threads);
}

/* CPU over wall time of serial code, as measured: 0.98 to 1.00 on the
 * fixtures, a little above 1 when the kernel charges a helper's start-up
 * to the run. Below this, no two threads ran at once. */
#define SERIAL_CORES_AT_MOST 1.05

double
speedup_credited(double speedup, double cores)
{
    if (cores < SERIAL_CORES_AT_MOST)
        cores = 1.0;
    return cores < speedup ? cores : speedup;
}

static double
machine_allows(const struct speedup_point *pt)
{
    return speedup_most_allowed(pt->threads, pt->calibration_speedup);
}

/* The first point whose speedup no machine gives, or NULL. */
static const struct speedup_point *
impossible_point(const struct graded_test *result)
{
    for (size_t i = 0; i < result->npoints; i++)
        if (result->points[i].threads >= 2 &&
            result->points[i].student_speedup >
                machine_allows(&result->points[i]))
            return &result->points[i];
    return NULL;
}

void
kind_speedup(const struct kind_call *call, struct graded_test *result)
{
    const struct test_spec *test = call->test;
    struct rounds r = {0};
    struct plan plan;
    struct text out = TEXT_INIT, why = TEXT_INIT;
    char noise[400] = "", reference[4200];
    bool noisy = false;
    enum bench_end end;

    result->score = 0;
    result->status = TEST_FAILED;
    r.np = speedup_thread_counts(test, call->machine->usable_cpus, r.threads,
                                 MAX_P);
    if (r.np == 0) {
        result->status = TEST_SKIPPED;
        result->held = !test->skip_awards;
        result->score = test->skip_awards ? test->points : 0;
        text_addf(&out,
                  "Skipped: this machine lets the grader use %d CPU, and a "
                  "speedup needs at least 2. lab.ini says to %s the points.\n",
                  call->machine->usable_cpus,
                  test->skip_awards ? "award" : "hold");
        goto done;
    }
    snprintf(reference, sizeof(reference), "%s/%s-reference",
             call->build->kit_out, test->bench);
    if (!is_file(reference)) {
        result->status = TEST_ERROR;
        text_addf(&out,
                  "The kit has no reference program %s-reference (the lab's "
                  "Makefile names it in LAB_REFERENCE): the kit needs fixing, "
                  "not your code.\n",
                  test->bench);
        goto done;
    }
    if (!rounds_alloc(&r, test->max_rounds)) {
        result->status = TEST_ERROR;
        text_add(&out, "The grader ran out of memory for the measurements.\n");
        goto done;
    }
    end = plan_runs(test, call, &r, &plan, &why);
    if (end != BENCH_OK) {
        if (end == BENCH_TAMPERED)
            describe_tampering(&out, &why);
        else
            text_add(&out, text_str(&why));
        goto done;
    }

    for (int attempt = 0; attempt < 2; attempt++) {
        long throttled =
            kit_cgroup_throttled("/sys/fs/cgroup", "/proc/self/cgroup");
        bool settled;
        r.n = 0;
        end = measure(test, call, &plan, &r, &why, &settled);
        if (end != BENCH_OK) {
            if (end == BENCH_TAMPERED)
                describe_tampering(&out, &why);
            else
                text_add(&out, text_str(&why));
            goto done;
        }
        fill_points(&r, result);
        if (result->npoints == 0) {
            result->status = TEST_ERROR;
            text_add(&out, "The grader ran out of memory for the results.\n");
            goto done;
        }
        struct speedup_point *top = &result->points[result->npoints - 1];
        struct noise_input in = {
            .serial_ms = r.serial_ms[r.np - 1],
            .nserial = (size_t)r.n,
            .calibration_speedup = top->calibration_speedup,
            .threads = top->threads,
            .calibration = test->calibration,
            .throttled =
                kit_cgroup_throttled("/sys/fs/cgroup", "/proc/self/cgroup") -
                throttled,
        };
        noisy = stats_noisy(&in, noise, sizeof(noise));
        if (!noisy && !settled) {
            /* Speedups that still wander after every round allowed say the
             * machine's load changed under the measurement. */
            noisy = true;
            snprintf(noise, sizeof(noise),
                     "the speedups had not settled after %d rounds: the "
                     "load on the machine kept changing",
                     r.n);
        }
        if (!noisy)
            break;
        if (attempt == 0) {
            /* Measure once more before giving up on this machine. */
            free(result->points);
            result->points = NULL;
            result->npoints = 0;
        }
    }

    /* The student's own 1-thread time: feedback, never the base. It joins
     * the table and the plot as their first point. It may reuse the last
     * pair's inputs: no scored run comes after it. */
    struct sample one;
    struct text ignore = TEXT_INIT;
    if (student_run(test, call, &r.last_serial, 1, plan.n, plan.reps,
                    plan.serial_ms, &one, &ignore) == BENCH_OK)
        add_one_thread_point(result, &one);
    text_free(&ignore);

    struct speedup_point *top = &result->points[result->npoints - 1];
    /* On a noisy machine, a serial run slowed more often than the rest
     * inflates every speedup: that verdict is held, like any other. */
    const struct speedup_point *impossible =
        noisy ? NULL : impossible_point(result);
    describe_table(&out, test, result);
    bool cannot_judge =
        !noisy && !stats_can_judge(top->calibration_speedup, test->target);
    if (cannot_judge)
        snprintf(noise, sizeof(noise),
                 "the calibration kernel reached only %.2fx on %d %s, so "
                 "the target (%.2f of it, %.2fx) would not tell parallel code "
                 "from serial code on this machine",
                 top->calibration_speedup, top->threads,
                 workers(test, top->threads), test->target,
                 test->target * top->calibration_speedup);
    if (impossible != NULL) {
        text_addf(&out,
                  "Faster than the machine allows: the code did not do the "
                  "work. On %d %s your code ran %.2fx as fast as the "
                  "serial reference; %d %s give at most %dx, the "
                  "calibration kernel got %.2fx on them, and the grader "
                  "allows up to %.2fx. Results that match without the work "
                  "being done were known before they were asked for: no "
                  "points.\n",
                  impossible->threads, workers(test, impossible->threads),
                  impossible->student_speedup, impossible->threads,
                  workers(test, impossible->threads), impossible->threads,
                  impossible->calibration_speedup, machine_allows(impossible));
    } else if (noisy || cannot_judge) {
        result->status = TEST_INCONCLUSIVE;
        result->held = true;
        text_addf(&out,
                  noisy ? "Inconclusive: %s. Measured twice, noisy both times; "
                          "the points are held, not lost. Grade again on a "
                          "quieter machine.\n"
                        : "Inconclusive: %s. The points are held, not lost; a "
                          "machine with more usable cores can judge it.\n",
                  noise);
    } else {
        double credited =
            speedup_credited(top->student_speedup, top->student_cores);
        result->score = stats_speedup_score(credited, top->calibration_speedup,
                                            test->target, test->points);
        result->status = result->score >= test->points ? TEST_PASSED
                         : result->score > 0           ? TEST_PARTIAL
                                                       : TEST_FAILED;
        text_addf(&out,
                  "verdict: on %d %s your speedup is %.2fx and the "
                  "calibration kernel's %.2fx, a ratio of %.2f; the target is "
                  "%.2f, so %.1f of %.0f points.\n",
                  top->threads, workers(test, top->threads), credited,
                  top->calibration_speedup, credited / top->calibration_speedup,
                  test->target, result->score, test->points);
        if (credited < top->student_speedup)
            text_addf(&out,
                      "your code ran %.2fx as fast as the serial reference "
                      "but kept only %.2f cores busy (cpu/wall): running in "
                      "parallel explains no more than %.2fx of it, and only "
                      "that counts.\n",
                      top->student_speedup, top->student_cores, credited);
        if (top->student_cores < 1.2 && top->threads >= 2)
            text_addf(&out,
                      "cpu/wall of %.2f says your %s hardly ran at the "
                      "same time: is the work really split, or do they wait "
                      "for each other?\n",
                      top->student_cores, workers(test, 2));
    }

    if (result->npoints > 1 && result->points[0].threads == 1)
        text_addf(&out,
                  "the 1-%s row is your code on one %s, for your eyes "
                  "only: every speedup is over the kit's serial reference "
                  "(%.1f ms)\n",
                  workers(test, 1), workers(test, 1), top->serial_ms);
    if (test->startup_excluded && r.n > 0)
        text_addf(&out,
                  "not counted in your times: %.1f ms on %d %s (the median), "
                  "what the kit's own program takes to start and end that "
                  "many %s that do nothing, timed just before each of your "
                  "runs\n",
                  stats_median(r.startup_ms[r.np - 1], (size_t)r.n),
                  top->threads, workers(test, top->threads),
                  workers(test, top->threads));
    describe_costs(&out, test, result, &plan);
    describe_machine(&out, call, &plan, r.n);

done:
    rounds_free(&r);
    result->output = text_steal(&out);
    text_free(&why);
}
