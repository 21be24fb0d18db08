/* SPDX-License-Identifier: MIT */
/* Lab 07 "Across machines": the bench program. Its kernel is the heat
 * equation on a grid of n rows of HEAT_COLS columns, HEAT_STEPS steps: the
 * kit's serial reference in this process, or your heat_run on P ranks,
 * started as `mpirun -np P ranks heat-sum ...` and waited for. The time of
 * a parallel run is that of the whole mpirun, its start and end included:
 * what `time mpirun ...` shows, and the one clock here that no code of
 * yours runs beside (this program calls none of your functions). The
 * result compared is the grid's sum, which is the same double only when
 * the grids are equal to the bit. Kit-owned: nothing to edit here. */
#define _POSIX_C_SOURCE 200809L
#include "kit_bench.h"
#include "kit_pthread.h" /* kit_die */
#include "launch.h"
#include "reference.h"
#include "trace.h"

#include <dirent.h>
#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Columns and steps of every run: with n = 600 rows (the grader's size),
 * ~1.2 s serially on one core of the 2-core machine the kit is tested on,
 * ~2 ns a cell; a ghost row is a 16 KB message, and each step's share of a
 * rank on 2 ranks ~2 ms of work against ~10 us for its two messages. */
#define HEAT_COLS 2048L
#define HEAT_STEPS 300

struct heat_input {
    double *start; /* the starting grid: rows + 2 rows, boundary included */
    double *grid;  /* the serial run's, from a copy of it: a call changes
                      nothing it is given, and may be repeated */
    uint64_t seed;
};

static void *
heat_setup(long rows, uint64_t seed)
{
    struct heat_input *in = malloc(sizeof(*in));

    size_t bytes = (size_t)((rows + 2) * HEAT_COLS) * sizeof(double);

    if (in == NULL || (in->start = malloc(bytes)) == NULL ||
        (in->grid = malloc(bytes)) == NULL)
        kit_die("out of memory for a grid of %ld rows", rows);
    in->seed = seed;
    reference_heat_fill(in->start, 0, rows, rows, HEAT_COLS, seed);
    return in;
}

static void
heat_vary(void *input, long rows, uint64_t seed)
{
    struct heat_input *in = input;

    in->seed = seed;
    reference_heat_fill(in->start, 0, rows, rows, HEAT_COLS, seed);
}

static void
heat_teardown(void *input)
{
    struct heat_input *in = input;

    free(in->start);
    free(in->grid);
    free(in);
}

static double
heat_serial(void *input, long rows)
{
    struct heat_input *in = input;

    memcpy(in->grid, in->start,
           (size_t)((rows + 2) * HEAT_COLS) * sizeof(double));
    if (reference_heat(in->grid, rows, HEAT_COLS, HEAT_STEPS) != 0)
        kit_die("out of memory in the serial reference");
    return reference_sum(&in->grid[HEAT_COLS], rows * HEAT_COLS);
}

/* Empty the folder the ranks wrote their notes to, and remove it. */
static void
remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4400];

    if (d != NULL) {
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* This program's own path, in `path` of `size` bytes. */
static void
self_path(char *path, size_t size)
{
    ssize_t len = readlink("/proc/self/exe", path, size - 1);

    if (len <= 0)
        kit_die("cannot find this program: %s", strerror(errno));
    path[len] = '\0';
}

/* Run `mpirun -np RANKS PROGRAM ARGS...` (args NULL-terminated) with the
 * ranks' notes going to `dir` (NULL: none), and wait for it; a run that
 * does not end well ends this program. */
static void
mpirun_wait(int ranks, const char *program, char *const *args, const char *dir)
{
    char np[16];
    char *argv[LAUNCH_ARGS + 8];
    size_t n;
    int status;
    pid_t pid;

    snprintf(np, sizeof(np), "%d", ranks);
    n = launch_argv(argv, np, program);
    while (*args != NULL && n < LAUNCH_ARGS + 7)
        argv[n++] = *args++;
    argv[n] = NULL;
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0)
        kit_die("fork: %s", strerror(errno));
    if (pid == 0) {
        if (dir != NULL)
            setenv(TRACE_DIR_VAR, dir, 1);
        launch_allow_root();
        execvp(argv[0], argv);
        fprintf(stderr, "bench: cannot run mpirun: %s\n", strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            kit_die("waitpid: %s", strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (dir != NULL)
            remove_dir(dir);
        if (WIFEXITED(status))
            kit_die("mpirun on %d ranks exited with status %d", ranks,
                    WEXITSTATUS(status));
        kit_die("mpirun on %d ranks was killed by signal %d", ranks,
                WTERMSIG(status));
    }
}

#ifndef KIT_REFERENCE
/* The folder of this program, where `ranks` is built beside it. */
static void
program_dir(char *dir, size_t size)
{
    char *slash;

    self_path(dir, size);
    slash = strrchr(dir, '/');
    if (slash != NULL)
        *slash = '\0';
}

/* Rank 0's report: heat_run's status and the grid's sum. */
static double
rank0_sum(const char *dir, int ranks)
{
    char path[4200], line[128];
    int rc;
    double sum;
    FILE *f;

    snprintf(path, sizeof(path), "%s/out-0", dir);
    f = fopen(path, "r");
    if (f == NULL || fgets(line, sizeof(line), f) == NULL ||
        sscanf(line, "returned %d sum %la", &rc, &sum) != 2) {
        if (f != NULL)
            fclose(f);
        remove_dir(dir);
        kit_die("the run on %d ranks ended without rank 0's grid", ranks);
    }
    fclose(f);
    if (rc != 0) {
        remove_dir(dir);
        kit_die("heat_run returned %d on rank 0, on %d ranks", rc, ranks);
    }
    return sum;
}

static double
heat_ranks(void *input, long rows, int ranks)
{
    struct heat_input *in = input;
    char exe[4096], program[4200], dir[] = "/tmp/kit-bench-XXXXXX";
    char rows_arg[32], cols_arg[32], steps_arg[16], seed_arg[32];
    char *args[] = {"heat-sum", rows_arg, cols_arg, steps_arg, seed_arg, NULL};

    program_dir(exe, sizeof(exe));
    snprintf(program, sizeof(program), "%s/ranks", exe);
    snprintf(rows_arg, sizeof(rows_arg), "%ld", rows);
    snprintf(cols_arg, sizeof(cols_arg), "%ld", HEAT_COLS);
    snprintf(steps_arg, sizeof(steps_arg), "%d", HEAT_STEPS);
    snprintf(seed_arg, sizeof(seed_arg), "%llu", (unsigned long long)in->seed);
    if (mkdtemp(dir) == NULL)
        kit_die("mkdtemp: %s", strerror(errno));
    mpirun_wait(ranks, program, args, dir);
    double sum = rank0_sum(dir, ranks);
    remove_dir(dir);
    return sum;
}
#endif

/* What each `mpirun -np P` of heat_ranks spends that is not the heat
 * equation: mpirun, P processes that start MPI, meet and end, and nothing
 * else. The ranks are this program itself, the kit's code only (the
 * grader runs it from the reference build, which holds none of yours). */
#define EMPTY_RANK "empty-rank"
static void
heat_startup(void *input, long rows, int ranks)
{
    char exe[4096];
    char *args[] = {EMPTY_RANK, NULL};

    (void)input;
    (void)rows;
    self_path(exe, sizeof(exe));
    mpirun_wait(ranks, exe, args, NULL);
}

/* One rank of heat_startup's run. */
static int
empty_rank(int argc, char **argv)
{
    PMPI_Init(&argc, &argv);
    PMPI_Barrier(MPI_COMM_WORLD);
    PMPI_Finalize();
    return 0;
}

static const struct kit_bench_kernel kernels[] = {
    {
        .name = "heat",
        .summary = "the heat equation, 2048 columns, 300 steps: -n rows, "
                   "-t ranks (mpirun -np)",
        .default_size = 600,
        .bound = NULL, /* equal to the bit */
        .setup = heat_setup,
        .vary = heat_vary,
        .serial = heat_serial,
        .parallel = KIT_PARALLEL(heat_ranks),
        .startup = heat_startup,
        .teardown = heat_teardown,
    },
};

int
main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], EMPTY_RANK) == 0)
        return empty_rank(argc, argv);
    const struct kit_bench bench = {
        .program = "bench",
        .summary = "Speedup of your heat_run on P ranks, the whole mpirun "
                   "timed, over the kit's serial code.",
        .kernels = kernels,
        .nkernels = sizeof(kernels) / sizeof(kernels[0]),
        .worker = "rank",
        .workers = "ranks",
    };

    return kit_bench_main(&bench, argc, argv);
}
