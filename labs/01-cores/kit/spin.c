/* SPDX-License-Identifier: MIT */
/* Lab 01 "How many cores?": the spin experiment. Runs the same CPU-bound
 * loop on 1, 2, ... N threads at once and prints the throughput of each
 * count, in columns gnuplot reads. Throughput grows with each physical core,
 * grows less with a core's second hardware thread, and stops growing past
 * the usable CPUs. Kit-owned: nothing to edit here. */
#include "kit_args.h"
#include "kit_pthread.h"
#include "kit_time.h"
#include "kit_topology.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cache-line sized, so that two threads' results never share a line and
 * the experiment measures the cores, not cache-line ping-pong. */
struct spinner {
    _Alignas(64) pthread_t tid;
    pthread_barrier_t *start;
    long iterations;
    int64_t began_ns, ended_ns; /* this thread's own start and end */
    uint64_t result;
};

/* A chain of dependent multiply-adds: each step needs the previous one, so
 * the loop runs at the speed of one core's arithmetic, touches no memory,
 * and a compiler cannot vectorise it away. */
static void *
spin(void *arg)
{
    struct spinner *s = arg;
    uint64_t x = (uint64_t)(uintptr_t)s | 1;

    Pthread_barrier_wait(s->start);
    s->began_ns = kit_now_ns();
    for (long i = 0; i < s->iterations; i++)
        x = x * 6364136223846793005u + 1442695040888963407u;
    s->result = x;
    s->ended_ns = kit_now_ns();
    return NULL;
}

/* Run `threads` spinners together; return the wall and CPU time from the
 * first spinner's start to the last one's end. */
static struct kit_elapsed
run(int threads, long iterations)
{
    /* aligned_alloc: calloc only promises 16-byte alignment, and a struct
     * aligned to 64 bytes in memory aligned to 16 is undefined behaviour. */
    struct spinner *s =
        aligned_alloc(_Alignof(struct spinner), (size_t)threads * sizeof(*s));
    pthread_barrier_t start;
    int64_t cpu_before, first = INT64_MAX, last = 0;
    struct kit_elapsed e;

    if (s == NULL)
        kit_die("out of memory for %d threads", threads);
    memset(s, 0, (size_t)threads * sizeof(*s));
    /* The barrier lets every spinner be created before any starts; each
     * times itself, because with more threads than CPUs some start only
     * when others finish, and that waiting belongs in the wall time. */
    Pthread_barrier_init(&start, NULL, (unsigned)threads);
    cpu_before = kit_process_cpu_ns();
    for (int i = 0; i < threads; i++) {
        s[i].start = &start;
        s[i].iterations = iterations;
        Pthread_create(&s[i].tid, NULL, spin, &s[i]);
    }
    for (int i = 0; i < threads; i++) {
        Pthread_join(s[i].tid, NULL);
        if (s[i].began_ns < first)
            first = s[i].began_ns;
        if (s[i].ended_ns > last)
            last = s[i].ended_ns;
    }
    e.cpu_ns = kit_process_cpu_ns() - cpu_before;
    e.wall_ns = last - first;
    Pthread_barrier_destroy(&start);
    free(s);
    return e;
}

int
main(int argc, char **argv)
{
    struct kit_topology topo;
    char err[256];

    if (kit_topology_probe(&topo, err, sizeof(err)) != 0)
        kit_die("cannot read the CPU topology: %s", err);

    /* Twice the logical CPUs by default, to show where adding threads
     * stops adding throughput. */
    long default_threads = 2L * topo.machine.pus;
    if (default_threads > 256)
        default_threads = 256;
    const struct kit_args_spec spec = {
        .program = "spin",
        .summary =
            "Throughput of a CPU-bound loop on 1, 2, ... threads at once.",
        .options = "tnr",
        .threads_default = default_threads,
        .threads_max = 4096,
        .size_default = 200000000,
        .size_min = 1000,
        .size_max = 100000000000L,
        .size_meaning = "loop iterations per thread",
        .reps_default = 3,
        .reps_max = 100,
    };
    struct kit_args args;
    kit_args_parse_or_exit(&spec, argc, argv, &args);

    printf("# spin: %ld iterations per thread, best of %ld runs\n", args.size,
           args.reps);
    printf("# %s: %d package(s), %d physical core(s), %d logical CPU(s); "
           "this process may use %d\n",
           topo.cpu_model, topo.machine.packages, topo.machine.cores,
           topo.machine.pus, topo.usable_cpus);
    printf("# %7s %10s %12s %12s %8s %9s\n", "threads", "wall_ms", "Mops_per_s",
           "per_thread", "speedup", "cpu/wall");

    run(1, args.size); /* warm-up: wake the core from its power-saving state */
    double one_thread_rate = 0;
    for (int t = 1; t <= args.threads; t++) {
        struct kit_elapsed best = {0, 0};
        for (long r = 0; r < args.reps; r++) {
            struct kit_elapsed e = run(t, args.size);
            if (best.wall_ns == 0 || e.wall_ns < best.wall_ns)
                best = e;
        }
        double seconds = kit_ns_to_s(best.wall_ns > 0 ? best.wall_ns : 1);
        double rate = (double)t * (double)args.size / seconds / 1e6;
        if (t == 1)
            one_thread_rate = rate;
        printf("  %7d %10.1f %12.1f %12.1f %8.2f %9.2f\n", t,
               kit_ns_to_ms(best.wall_ns), rate, rate / t,
               rate / one_thread_rate, kit_elapsed_cores(best));
        fflush(stdout);
    }
    return EXIT_SUCCESS;
}
