/* SPDX-License-Identifier: MIT */
/* Lab 03 "Races and locks": the kit's bookkeeping for the bank, the stamp a
 * transfer computes, the checksum of a bank, the batches of random
 * transfers. Kit-owned: the tests and bench rely on these being the same
 * for every submission. */
#include "ledger.h"

#include "kit_rng.h"

/* Rounds of the stamp's mixing: about 0.3 µs on a current core, the order of
 * what a real transfer computes while it holds its accounts. */
#define STAMP_ROUNDS 96

uint64_t
bank_stamp(const struct transfer *t)
{
    uint64_t x = ((uint64_t)(uint32_t)t->from << 32 | (uint32_t)t->to) ^
                 (uint64_t)t->amount * 0x9E3779B97F4A7C15u;

    /* splitmix64's finaliser, again and again: each round needs the one
     * before, so the rounds cannot overlap and their time is predictable. */
    for (int i = 0; i < STAMP_ROUNDS; i++) {
        x += 0x9E3779B97F4A7C15u;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
        x ^= x >> 31;
    }
    return x;
}

double
bank_checksum(const struct bank *bank)
{
    uint64_t sum = 0;

    /* Unsigned arithmetic wraps modulo 2^64 (signed overflow would be
     * undefined), and addition modulo 2^64 does not care about order. Each
     * account has its own odd weight, so two accounts' balances swapped
     * change the sum. */
    for (int i = 0; i < bank->naccounts; i++) {
        const struct account *a = &bank->accounts[i];
        uint64_t weight = (2 * (uint64_t)i + 1) * 0xD6E8FEB86659FD93u;

        sum += (uint64_t)a->balance * weight +
               (uint64_t)a->transfers * 0x9E3779B97F4A7C15u + a->ledger;
    }
    /* Fold to 53 bits, which a double holds exactly: bench passes the
     * checksum on as its result, compared with a tolerance of 0. */
    return (double)((sum ^ (sum >> 53)) & ((UINT64_C(1) << 53) - 1));
}

void
bank_random_transfers(struct transfer *out, long n, int naccounts,
                      uint64_t seed)
{
    struct kit_rng rng;

    kit_rng_seed(&rng, seed, 3);
    for (long i = 0; i < n; i++) {
        out[i].from = (int)kit_rng_below(&rng, (uint64_t)naccounts);
        out[i].to = (int)kit_rng_below(&rng, (uint64_t)naccounts);
        out[i].amount = 1 + (long)kit_rng_below(&rng, 1000);
    }
}
