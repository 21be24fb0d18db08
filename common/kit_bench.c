/* SPDX-License-Identifier: MIT */
/* libkit: the bench harness behind every lab's `bench` program. */
#include "kit_bench.h"
#include "kit_args.h"
#include "kit_calibrate.h"
#include "kit_pthread.h"
#include "kit_time.h"
#include "kit_topology.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum variant { HUMAN, SERIAL, PARALLEL, CALIBRATE };

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
        else {
            snprintf(err, errlen,
                     "-v %s: the variant is serial, parallel or calibrate",
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
kit_bench_rel_error(double got, double want)
{
    double diff = fabs(got - want);

    if (isnan(got) != isnan(want))
        return INFINITY;
    return want != 0 ? diff / fabs(want) : diff;
}

/* Time `reps` runs of one variant on one input; print the grader's line. */
static int
measure(const struct choice *c, const struct kit_args *a)
{
    const struct kit_bench_kernel *k = c->kernel;
    struct kit_stopwatch sw;
    struct kit_elapsed e;
    double result = 0;
    void *input;

    if (c->variant == CALIBRATE)
        input = kit_calibration_setup(c->calibration, a->size, a->seed);
    else
        input = k->setup != NULL ? k->setup(a->size, a->seed) : NULL;

    kit_stopwatch_start(&sw);
    for (long r = 0; r < a->reps; r++) {
        switch (c->variant) {
        case SERIAL:
            result = k->serial(input, a->size);
            break;
        case PARALLEL:
            result = k->parallel(input, a->size, (int)a->threads);
            break;
        default:
            result = kit_calibration_run(c->calibration, input, a->size,
                                         (int)a->threads);
            break;
        }
    }
    e = kit_stopwatch_stop(&sw);

    if (c->variant == CALIBRATE)
        kit_calibration_teardown(input);
    else if (k->teardown != NULL)
        k->teardown(input);
    printf("bench: kernel=%s variant=%s threads=%ld n=%ld reps=%ld seed=%llu "
           "wall_ns=%lld cpu_ns=%lld result=%a\n",
           c->variant == CALIBRATE ? kit_calibration_name(c->calibration)
                                   : k->name,
           c->variant == SERIAL     ? "serial"
           : c->variant == PARALLEL ? "parallel"
                                    : "calibrate",
           c->variant == SERIAL ? 1L : a->threads, a->size, a->reps,
           (unsigned long long)a->seed, (long long)e.wall_ns,
           (long long)e.cpu_ns, result);
    return 0;
}

/* The student's view: serial, then parallel on the same input, checked. */
static int
compare(const struct kit_bench_kernel *k, const struct kit_args *a, long n)
{
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
    if (k->teardown != NULL)
        k->teardown(input);

    double err = kit_bench_rel_error(got, want);
    if (!(err <= k->tolerance)) {
        printf("[%s] WRONG RESULT with %ld threads: got %.17g, the serial "
               "reference gives %.17g (relative error %.2g, allowed %.2g)\n",
               k->name, a->threads, got, want, err, k->tolerance);
        return 1;
    }
    printf("[%s] serial %.1f ms | %ld thread%s %.1f ms | speedup %.2fx | "
           "efficiency %.0f%% | cpu/wall %.2f | matches serial (rel. error "
           "%.1e)\n",
           k->name, kit_ns_to_ms(serial.wall_ns), a->threads,
           a->threads == 1 ? "" : "s", kit_ns_to_ms(parallel.wall_ns),
           (double)serial.wall_ns / (double)parallel.wall_ns,
           100.0 * (double)serial.wall_ns / (double)parallel.wall_ns /
               (double)a->threads,
           kit_elapsed_cores(parallel), err);
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
                 "                  serial, parallel or calibrate\n"
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
                    c.variant == SERIAL ? "serial" : "parallel");
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
        if (compare(k, &a, c.size_given ? c.size : k->default_size) != 0)
            status = 1;
    }
    return status;
}
