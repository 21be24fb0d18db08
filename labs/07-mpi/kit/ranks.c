/* SPDX-License-Identifier: MIT */
/* Lab 07 "Across machines": the MPI program the tests, `make run` and
 * `make scaling` start with mpirun, built with your mpiwork.c. Every rank
 * runs it; it calls your functions and hands their results on.
 *
 *   ranks star|reduce|allreduce N          count the steps of 1..N
 *   ranks steps N                          the three, one after the other,
 *                                          each with the MPI calls it made
 *   ranks heat ROWS COLS STEPS SEED        the heat equation
 *   ranks heat-sum ROWS COLS STEPS SEED    the same, only its grid's sum
 *                                          (the bench's)
 *   ranks measure N ROWS COLS STEPS [-H]   one line of timings (-H: the
 *                                          column names first)
 *   ranks pingpong                         the cost of a message between
 *                                          ranks 0 and 1, by its size
 *
 * With KIT_MPI_TRACE naming a folder (the tests), rank r writes what it
 * returned to out-R there, and rank 0 the heat grid to grid (binary);
 * else rank 0 prints them. The kit's own calls go to PMPI_ directly, so
 * that only yours are counted (trace.h). Kit-owned: nothing to edit. */
#include "mpiwork.h"
#include "reference.h"
#include "trace.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int rank, size;

static _Noreturn void
fail(const char *fmt, const char *what)
{
    fprintf(stderr, "ranks: rank %d: ", rank);
    fprintf(stderr, fmt, what);
    fputc('\n', stderr);
    PMPI_Abort(MPI_COMM_WORLD, 2);
    exit(2);
}

static long
number(const char *s, long min)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min)
        fail("'%s' is not a number this program takes", s);
    return v;
}

/* What this rank returned, where the tests read it. */
static void
hand_on(const char *text)
{
    const char *dir = getenv(TRACE_DIR_VAR);
    char path[4096];
    FILE *f;

    if (dir == NULL || dir[0] == '\0') {
        if (rank == 0)
            printf("%s\n", text);
        return;
    }
    snprintf(path, sizeof(path), "%s/out-%d", dir, rank);
    f = fopen(path, "w");
    if (f == NULL || fprintf(f, "%s\n", text) < 0 || fclose(f) != 0)
        fail("cannot write %s", path);
}

static uint64_t
run_steps(const char *kind, long n)
{
    if (strcmp(kind, "star") == 0)
        return steps_star(n, MPI_COMM_WORLD);
    if (strcmp(kind, "reduce") == 0)
        return steps_reduce(n, MPI_COMM_WORLD);
    return steps_allreduce(n, MPI_COMM_WORLD);
}

/* The three reductions in turn: for each, what it returned and the MPI
 * calls of yours it made, on this rank. */
static void
all_steps(long n)
{
    static const char *const kinds[] = {"star", "reduce", "allreduce"};
    struct trace_rank *notes = trace_notes();
    char text[512];
    size_t used = 0;

    for (int k = 0; k < 3; k++) {
        struct trace_rank before = *notes;
        uint64_t got = run_steps(kinds[k], n);
        used += (size_t)snprintf(
            text + used, sizeof(text) - used,
            "%s returned %llu sends %ld recvs %ld reduces %ld "
            "allreduces %ld\n",
            kinds[k], (unsigned long long)got, notes->sends - before.sends,
            notes->recvs - before.recvs, notes->reduces - before.reduces,
            notes->allreduces - before.allreduces);
    }
    text[used > 0 ? used - 1 : 0] = '\0'; /* hand_on ends the line */
    hand_on(text);
}

/* This rank's rows of the grid, run through heat_run; rank 0 gathers the
 * rows (without ghost rows) into the whole grid, in `whole` if not NULL. */
static double *
run_heat(long rows, long cols, int steps, uint64_t seed, int *rc)
{
    long first, count;
    double *mine, *whole = NULL;
    int *counts = NULL, *offsets = NULL;

    reference_share(rows, rank, size, &first, &count);
    mine = malloc((size_t)((count + 2) * cols) * sizeof(*mine));
    if (mine == NULL)
        fail("out of memory for %s", "its rows");
    reference_heat_fill(mine, first, count, rows, cols, seed);
    *rc = heat_run(mine, count, cols, steps, MPI_COMM_WORLD);
    if (rank == 0) {
        whole = malloc((size_t)(rows * cols) * sizeof(*whole));
        counts = malloc((size_t)size * sizeof(*counts));
        offsets = malloc((size_t)size * sizeof(*offsets));
        if (whole == NULL || counts == NULL || offsets == NULL)
            fail("out of memory for %s", "the whole grid");
        for (int r = 0; r < size; r++) {
            long f, c;
            reference_share(rows, r, size, &f, &c);
            counts[r] = (int)(c * cols);
            offsets[r] = (int)(f * cols);
        }
    }
    PMPI_Gatherv(&mine[cols], (int)(count * cols), MPI_DOUBLE, whole, counts,
                 offsets, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    free(mine);
    free(counts);
    free(offsets);
    return whole;
}

/* `heat`: the grid, whole (the tests) or its mean (by hand); `heat-sum`
 * (the bench): only what heat_run returned and the grid's sum, exactly. */
static void
heat(long rows, long cols, int steps, uint64_t seed, bool sum_only)
{
    const char *dir = getenv(TRACE_DIR_VAR);
    char text[96], path[4096];
    int rc;
    double *whole = run_heat(rows, cols, steps, seed, &rc);

    if (sum_only && rank == 0)
        snprintf(text, sizeof(text), "returned %d sum %a", rc,
                 reference_sum(whole, rows * cols));
    else
        snprintf(text, sizeof(text), "returned %d", rc);
    hand_on(text);
    if (rank != 0 || sum_only) {
        free(whole);
        return;
    }
    if (dir != NULL && dir[0] != '\0') {
        FILE *f;

        snprintf(path, sizeof(path), "%s/grid", dir);
        f = fopen(path, "wb");
        if (f == NULL ||
            fwrite(whole, sizeof(double), (size_t)(rows * cols), f) !=
                (size_t)(rows * cols) ||
            fclose(f) != 0)
            fail("cannot write %s", path);
    } else {
        printf("heat: %ld x %ld cells, %d steps on %d ranks: mean %.12f\n",
               rows, cols, steps, size,
               reference_sum(whole, rows * cols) / (double)(rows * cols));
    }
    free(whole);
}

/* Seconds that `what` takes on every rank, the slowest rank's. */
#define TIMED(seconds, what)                                                   \
    do {                                                                       \
        double t0_, t_;                                                        \
        PMPI_Barrier(MPI_COMM_WORLD);                                          \
        t0_ = PMPI_Wtime();                                                    \
        what;                                                                  \
        t_ = PMPI_Wtime() - t0_;                                               \
        PMPI_Allreduce(&t_, &(seconds), 1, MPI_DOUBLE, MPI_MAX,                \
                       MPI_COMM_WORLD);                                        \
    } while (0)

static void
measure(long n, long rows, long cols, int steps, int header)
{
    double star_s, reduce_s, allreduce_s, heat_s;
    long sends_before, bytes_before, sends, bytes;
    struct trace_rank *notes = trace_notes();
    uint64_t total = 0;
    int rc = 0;

    TIMED(star_s, total += steps_star(n, MPI_COMM_WORLD));
    TIMED(reduce_s, total += steps_reduce(n, MPI_COMM_WORLD));
    TIMED(allreduce_s, total += steps_allreduce(n, MPI_COMM_WORLD));
    sends_before = notes->sends;
    bytes_before = notes->bytes_sent;
    TIMED(heat_s, free(run_heat(rows, cols, steps, 6, &rc)));
    sends = notes->sends - sends_before;
    bytes = notes->bytes_sent - bytes_before;
    long all_sends = 0, all_bytes = 0;
    PMPI_Reduce(&sends, &all_sends, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    PMPI_Reduce(&bytes, &all_bytes, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank != 0)
        return;
    if (rc != 0 || total != 3 * reference_steps(n))
        fail("%s: a result differs from the serial reference",
             rc != 0 ? "heat_run failed" : "a count");
    if (header)
        printf("%5s %9s %9s %12s %14s %16s %15s\n", "ranks", "star_ms",
               "reduce_ms", "allreduce_ms", "heat_us_step", "messages_rank",
               "bytes_rank");
    printf("%5d %9.2f %9.2f %12.2f %14.1f %16.1f %15.0f\n", size, star_s * 1e3,
           reduce_s * 1e3, allreduce_s * 1e3, heat_s * 1e6 / steps,
           (double)all_sends / steps / size, (double)all_bytes / steps / size);
}

/* Ranks 0 and 1 send a message back and forth, at sizes from 8 bytes to
 * 4 MB: half the round trip is the time of one message; its size over that
 * time, the bandwidth. The kit's calls (PMPI_): nothing of yours runs. */
static void
pingpong(void)
{
    static char buf[4 << 20];

    if (size < 2)
        fail("%s needs 2 ranks", "pingpong");
    if (rank == 0)
        printf("%10s %12s %14s\n", "bytes", "one_way_us", "bandwidth_MBps");
    for (long bytes = 8; bytes <= (long)sizeof(buf); bytes *= 4) {
        int reps = bytes < 65536 ? 2000 : 100;
        double t0 = 0;
        for (int i = -10; i < reps; i++) { /* 10 to warm up */
            if (i == 0) {
                PMPI_Barrier(MPI_COMM_WORLD);
                t0 = PMPI_Wtime();
            }
            if (rank == 0) {
                PMPI_Send(buf, (int)bytes, MPI_CHAR, 1, 0, MPI_COMM_WORLD);
                PMPI_Recv(buf, (int)bytes, MPI_CHAR, 1, 0, MPI_COMM_WORLD,
                          MPI_STATUS_IGNORE);
            } else if (rank == 1) {
                PMPI_Recv(buf, (int)bytes, MPI_CHAR, 0, 0, MPI_COMM_WORLD,
                          MPI_STATUS_IGNORE);
                PMPI_Send(buf, (int)bytes, MPI_CHAR, 0, 0, MPI_COMM_WORLD);
            }
        }
        double one_way = (PMPI_Wtime() - t0) / reps / 2;
        if (rank == 0)
            printf("%10ld %12.2f %14.1f\n", bytes, one_way * 1e6,
                   (double)bytes / one_way / 1e6);
    }
}

static void
usage(FILE *to)
{
    fprintf(to, "usage: mpirun -np P ranks star|reduce|allreduce|steps N\n"
                "       mpirun -np P ranks heat|heat-sum ROWS COLS STEPS SEED\n"
                "       mpirun -np P ranks measure N ROWS COLS STEPS [-H]\n"
                "       mpirun -np 2 ranks pingpong\n");
}

/* The command line is checked before MPI starts: a mistake costs no
 * launch, and every rank would refuse it alike. */
static bool
valid(int argc, char **argv)
{
    const char *task = argc >= 2 ? argv[1] : "";

    return (argc == 3 &&
            (strcmp(task, "star") == 0 || strcmp(task, "reduce") == 0 ||
             strcmp(task, "allreduce") == 0 || strcmp(task, "steps") == 0)) ||
           (argc == 6 &&
            (strcmp(task, "heat") == 0 || strcmp(task, "heat-sum") == 0)) ||
           (argc == 2 && strcmp(task, "pingpong") == 0) ||
           ((argc == 6 || (argc == 7 && strcmp(argv[6], "-H") == 0)) &&
            strcmp(task, "measure") == 0);
}

/* Under AddressSanitizer, MPI's own allocations are not yours: what it
 * allocates as it starts is looked away from, and some of what it keeps
 * becomes unreachable only when MPI_Finalize unloads its plugins. So the
 * leak check runs just before MPI_Finalize, over what your calls
 * allocated, and the exit skips the one that would run after. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
/* And what MPI's libraries allocate during your calls and keep (PMIx's
 * hash of keys): leaks of theirs, whose stacks pass through them, which
 * yours (a malloc in mpiwork.c) do not. */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
    return "leak:libpmix.so\nleak:libopen-pal.so\nleak:libopen-rte.so\n"
           "leak:libmpi.so\n";
}
#define MPI_OWN_BEGIN() __lsan_disable()
#define MPI_OWN_END() __lsan_enable()
#define LEAKS_CHECKED() __lsan_do_recoverable_leak_check()
#define EXIT_AFTER_FINALIZE(status) _exit(status)
#else
#define MPI_OWN_BEGIN() ((void)0)
#define MPI_OWN_END() ((void)0)
#define LEAKS_CHECKED() 0
#define EXIT_AFTER_FINALIZE(status) return (status)
#endif

int
main(int argc, char **argv)
{
    if (argc == 2 &&
        (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage(stdout);
        return 0;
    }
    if (!valid(argc, argv)) {
        usage(stderr);
        return 2;
    }
    MPI_OWN_BEGIN();
    MPI_Init(&argc, &argv);
    MPI_OWN_END();
    PMPI_Comm_rank(MPI_COMM_WORLD, &rank);
    PMPI_Comm_size(MPI_COMM_WORLD, &size);
    if (strcmp(argv[1], "heat") == 0 || strcmp(argv[1], "heat-sum") == 0) {
        heat(number(argv[2], 1), number(argv[3], 3), (int)number(argv[4], 0),
             (uint64_t)number(argv[5], 0), strcmp(argv[1], "heat-sum") == 0);
    } else if (strcmp(argv[1], "pingpong") == 0) {
        pingpong();
    } else if (strcmp(argv[1], "steps") == 0) {
        all_steps(number(argv[2], 0));
    } else if (strcmp(argv[1], "measure") == 0) {
        measure(number(argv[2], 1), number(argv[3], 1), number(argv[4], 3),
                (int)number(argv[5], 1), argc == 7);
    } else {
        char text[64];
        snprintf(text, sizeof(text), "returned %llu",
                 (unsigned long long)run_steps(argv[1], number(argv[2], 0)));
        hand_on(text);
    }
    /* LeakSanitizer's exit status, as when it checks at exit. */
    int leaked = LEAKS_CHECKED() ? 23 : 0;
    fflush(stdout);
    fflush(stderr);
    MPI_Finalize();
    EXIT_AFTER_FINALIZE(leaked);
}
