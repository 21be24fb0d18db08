/* SPDX-License-Identifier: MIT */
/**
 * @file kit_rng.h
 * @brief A small, fast, seedable random generator, one per thread.
 *
 * `rand()` keeps one hidden state for the whole process: threads calling it
 * either race on that state or queue for a lock, and its quality is poor.
 * Here every thread owns a `struct kit_rng` (xoshiro256**, seeded through
 * splitmix64), so no state is shared, and a run is reproducible: the same
 * seed and stream give the same numbers on every machine.
 */
#ifndef KIT_RNG_H
#define KIT_RNG_H

#include <stdint.h>

/** Generator state; give each thread its own. */
struct kit_rng {
    uint64_t s[4]; /**< xoshiro256** state; never all zero */
};

/**
 * Seed @p rng. Different @p stream values with the same @p seed give
 * independent sequences, so thread i can use stream i of one seed.
 */
void kit_rng_seed(struct kit_rng *rng, uint64_t seed, uint64_t stream);

/** The next 64 random bits. */
static inline uint64_t
kit_rng_next(struct kit_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t x = s[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/** A uniform double in [0, 1), with 53 random bits. */
static inline double
kit_rng_double(struct kit_rng *rng)
{
    return (double)(kit_rng_next(rng) >> 11) * 0x1.0p-53;
}

/**
 * +1 or -1, a fair coin of @p key (and @p salt): the same for the same
 * arguments, without state, so any thread may ask for any key. The kit's
 * checked kernels add sign(i) to term i: a sum that skips, merges or
 * repeats terms then moves by about the square root of their number,
 * far beyond any rounding.
 */
static inline double
kit_sign_of(uint64_t key, uint64_t salt)
{
    uint64_t z = key * 0x9e3779b97f4a7c15u + salt;

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    z ^= z >> 31;
    return (z & 1) ? 1.0 : -1.0;
}

/**
 * A uniform integer in [0, @p bound), without the bias of `% bound`.
 * @param rng   this thread's generator
 * @param bound must be greater than 0
 */
uint64_t kit_rng_below(struct kit_rng *rng, uint64_t bound);

#endif
