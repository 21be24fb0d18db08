/* SPDX-License-Identifier: MIT */
/* Lab 07 "Across machines": public tests. Each starts the kit's program
 * `ranks` on 1 to 4 ranks with mpirun (tests/mpirun.h) and compares what
 * your functions returned with the kit's serial reference; the MPI calls
 * your code made are counted by the kit (kit/trace.h). A deadlock is
 * stopped within seconds and named: which rank waits in which call for
 * which rank. No test measures speed. */
#include "kit_hidden.h"
#include "mpirun.h"
#include "reference.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COUNT(array) ((int)(sizeof(array) / sizeof((array)[0])))

/* The starter's answers, named where a test meets them. */
#define STARTER "(what the starter returns: not written yet?)"

/* Integers counted: not a multiple of 2, 3 or 4 ranks. */
#define N_STEPS 100003
#define N_TEXT "100003"

static const char *const kinds[] = {"star", "reduce", "allreduce"};

/* Where a test of this run of the suite notes a deadlock for the tests
 * after it (each test runs in a process of its own, a child of the
 * suite's runner). */
static void
deadlock_path_of(long runner, char *out, size_t len)
{
    snprintf(out, len, "/tmp/kit-mpi-deadlock-%ld", runner);
}

static void
deadlock_path(char *out, size_t len)
{
    deadlock_path_of((long)getppid(), out, len);
}

/* In the runner itself, before and after the test case: no note of
 * another run's, none left behind. */
static void
deadlock_forget(void)
{
    char path[64];

    deadlock_path_of((long)getpid(), path, sizeof(path));
    unlink(path);
}

static int
deadlock_seen(void)
{
    char path[64];
    int np = 0;
    FILE *f;

    deadlock_path(path, sizeof(path));
    f = fopen(path, "r");
    if (f == NULL)
        return 0;
    if (fscanf(f, "%d", &np) != 1)
        np = 0;
    fclose(f);
    return np;
}

static void
deadlock_note(int np)
{
    char path[64];
    FILE *f;

    deadlock_path(path, sizeof(path));
    f = fopen(path, "w");
    if (f != NULL) {
        fprintf(f, "%d\n", np);
        fclose(f);
    }
}

/* Run, and fail the test with the reason unless every rank returned. */
static void
run_or_fail(int np, const char *const *args, struct mpirun *run)
{
    mpirun_ranks(np, args, run);
    if (run->deadlocked)
        deadlock_note(np);
    if (run->why[0] != '\0') {
        char why[sizeof(run->why)];
        memcpy(why, run->why, sizeof(why));
        mpirun_clean(run);
        ck_abort_msg("%s on %d ranks: %s", args[0], np, why);
    }
}

/* What one rank said of one version: its result and the MPI calls it
 * made. 0, or -1 when the rank said nothing of it. */
struct said {
    unsigned long long result;
    long sends, recvs, reduces, allreduces;
};

static int
said_of(const struct mpirun *run, int r, const char *kind, struct said *out)
{
    char head[32];
    const char *line = run->returned[r];

    snprintf(head, sizeof(head), "%s returned ", kind);
    while (line != NULL && *line != '\0') {
        if (strncmp(line, head, strlen(head)) == 0)
            return sscanf(line + strlen(head),
                          "%llu sends %ld recvs %ld reduces %ld allreduces "
                          "%ld",
                          &out->result, &out->sends, &out->recvs, &out->reduces,
                          &out->allreduces) == 5
                       ? 0
                       : -1;
        line = strchr(line, '\n');
        line = line != NULL ? line + 1 : NULL;
    }
    return -1;
}

/* Run the three versions on `np` ranks, or fail the test saying why. */
static void
run_steps(int np, struct mpirun *run)
{
    const char *args[] = {"steps", N_TEXT, NULL};

    run_or_fail(np, args, run);
    for (int r = 0; r < np; r++)
        for (int k = 0; k < COUNT(kinds); k++) {
            struct said s;
            if (said_of(run, r, kinds[k], &s) != 0) {
                mpirun_clean(run);
                ck_abort_msg("rank %d of %d said nothing of steps_%s: did it "
                             "end early?",
                             r, np, kinds[k]);
            }
        }
}

/* ---- the reduction ---- */

START_TEST(counts_match_the_reference)
{
    int np = 1 + _i;
    uint64_t want = reference_steps(N_STEPS);
    struct mpirun run;

    run_steps(np, &run);
    for (int k = 0; k < COUNT(kinds); k++)
        for (int r = 0; r < np; r++) {
            struct said s;
            /* Only rank 0 has the total, but with MPI_Allreduce every
             * rank. */
            if (r > 0 && k != 2)
                continue;
            said_of(&run, r, kinds[k], &s);
            if (s.result == want)
                continue;
            mpirun_clean(&run);
            ck_abort_msg(
                "steps_%s(n = %d) on %d ranks: rank %d returned %llu; the "
                "kit's serial reference counts %" PRIu64 " steps%s",
                kinds[k], N_STEPS, np, r, s.result, want,
                s.result == 0 ? " " STARTER
                : np > 1      ? ". Every rank's share counts, rank 0's too, "
                                "and the shares must cover 1..n once"
                              : "");
        }
    mpirun_clean(&run);
}
END_TEST

/* ---- the messages each version sends ---- */

START_TEST(each_version_sends_what_it_should)
{
    struct mpirun run;
    int np = 4;

    run_steps(np, &run);
    for (int r = 0; r < np; r++) {
        struct said star, reduce, all;
        said_of(&run, r, "star", &star);
        said_of(&run, r, "reduce", &reduce);
        said_of(&run, r, "allreduce", &all);
        if (r == 0)
            ck_assert_msg(star.recvs == np - 1 && star.sends == 0,
                          "steps_star on %d ranks: rank 0 received %ld "
                          "messages and sent %ld; the star: rank 0 receives "
                          "one count from each other rank (%d), sends none",
                          np, star.recvs, star.sends, np - 1);
        else
            ck_assert_msg(star.sends == 1 && star.recvs == 0,
                          "steps_star on %d ranks: rank %d sent %ld messages "
                          "and received %ld; each rank but 0 sends its count "
                          "once, with MPI_Send, and receives nothing",
                          np, r, star.sends, star.recvs);
        for (int k = 0; k < 2; k++) {
            const struct said *c = k == 0 ? &reduce : &all;
            const char *kind = k == 0 ? "reduce" : "allreduce";
            const char *call = k == 0 ? "MPI_Reduce" : "MPI_Allreduce";
            long calls = k == 0 ? c->reduces : c->allreduces;
            ck_assert_msg(
                c->sends == 0 && c->recvs == 0,
                "steps_%s on %d ranks: rank %d sent %ld and received %ld "
                "messages itself. With point-to-point messages to one rank, "
                "that rank takes P - 1 = %d messages one after the other (a "
                "star); one %s lets MPI combine the counts along a tree, in "
                "about log2(P) steps",
                kind, np, r, c->sends, c->recvs, np - 1, call);
            ck_assert_msg(calls == 1,
                          "steps_%s on %d ranks: rank %d called %s %ld times; "
                          "once is all it takes",
                          kind, np, r, call, calls);
        }
    }
    mpirun_clean(&run);
}
END_TEST

/* ---- the heat equation ---- */

/* Rows not a multiple of 2, 3 or 4 ranks; a row of 16 KB, more than MPI
 * sends without waiting for its receive. */
#define HEAT_ROWS 37
#define HEAT_COLS 2048
#define HEAT_STEPS 5
#define HEAT_SEED 7

START_TEST(heat_matches_the_reference)
{
    int np = 1 + _i;
    const char *args[] = {"heat", "37", "2048", "5", "7", NULL};
    size_t cells = (size_t)(HEAT_ROWS * HEAT_COLS);
    double *want = malloc((cells + 2 * HEAT_COLS) * sizeof(double));
    double *got = malloc(cells * sizeof(double));
    struct mpirun run;
    char path[300];
    FILE *f;

    ck_assert(want != NULL && got != NULL);
    reference_heat_fill(want, 0, HEAT_ROWS, HEAT_ROWS, HEAT_COLS, HEAT_SEED);
    ck_assert(reference_heat(want, HEAT_ROWS, HEAT_COLS, HEAT_STEPS) == 0);
    /* One deadlock says it all: the runs on more ranks would wait their
     * seconds for the same one. */
    int stuck = deadlock_seen();
    ck_assert_msg(stuck == 0,
                  "heat on %d ranks: not run, heat_run deadlocked on %d "
                  "ranks (above): fix that first",
                  np, stuck);
    run_or_fail(np, args, &run);
    for (int r = 0; r < np; r++)
        ck_assert_msg(strcmp(run.returned[r], "returned 0") == 0,
                      "heat_run on %d ranks: rank %d %s; expected 0 %s", np, r,
                      run.returned[r][0] ? run.returned[r] : "returned nothing",
                      strcmp(run.returned[r], "returned -1") == 0 ? STARTER
                                                                  : "");
    snprintf(path, sizeof(path), "%s/grid", run.dir);
    f = fopen(path, "rb");
    ck_assert_msg(f != NULL && fread(got, sizeof(double), cells, f) == cells,
                  "rank 0 wrote no grid");
    fclose(f);
    for (size_t i = 0; i < cells; i++) {
        long row = (long)(i / HEAT_COLS), col = (long)(i % HEAT_COLS);
        long first, count;
        int owner = 0;
        if (memcmp(&got[i], &want[HEAT_COLS + i], sizeof(double)) == 0)
            continue;
        for (int r = 0; r < np; r++) {
            reference_share(HEAT_ROWS, r, np, &first, &count);
            if (row >= first && row < first + count)
                owner = r;
        }
        reference_share(HEAT_ROWS, owner, np, &first, &count);
        mpirun_clean(&run);
        ck_abort_msg(
            "heat_run on %d ranks, %d rows of %d columns, %d steps: row %ld, "
            "column %ld (rank %d's %s row) is %.17g; the serial reference "
            "gives %.17g. %s",
            np, HEAT_ROWS, HEAT_COLS, HEAT_STEPS, row, col, owner,
            row == first               ? "first"
            : row == first + count - 1 ? "last"
                                       : "inner",
            got[i], want[HEAT_COLS + i],
            row == first || row == first + count - 1
                ? "A row next to another rank's is wrong: did its ghost row "
                  "hold the neighbour's row of this step (the right rank, "
                  "the right tag, before the update)?"
                : "Each cell's new value comes from the values before the "
                  "step, all of them: write the new grid apart, then swap.");
    }
    mpirun_clean(&run);
    free(want);
    free(got);
}
END_TEST

START_TEST(heat_sends_a_row_to_each_neighbour)
{
    const char *args[] = {"heat", "37", "2048", "5", "7", NULL};
    struct mpirun run;
    int np = 4;

    run_or_fail(np, args, &run);
    for (int r = 0; r < np; r++) {
        const struct trace_rank *t = &run.notes[r];
        long neighbours = (r > 0) + (r < np - 1);
        long rows = neighbours * HEAT_STEPS;
        ck_assert_msg(run.noted[r], "rank %d left no notes", r);
        ck_assert_msg(t->sends == rows && t->bytes_sent == rows * HEAT_COLS * 8,
                      "heat_run on %d ranks, %d steps: rank %d sent %ld "
                      "messages of %ld bytes in all; expected one row "
                      "(%d bytes) to each of its %ld neighbour(s) per step: "
                      "%ld messages, %ld bytes",
                      np, HEAT_STEPS, r, t->sends, t->bytes_sent, HEAT_COLS * 8,
                      neighbours, rows, rows * HEAT_COLS * 8);
    }
    mpirun_clean(&run);
}
END_TEST

static Suite *
mpi_suite(void)
{
    Suite *s = suite_create("07-mpi");
    TCase *reduction = tcase_create("reduction");
    TCase *messages = tcase_create("messages");
    TCase *halo = tcase_create("halo");

    /* mpirun takes a fraction of a second to start the ranks. */
    tcase_set_timeout(reduction, 60);
    tcase_set_timeout(messages, 60);
    tcase_set_timeout(halo, 60);
    tcase_add_loop_test(reduction, counts_match_the_reference, 0, 4);
    tcase_add_test(messages, each_version_sends_what_it_should);
    tcase_add_test(messages, heat_sends_a_row_to_each_neighbour);
    tcase_add_unchecked_fixture(messages, deadlock_forget, deadlock_forget);
    tcase_add_unchecked_fixture(halo, deadlock_forget, deadlock_forget);
    tcase_add_loop_test(halo, heat_matches_the_reference, 0, 4);
    suite_add_tcase(s, reduction);
    suite_add_tcase(s, messages);
    suite_add_tcase(s, halo);
    kit_hidden_tcases(s);
    return s;
}

int
main(void)
{
    SRunner *runner;
    int failed;

    runner = srunner_create(mpi_suite());
    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
