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
#include "base/text.h"
#include "kinds/kinds_run.h"
#include "kinds/stats.h"
#include "kit_bench.h"
#include "kit_topology.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_P 16
#define MAX_ROUNDS 1000
#define BASE_SEED 1000
/* Steps of the compute calibration kernel per timing run before scaling. */
#define CALIBRATION_COMPUTE_STEPS 20000000L

struct sample {
    double wall_ms, cpu_ms, result;
};

/* Everything measured in one set of rounds. */
struct rounds {
    int np, threads[MAX_P];
    int n;                                     /* rounds done */
    double *serial_ms, *cal1_ms;               /* [round] */
    double *student_ms[MAX_P], *cal_ms[MAX_P]; /* [P][round] */
    double *student_cores[MAX_P];              /* cpu / wall */
};

struct plan {
    long n, reps;         /* the kernel's size and repetitions per run */
    double serial_ms;     /* the serial reference, one repetition */
    long cal_n, cal_reps; /* the calibration kernel's */
};

static void
rounds_alloc(struct rounds *r, int max_rounds)
{
    size_t bytes = (size_t)max_rounds * sizeof(double);

    r->n = 0;
    r->serial_ms = calloc(1, bytes);
    r->cal1_ms = calloc(1, bytes);
    for (int p = 0; p < r->np; p++) {
        r->student_ms[p] = calloc(1, bytes);
        r->cal_ms[p] = calloc(1, bytes);
        r->student_cores[p] = calloc(1, bytes);
    }
}

static void
rounds_free(struct rounds *r)
{
    free(r->serial_ms);
    free(r->cal1_ms);
    for (int p = 0; p < r->np; p++) {
        free(r->student_ms[p]);
        free(r->cal_ms[p]);
        free(r->student_cores[p]);
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

/* One run of the bench program. Returns 0 with the sample, or -1 with what
 * went wrong in `why` (a crash, a timeout, no result line). */
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

/* `wall_limit`: seconds, or 0 for the test's time limit. */
static int
bench_once(const struct test_spec *test, const struct kind_call *call,
           const char *variant, int threads, long n, long reps, long seed,
           double wall_limit, struct sample *s, struct text *why)
{
    char t_arg[32], n_arg[32], r_arg[32], s_arg[32], how[200];
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
    struct hang_options hang;
    struct run_request req = kind_request(call, argv, &hang);
    struct run_result r;
    const char *line = NULL;
    int rc = -1;

    snprintf(bench, sizeof(bench), "%s/%s", call->build->out, test->bench);
    if (wall_limit > 0)
        req.limits.wall_seconds = wall_limit;
    snprintf(t_arg, sizeof(t_arg), "%d", threads);
    snprintf(n_arg, sizeof(n_arg), "%ld", n);
    snprintf(r_arg, sizeof(r_arg), "%ld", reps);
    snprintf(s_arg, sizeof(s_arg), "%ld", seed);
    if (call->progress != NULL) {
        char what[128];
        snprintf(what, sizeof(what), "%s, %s on %d thread%s", test->name,
                 variant, threads, threads == 1 ? "" : "s");
        call->progress(what, call->progress_ctx);
    }
    run_program(&req, &r);
    run_describe(&r, how, sizeof(how));
    /* The harness prints one "bench:" line; take the last one at a line's
     * start, after anything the student's code printed. */
    for (const char *p = r.output;
         p != NULL && (p = strstr(p, "bench: ")) != NULL; p++)
        if (p == r.output || p[-1] == '\n')
            line = p;
    if (r.end != RUN_EXITED || r.exit_code != 0 || line == NULL) {
        text_addf(why, "the %s run on %d thread%s (seed %ld) %s", variant,
                  threads, threads == 1 ? "" : "s", seed, how);
        if (r.end == RUN_EXITED && r.exit_code == 0)
            text_add(why, " without printing its result");
        text_add(why, ".\n");
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
    } else {
        const char *w = strstr(line, "wall_ns="), *c = strstr(line, "cpu_ns="),
                   *v = strstr(line, "result=");
        if (w != NULL && c != NULL && v != NULL) {
            s->wall_ms = strtod(w + 8, NULL) / 1e6;
            s->cpu_ms = strtod(c + 7, NULL) / 1e6;
            s->result = strtod(v + 7, NULL);
            rc = s->wall_ms > 0 ? 0 : -1;
        }
        if (rc != 0)
            text_addf(why,
                      "the %s run printed a malformed result line: %.200s\n",
                      variant, line);
    }
    run_result_free(&r);
    return rc;
}

/* How many repetitions make a run last about `duration_ms`. */
static long
reps_for(double one_ms, double duration_ms)
{
    /* Rounded, not up: a 199 ms run aimed at 200 ms stays one repetition. */
    double reps = floor(duration_ms / (one_ms > 0.01 ? one_ms : 0.01) + 0.5);

    return reps < 1 ? 1 : reps > 100000 ? 100000 : (long)reps;
}

/* Warm up every variant once and size the runs. */
static int
plan_runs(const struct test_spec *test, const struct kind_call *call,
          const struct rounds *r, struct plan *plan, struct text *why)
{
    struct sample s, serial;

    plan->n = test->size;
    plan->cal_n = test->calibration == KIT_CALIBRATION_COMPUTE
                      ? CALIBRATION_COMPUTE_STEPS
                      : test->size;
    if (bench_once(test, call, "serial", 1, plan->n, 1, BASE_SEED, 0, &serial,
                   why) != 0)
        return -1;
    plan->serial_ms = serial.wall_ms;
    plan->reps = reps_for(serial.wall_ms, test->duration_ms);
    /* The student's code once at the largest count: a crash or a wrong
     * result shows now, before a minute of measuring. */
    if (bench_once(test, call, "parallel", r->threads[r->np - 1], plan->n, 1,
                   BASE_SEED, student_limit(test, plan->serial_ms, 1), &s,
                   why) != 0)
        return -1;
    if (!(kit_bench_rel_error(s.result, serial.result) <= test->tolerance)) {
        text_addf(why,
                  "Wrong result on %d threads (n = %ld, seed %d): %.17g, the "
                  "serial reference gives %.17g (relative error %.2g, "
                  "allowed %.2g). Speedup counts only for correct results.\n",
                  r->threads[r->np - 1], plan->n, BASE_SEED, s.result,
                  serial.result, kit_bench_rel_error(s.result, serial.result),
                  test->tolerance);
        return -1;
    }
    if (bench_once(test, call, "calibrate", 1, plan->cal_n, 1, BASE_SEED, 0, &s,
                   why) != 0)
        return -1;
    plan->cal_reps = reps_for(s.wall_ms, test->duration_ms);
    return 0;
}

/* One round: serial, the student at each P, calibration at 1 and each P. */
static int
one_round(const struct test_spec *test, const struct kind_call *call,
          const struct plan *plan, struct rounds *r, struct text *why)
{
    long seed = BASE_SEED + 1 + r->n;
    struct sample serial, s;
    int i = r->n;

    if (bench_once(test, call, "serial", 1, plan->n, plan->reps, seed, 0,
                   &serial, why) != 0)
        return -1;
    r->serial_ms[i] = serial.wall_ms;
    for (int p = 0; p < r->np; p++) {
        if (bench_once(test, call, "parallel", r->threads[p], plan->n,
                       plan->reps, seed,
                       student_limit(test, plan->serial_ms, plan->reps), &s,
                       why) != 0)
            return -1;
        double err = kit_bench_rel_error(s.result, serial.result);
        if (!(err <= test->tolerance)) {
            text_addf(why,
                      "Wrong result on %d threads (n = %ld, seed %ld): %.17g, "
                      "the serial reference gives %.17g (relative error "
                      "%.2g, allowed %.2g). Speedup counts only for correct "
                      "results.\n",
                      r->threads[p], plan->n, seed, s.result, serial.result,
                      err, test->tolerance);
            return -1;
        }
        r->student_ms[p][i] = s.wall_ms;
        r->student_cores[p][i] = s.cpu_ms / s.wall_ms;
    }
    if (bench_once(test, call, "calibrate", 1, plan->cal_n, plan->cal_reps,
                   seed, 0, &s, why) != 0)
        return -1;
    r->cal1_ms[i] = s.wall_ms;
    for (int p = 0; p < r->np; p++) {
        if (bench_once(test, call, "calibrate", r->threads[p], plan->cal_n,
                       plan->cal_reps, seed, 0, &s, why) != 0)
            return -1;
        r->cal_ms[p][i] = s.wall_ms;
    }
    r->n++;
    return 0;
}

/* Per-round speedups of the student (serial / student) or the calibration
 * (calibration on 1 / on P) at thread index p. */
static void
speedups(const struct rounds *r, int p, double *student, double *cal)
{
    for (int i = 0; i < r->n; i++) {
        student[i] = r->serial_ms[i] / r->student_ms[p][i];
        cal[i] = r->cal1_ms[i] / r->cal_ms[p][i];
    }
}

/* Rounds until every median is pinned to within 5 %, or the cap. Sets
 * *settled to whether they were pinned. */
static int
measure(const struct test_spec *test, const struct kind_call *call,
        const struct plan *plan, struct rounds *r, struct text *why,
        bool *settled)
{
    double student[MAX_ROUNDS], cal[MAX_ROUNDS];
    int max = test->max_rounds < MAX_ROUNDS ? test->max_rounds : MAX_ROUNDS;

    *settled = false;
    while (r->n < max) {
        if (one_round(test, call, plan, r, why) != 0)
            return -1;
        /* A verdict the rounds so far already fix needs no more of them:
         * code clearly at full marks, or clearly no faster than serial. */
        speedups(r, r->np - 1, student, cal);
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
    return 0;
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
        pt->serial_ms = stats_median(r->serial_ms, (size_t)r->n);
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
describe_table(struct text *out, const struct graded_test *result)
{
    text_add(out, "threads  serial ms  yours ms  speedup  calibration  "
                  "ratio  cpu/wall\n");
    for (size_t i = 0; i < result->npoints; i++) {
        const struct speedup_point *pt = &result->points[i];
        text_addf(out, "%7d  %9.1f  %8.1f  %6.2fx  %10.2fx  %5.2f  %8.2f\n",
                  pt->threads, pt->serial_ms, pt->student_ms,
                  pt->student_speedup, pt->calibration_speedup, pt->ratio,
                  pt->student_cores);
    }
}

static void
describe_machine(struct text *out, const struct kind_call *call,
                 const struct plan *plan, int rounds)
{
    text_add(out, "machine: ");
    machine_describe(out, call->machine);
    text_addf(out, "; %d rounds, n = %ld x %ld repetitions per run\n", rounds,
              plan->n, plan->reps);
}

void
kind_speedup(const struct kind_call *call, struct graded_test *result)
{
    const struct test_spec *test = call->test;
    struct rounds r = {0};
    struct plan plan;
    struct text out = TEXT_INIT, why = TEXT_INIT;
    char noise[400] = "";
    bool noisy = false;

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
    rounds_alloc(&r, test->max_rounds);
    if (plan_runs(test, call, &r, &plan, &why) != 0) {
        text_add(&out, text_str(&why));
        goto done;
    }

    for (int attempt = 0; attempt < 2; attempt++) {
        long throttled =
            kit_cgroup_throttled("/sys/fs/cgroup", "/proc/self/cgroup");
        bool settled;
        r.n = 0;
        if (measure(test, call, &plan, &r, &why, &settled) != 0) {
            text_add(&out, text_str(&why));
            goto done;
        }
        fill_points(&r, result);
        struct speedup_point *top = &result->points[result->npoints - 1];
        struct noise_input in = {
            .serial_ms = r.serial_ms,
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
     * the table and the plot as their first point. */
    struct sample one;
    struct text ignore = TEXT_INIT;
    if (bench_once(test, call, "parallel", 1, plan.n, plan.reps, BASE_SEED,
                   student_limit(test, plan.serial_ms, plan.reps), &one,
                   &ignore) == 0)
        add_one_thread_point(result, &one);
    text_free(&ignore);

    struct speedup_point *top = &result->points[result->npoints - 1];
    describe_table(&out, result);
    bool cannot_judge = false;
    if (!noisy && !stats_can_judge(top->calibration_speedup, test->target)) {
        cannot_judge = true;
        snprintf(noise, sizeof(noise),
                 "the calibration kernel reached only %.2fx on %d threads, so "
                 "the target (%.2f of it, %.2fx) would not tell parallel code "
                 "from serial code on this machine",
                 top->calibration_speedup, top->threads, test->target,
                 test->target * top->calibration_speedup);
    }
    if (noisy || cannot_judge) {
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
        result->score =
            stats_speedup_score(top->student_speedup, top->calibration_speedup,
                                test->target, test->points);
        result->status = result->score >= test->points ? TEST_PASSED
                         : result->score > 0           ? TEST_PARTIAL
                                                       : TEST_FAILED;
        text_addf(&out,
                  "verdict: on %d threads your speedup is %.2fx and the "
                  "calibration kernel's %.2fx, a ratio of %.2f; the target is "
                  "%.2f, so %.1f of %.0f points.\n",
                  top->threads, top->student_speedup, top->calibration_speedup,
                  top->ratio, test->target, result->score, test->points);
        if (top->student_cores < 1.2 && top->threads >= 2)
            text_addf(&out,
                      "cpu/wall of %.2f says your threads hardly ran at the "
                      "same time: is the work really split, or do they wait "
                      "for each other?\n",
                      top->student_cores);
    }

    if (result->npoints > 1 && result->points[0].threads == 1)
        text_addf(&out,
                  "the 1-thread row is your code on one thread, for your "
                  "eyes only: every speedup is over the kit's serial "
                  "reference (%.1f ms)\n",
                  top->serial_ms);
    describe_machine(&out, call, &plan, r.n);

done:
    rounds_free(&r);
    result->output = text_steal(&out);
    text_free(&why);
}
