/* SPDX-License-Identifier: MIT */
/* Concurrency without parallelism, for deck 03: W jobs on W threads, against
 * the same W jobs one after another, when the jobs compute and when they wait.
 * Run it on one CPU (taskset -c 0); `make plots` does, and draws the figure. */
#define _GNU_SOURCE /* sched_getaffinity and the CPU_* macros */
#include "kit_pthread.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* What one job is: a fixed amount of computing, or a fixed wait. */
enum job_kind { JOB_CPU, JOB_IO };

#define MAX_JOBS 64

static long job_ms = 10;        /* the length of one job, either kind */
static unsigned long cpu_steps; /* steps of burn() that take job_ms */
static volatile unsigned sink;  /* keeps the compiler from dropping burn() */

static double
now_ms(void)
{
    struct timespec t;

    if (clock_gettime(CLOCK_MONOTONIC, &t) != 0)
        kit_die("clock_gettime: %s", strerror(errno));
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Dependent multiply-adds, as lab 01's spin: each step needs the last, so the
 * loop only computes, with no memory traffic and no system call. */
static void
burn(unsigned long steps)
{
    unsigned x = 1;

    for (unsigned long i = 0; i < steps; i++)
        x = x * 1103515245u + 12345u;
    sink = x;
}

/* A job that waits: the thread sleeps, off the CPU, as one blocked in read()
 * on a slow disk or socket would be. */
static void
wait_ms(long ms)
{
    struct timespec left = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&left, &left) != 0)
        if (errno != EINTR)
            kit_die("nanosleep: %s", strerror(errno));
}

static void
run_job(enum job_kind kind)
{
    if (kind == JOB_CPU)
        burn(cpu_steps);
    else
        wait_ms(job_ms);
}

static void *
job_thread(void *arg)
{
    run_job(*(const enum job_kind *)arg);
    return NULL;
}

/* Milliseconds for `jobs` jobs of one kind: on as many threads, or one after
 * another on the calling thread. */
static double
time_jobs(enum job_kind kind, int jobs, int threaded)
{
    pthread_t tid[MAX_JOBS];
    double start = now_ms();

    if (!threaded) {
        for (int i = 0; i < jobs; i++)
            run_job(kind);
    } else {
        for (int i = 0; i < jobs; i++)
            Pthread_create(&tid[i], NULL, job_thread, &kind);
        for (int i = 0; i < jobs; i++)
            Pthread_join(tid[i], NULL);
    }
    return now_ms() - start;
}

/* Steps of burn() in job_ms: the fastest of five timings of a million steps,
 * scaled. */
static unsigned long
calibrate(void)
{
    const unsigned long probe = 1000000;
    double best = 0;

    for (int i = 0; i < 5; i++) {
        double start = now_ms();
        burn(probe);
        double t = now_ms() - start;
        if (i == 0 || t < best)
            best = t;
    }
    if (best <= 0)
        best = 1e-3;
    return (unsigned long)(probe * (job_ms / best));
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int
usable_cpus(void)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof(set), &set) != 0)
        kit_die("sched_getaffinity: %s", strerror(errno));
    return CPU_COUNT(&set);
}

static void
usage(const char *prog)
{
    fprintf(stderr,
            "Usage: %s [-w MAX_JOBS] [-j MS] [-r REPEATS]\n"
            "  W = 1..MAX_JOBS jobs (default 8) of MS milliseconds each "
            "(default 10),\n"
            "  computing or waiting, on W threads and on one thread; the "
            "median of\n"
            "  REPEATS runs of each (default 5). Run it under taskset -c 0.\n",
            prog);
    exit(EXIT_FAILURE);
}

int
main(int argc, char **argv)
{
    int max_jobs = 8, repeats = 5, opt;

    while ((opt = getopt(argc, argv, "w:j:r:h")) != -1) {
        if (opt == 'w')
            max_jobs = atoi(optarg);
        else if (opt == 'j')
            job_ms = atol(optarg);
        else if (opt == 'r')
            repeats = atoi(optarg);
        else
            usage(argv[0]);
    }
    if (optind != argc || max_jobs < 1 || max_jobs > MAX_JOBS || job_ms < 1 ||
        job_ms > 1000 || repeats < 1 || repeats > 99)
        usage(argv[0]);

    int cpus = usable_cpus();
    cpu_steps = calibrate();
    printf("# overlap: W jobs of %ld ms each, computing (%lu steps) or "
           "waiting (nanosleep);\n"
           "# on W threads and one after another on one thread; median of "
           "%d runs; %d usable CPU(s)\n",
           job_ms, cpu_steps, repeats, cpus);
    if (cpus != 1)
        printf("# warning: not pinned to one CPU (run it under taskset -c 0): "
               "computing threads will overlap too\n");
    printf("# %7s %14s %15s %13s %14s\n", "workers", "cpu_serial_ms",
           "cpu_threads_ms", "io_serial_ms", "io_threads_ms");
    fflush(stdout);

    for (int w = 1; w <= max_jobs; w++) {
        double t[4][99];
        /* The four runs of a round alternate, so that a moment when another
         * program takes the CPU slows one run of each, not every run of one. */
        for (int r = 0; r < repeats; r++)
            for (int c = 0; c < 4; c++) {
                int k = (c + r) % 4; /* a different one first each round */
                t[k][r] = time_jobs(k < 2 ? JOB_CPU : JOB_IO, w, k % 2);
            }
        printf("  %7d %14.1f %15.1f %13.1f %14.1f\n", w, median(t[0], repeats),
               median(t[1], repeats), median(t[2], repeats),
               median(t[3], repeats));
        fflush(stdout);
    }
    return EXIT_SUCCESS;
}
