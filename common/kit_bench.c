/* SPDX-License-Identifier: MIT */
/* libkit: the bench harness behind every lab's `bench` program. */
#include "kit_bench.h"
#include "kit_args.h"
#include "kit_calibrate.h"
#include "kit_pthread.h"
#include "kit_record.h"
#include "kit_time.h"
#include "kit_topology.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum variant { HUMAN, SERIAL, PARALLEL, CALIBRATE, STARTUP };

struct choice {
    const struct kit_bench *bench;
    const struct kit_bench_kernel *kernel; /* NULL: all of them */
    enum variant variant;
    enum kit_calibration calibration;
    long size; /* -n, when given */
    bool size_given;
};

static bool
take_option(int option, const char *value, void *ctx, char *err, size_t errlen)
{
    struct choice *c = ctx;

    switch (option) {
    case 'k':
        for (size_t i = 0; i < c->bench->nkernels; i++)
            if (strcmp(value, c->bench->kernels[i].name) == 0) {
                c->kernel = &c->bench->kernels[i];
                return true;
            }
        snprintf(err, errlen, "-k %s: no such kernel", value);
        return false;
    case 'v':
        if (strcmp(value, "serial") == 0)
            c->variant = SERIAL;
        else if (strcmp(value, "parallel") == 0)
            c->variant = PARALLEL;
        else if (strcmp(value, "calibrate") == 0)
            c->variant = CALIBRATE;
        else if (strcmp(value, "startup") == 0)
            c->variant = STARTUP;
        else {
            snprintf(err, errlen,
                     "-v %s: the variant is serial, parallel, calibrate or "
                     "startup",
                     value);
            return false;
        }
        return true;
    case 'n':
        /* -n is the program's own option, not kit_args': its default is
         * each kernel's own size. */
        if (!kit_parse_long(value, 1, 4000000000L, &c->size)) {
            snprintf(err, errlen,
                     "-n %s: the size must be a whole number from 1 to "
                     "4000000000",
                     value);
            return false;
        }
        c->size_given = true;
        return true;
    case 'c':
        if (!kit_calibration_parse(value, &c->calibration)) {
            snprintf(err, errlen, "-c %s: the calibration is compute or memory",
                     value);
            return false;
        }
        return true;
    default:
        snprintf(err, errlen, "unknown option -%c", option);
        return false;
    }
}

double
kit_bench_sum_bound(long n, double abs_sum, double sum)
{
    if (n <= 1 || sum == 0)
        return 0;
    return 2.0 * (double)(n - 1) * DBL_EPSILON * fabs(abs_sum) / fabs(sum);
}

double
kit_bench_rel_error(double got, double want)
{
    double diff = fabs(got - want);

    if (isnan(got) != isnan(want))
        return INFINITY;
    return want != 0 ? diff / fabs(want) : diff;
}

static const char *
variant_name(enum variant v)
{
    return v == SERIAL     ? "serial"
           : v == PARALLEL ? "parallel"
           : v == STARTUP  ? "startup"
                           : "calibrate";
}

/* Time `reps` runs of one variant, each on a new input (repetition r uses
 * seed + r), and hand the grader the record. */
static int
measure(const struct choice *c, const struct kit_args *a)
{
    const struct kit_bench_kernel *k = c->kernel;
    struct kit_elapsed total = {0, 0};
    double results[KIT_BENCH_MAX_REPS], bound = 0;
    void *input = NULL;
    FILE *out;

    if (c->variant == PARALLEL && k->parallel == NULL) {
        fprintf(stderr,
                "%s: this is the kit's reference program, with none of your "
                "code: -v parallel runs in %s\n",
                c->bench->program, c->bench->program);
        return 2;
    }
    if (c->variant == STARTUP && k->startup == NULL) {
        fprintf(stderr,
                "%s: kernel %s starts no workers of its own: -v startup has "
                "nothing to time\n",
                c->bench->program, k->name);
        return 2;
    }
    if (a->reps > KIT_BENCH_MAX_REPS) {
        fprintf(stderr, "%s: -v takes at most %d repetitions\n",
                c->bench->program, KIT_BENCH_MAX_REPS);
        return 2;
    }
    if (c->variant == CALIBRATE)
        input = kit_calibration_setup(c->calibration, a->size, a->seed);
    for (long r = 0; r < a->reps; r++) {
        uint64_t seed = a->seed + (uint64_t)r;
        struct kit_stopwatch sw;
        struct kit_elapsed e;
        double result;

        /* A new input for every repetition, made before the clock starts:
         * a result remembered from an earlier call is of no use. */
        if (c->variant == SERIAL || c->variant == PARALLEL) {
            if (r > 0 && k->vary != NULL)
                k->vary(input, a->size, seed);
            else if (k->setup != NULL)
                input = k->setup(a->size, seed);
        }
        kit_stopwatch_start(&sw);
        switch (c->variant) {
        case SERIAL:
            result = k->serial(input, a->size);
            break;
        case PARALLEL:
            result = k->parallel(input, a->size, (int)a->threads);
            break;
        case STARTUP:
            k->startup(input, a->size, (int)a->threads);
            result = 0;
            break;
        default:
            result = kit_calibration_run(c->calibration, input, a->size,
                                         (int)a->threads);
            break;
        }
        e = kit_stopwatch_stop(&sw);
        total.wall_ns += e.wall_ns;
        total.cpu_ns += e.cpu_ns;
        results[r] = result;
        if (c->variant == SERIAL && k->bound != NULL) {
            double b = k->bound(input, a->size, result);
            bound = b > bound ? b : bound;
        }
        if ((c->variant == SERIAL || c->variant == PARALLEL) &&
            (k->vary == NULL || r == a->reps - 1) && k->teardown != NULL)
            k->teardown(input);
    }
    if (c->variant == CALIBRATE)
        kit_calibration_teardown(input);

    out = kit_record_stream();
    fprintf(out,
            "bench: kernel=%s variant=%s threads=%ld n=%ld reps=%ld "
            "seed=%llu wall_ns=%lld cpu_ns=%lld bound=%a results=",
            c->variant == CALIBRATE ? kit_calibration_name(c->calibration)
                                    : k->name,
            variant_name(c->variant), c->variant == SERIAL ? 1L : a->threads,
            a->size, a->reps, (unsigned long long)a->seed,
            (long long)total.wall_ns, (long long)total.cpu_ns, bound);
    for (long r = 0; r < a->reps; r++)
        fprintf(out, "%s%a", r > 0 ? "," : "", results[r]);
    fputc('\n', out);
    if (fflush(out) != 0)
        kit_die("the record could not be written");
    return 0;
}

/* The student's view: serial, then parallel on the same input, checked. */
static int
compare(const struct kit_bench *bench, const struct kit_bench_kernel *k,
        const struct kit_args *a, long n)
{
    const char *worker = bench->worker != NULL ? bench->worker : "thread",
               *workers = bench->workers != NULL ? bench->workers : "threads";
    struct kit_stopwatch sw;
    struct kit_elapsed serial = {0, 0}, parallel = {0, 0};
    double want = 0, got = 0;
    void *input = k->setup != NULL ? k->setup(n, a->seed) : NULL;

    for (long r = 0; r < a->reps; r++) {
        kit_stopwatch_start(&sw);
        want = k->serial(input, n);
        struct kit_elapsed e = kit_stopwatch_stop(&sw);
        if (r == 0 || e.wall_ns < serial.wall_ns)
            serial = e;
        kit_stopwatch_start(&sw);
        got = k->parallel(input, n, (int)a->threads);
        e = kit_stopwatch_stop(&sw);
        if (r == 0 || e.wall_ns < parallel.wall_ns)
            parallel = e;
    }

    double err = kit_bench_rel_error(got, want);
    double allowed = k->bound != NULL ? k->bound(input, n, want) : 0;
    if (!(err <= allowed)) {
        printf("[%s] WRONG RESULT with %ld %s: got %.17g, the serial "
               "reference gives %.17g (relative error %.2g, allowed %.2g)\n",
               k->name, a->threads, a->threads == 1 ? worker : workers, got,
               want, err, allowed);
        if (k->teardown != NULL)
            k->teardown(input);
        return 1;
    }
    /* Workers started for each call: their start and end with nothing to
     * do is not the kernel's time, as the grader counts it. */
    struct kit_elapsed start = {0, 0};
    for (long r = 0; k->startup != NULL && r < a->reps; r++) {
        kit_stopwatch_start(&sw);
        k->startup(input, n, (int)a->threads);
        struct kit_elapsed e = kit_stopwatch_stop(&sw);
        if (r == 0 || e.wall_ns < start.wall_ns)
            start = e;
    }
    if (k->teardown != NULL)
        k->teardown(input);
    struct kit_elapsed work = parallel;
    if (start.wall_ns > 0 && start.wall_ns < parallel.wall_ns) {
        work.wall_ns -= start.wall_ns;
        work.cpu_ns =
            work.cpu_ns > start.cpu_ns ? work.cpu_ns - start.cpu_ns : 0;
    }
    printf("[%s] serial %.1f ms | %ld %s %.1f ms | speedup %.2fx | "
           "efficiency %.0f%% | cpu/wall %.2f | matches serial (rel. error "
           "%.1e)\n",
           k->name, kit_ns_to_ms(serial.wall_ns), a->threads,
           a->threads == 1 ? worker : workers, kit_ns_to_ms(work.wall_ns),
           (double)serial.wall_ns / (double)work.wall_ns,
           100.0 * (double)serial.wall_ns / (double)work.wall_ns /
               (double)a->threads,
           kit_elapsed_cores(work), err);
    if (k->startup != NULL)
        printf("[%s] not counted: %.1f ms to start and end %ld %s that do "
               "nothing (the run took %.1f ms in all)\n",
               k->name, kit_ns_to_ms(start.wall_ns), a->threads,
               a->threads == 1 ? worker : workers,
               kit_ns_to_ms(parallel.wall_ns));
    return 0;
}

int
kit_bench_main(const struct kit_bench *bench, int argc, char **argv)
{
    struct choice c = {.bench = bench, .variant = HUMAN};
    char usage_extra[2048];
    size_t used;
    int usable = kit_usable_cpus();

    used = (size_t)snprintf(usage_extra, sizeof(usage_extra),
                            "  -n size         the problem size (default: each "
                            "kernel's own, below)\n"
                            "  -k kernel       one kernel (default: all):\n");
    for (size_t i = 0; i < bench->nkernels && used < sizeof(usage_extra); i++)
        used +=
            (size_t)snprintf(usage_extra + used, sizeof(usage_extra) - used,
                             "                    %-10s %s\n",
                             bench->kernels[i].name, bench->kernels[i].summary);
    if (used < sizeof(usage_extra))
        snprintf(usage_extra + used, sizeof(usage_extra) - used,
                 "  -v variant      time one variant once, for the grader:\n"
                 "                  serial, parallel, calibrate or startup\n"
                 "  -c kind         calibration kernel with -v calibrate: "
                 "compute or memory\n");

    const struct kit_args_spec spec = {
        .program = bench->program,
        .summary = bench->summary,
        .options = "tsr",
        .threads_default = usable,
        .threads_max = 4096,
        .seed_default = 1,
        .reps_default = 1,
        .reps_max = 100000,
        .extra_options = "k:v:c:n:",
        .extra_usage = usage_extra,
        .extra = take_option,
        .extra_ctx = &c,
    };
    struct kit_args a;
    char err[256];

    switch (kit_args_parse(&spec, argc, argv, &a, err, sizeof(err))) {
    case KIT_ARGS_HELP:
        kit_args_usage(&spec, stdout);
        return 0;
    case KIT_ARGS_ERROR:
        fprintf(stderr, "%s: %s\n", bench->program, err);
        kit_args_usage(&spec, stderr);
        return 2;
    case KIT_ARGS_OK:
        break;
    }
    a.size = c.size_given ? c.size : bench->kernels[0].default_size;

    if (c.variant != HUMAN) {
        if (c.variant != CALIBRATE && c.kernel == NULL) {
            fprintf(stderr, "%s: -v %s needs -k kernel\n", bench->program,
                    variant_name(c.variant));
            kit_args_usage(&spec, stderr);
            return 2;
        }
        if (c.variant != CALIBRATE && !c.size_given)
            a.size = c.kernel->default_size;
        return measure(&c, &a);
    }

    int status = 0;
    for (size_t i = 0; i < bench->nkernels; i++) {
        const struct kit_bench_kernel *k = &bench->kernels[i];
        if (c.kernel != NULL && c.kernel != k)
            continue;
        if (k->parallel == NULL) {
            fprintf(stderr,
                    "%s: this is the kit's reference program, with none of "
                    "your code: run %s for the comparison\n",
                    bench->program, bench->program);
            return 2;
        }
        if (compare(bench, k, &a, c.size_given ? c.size : k->default_size) != 0)
            status = 1;
    }
    return status;
}
