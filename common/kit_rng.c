/* SPDX-License-Identifier: MIT */
/* libkit: seeding and bounded draws for the per-thread generator. */
#include "kit_rng.h"

/* splitmix64 spreads a seed's bits over a whole state word, so that seeds
 * 1, 2, 3 do not start xoshiro in nearly equal states. */
static uint64_t
splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void
kit_rng_seed(struct kit_rng *rng, uint64_t seed, uint64_t stream)
{
    /* Mix the stream in through its own splitmix step so that (seed, stream)
     * pairs like (1, 2) and (2, 1) do not collide. */
    uint64_t mix = stream;
    uint64_t x = seed ^ splitmix64(&mix);

    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&x);
    if ((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) == 0)
        rng->s[0] = 1; /* the all-zero state would stay zero forever */
}

uint64_t
kit_rng_below(struct kit_rng *rng, uint64_t bound)
{
    /* Reject the top values that would make some results more likely than
     * others: only accept draws below the largest multiple of bound. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t r;

    do
        r = kit_rng_next(rng);
    while (r >= limit);
    return r % bound;
}
