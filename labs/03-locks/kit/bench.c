/* SPDX-License-Identifier: MIT */
/* Lab 03 "Races and locks": the bench program. Kernel "bank" applies one
 * batch of random transfers to a bank twice: with the kit's global-lock
 * version on one thread of the pool (the base), then with your fine-grained
 * bank_transfer() on -t threads. It checks that both leave the accounts in
 * the same state before it prints the speedup; the grader runs it one
 * variant at a time (-v). Kernel "global" runs the kit's global-lock
 * version on -t threads instead, to compare. Kit-owned: nothing to edit
 * here. */
#include "bank.h"
#include "global.h"
#include "kit_bench.h"
#include "kit_pthread.h"
#include "ledger.h"
#include "pool.h"

#include <stdlib.h>
#include <string.h>

/* Accounts of the bench's bank. Enough that two threads rarely want the
 * same account at once (with P threads, a transfer meets another one's
 * account about 4(P - 1) times in 1000), few enough that they stay in the
 * caches (64 bytes each). */
#define BENCH_ACCOUNTS 1000
#define OPENING_BALANCE 1000000

/* bank's input: the batch, and storage for the accounts, reused by every
 * run, each of which starts from the opening balances. */
struct batch {
    struct transfer *transfers;
    struct account *accounts;
};

static void
bank_vary(void *input, long n, uint64_t seed)
{
    struct batch *b = input;

    bank_random_transfers(b->transfers, n, BENCH_ACCOUNTS, seed);
}

static void *
bank_setup(long n, uint64_t seed)
{
    struct batch *b = malloc(sizeof(*b));

    if (b == NULL)
        kit_die("out of memory");
    b->transfers = malloc((size_t)n * sizeof(*b->transfers));
    /* aligned_alloc: struct account is aligned to a cache line, and malloc
     * promises only the alignment of the standard types. */
    b->accounts = aligned_alloc(_Alignof(struct account),
                                BENCH_ACCOUNTS * sizeof(*b->accounts));
    if (b->transfers == NULL || b->accounts == NULL)
        kit_die("out of memory for %ld transfers", n);
    memset(b->accounts, 0, BENCH_ACCOUNTS * sizeof(*b->accounts));
    bank_random_transfers(b->transfers, n, BENCH_ACCOUNTS, seed);
    return b;
}

/* The base: the kit's global-lock bank on one thread of the pool. On one
 * thread the lock is never contended, so this is as fast as the global
 * version ever gets; more threads would only take turns with it. */
static double
bank_serial_kernel(void *input, long n)
{
    struct batch *b = input;
    struct bank bank;
    double checksum;

    bank_global_init(&bank, b->accounts, BENCH_ACCOUNTS, OPENING_BALANCE);
    pool_run(&bank, b->transfers, n, 1, bank_transfer_global);
    checksum = bank_checksum(&bank);
    bank_global_destroy(&bank);
    return checksum;
}

/* Yours: the same batch on -t threads of the pool, one lock per account.
 * Left out of the kit's reference build (kit_bench.h). */
#ifndef KIT_REFERENCE
static double
bank_parallel_kernel(void *input, long n, int threads)
{
    struct batch *b = input;
    struct bank bank = {NULL, 0}; /* a bank_init that sets nothing sums 0 */
    double checksum;

    bank_init(&bank, b->accounts, BENCH_ACCOUNTS, OPENING_BALANCE);
    pool_run(&bank, b->transfers, n, threads, bank_transfer);
    checksum = bank_checksum(&bank);
    bank_destroy(&bank);
    return checksum;
}
#endif

/* For comparison, not graded: the kit's global-lock bank itself on -t
 * threads. One transfer at a time whatever -t says, plus the cost of handing
 * the lock from thread to thread. */
static double
global_parallel_kernel(void *input, long n, int threads)
{
    struct batch *b = input;
    struct bank bank;
    double checksum;

    bank_global_init(&bank, b->accounts, BENCH_ACCOUNTS, OPENING_BALANCE);
    pool_run(&bank, b->transfers, n, threads, bank_transfer_global);
    checksum = bank_checksum(&bank);
    bank_global_destroy(&bank);
    return checksum;
}

static void
bank_teardown(void *input)
{
    struct batch *b = input;

    free(b->transfers);
    free(b->accounts);
    free(b);
}

/* Transfers commute, so the final accounts, and their checksum, do not
 * depend on the order the threads applied them in: the parallel result must
 * equal the serial one exactly (no bound). Each repetition applies a batch
 * of its own. The default size makes a serial run take about 250 ms on a
 * current core. */
static const struct kit_bench_kernel kernels[] = {
    {
        .name = "bank",
        .summary = "n random transfers among 1000 accounts",
        .default_size = 600000,
        .setup = bank_setup,
        .vary = bank_vary,
        .serial = bank_serial_kernel,
        .parallel = KIT_PARALLEL(bank_parallel_kernel),
        .teardown = bank_teardown,
    },
    {
        .name = "global",
        .summary = "the same, the kit's global lock on -t threads (not graded)",
        .default_size = 600000,
        .setup = bank_setup,
        .vary = bank_vary,
        .serial = bank_serial_kernel,
        .parallel = global_parallel_kernel,
        .teardown = bank_teardown,
    },
};

int
main(int argc, char **argv)
{
    const struct kit_bench bench = {
        .program = "bench",
        .summary = "Speedup of your fine-grained bank over the kit's "
                   "global-lock bank on one thread.",
        .kernels = kernels,
        .nkernels = sizeof(kernels) / sizeof(kernels[0]),
    };

    return kit_bench_main(&bench, argc, argv);
}
