/* SPDX-License-Identifier: MIT */
/* The grader's base: seeds (see seeds.h). */
#include "base/seeds.h"
#include "kit_time.h"

#include <nettle/hmac.h>
#include <sys/random.h>
#include <unistd.h>

#define SEED_MASK ((UINT64_C(1) << 48) - 1)

uint64_t
seeds_fresh(void)
{
    uint64_t seed;

    if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
        seed = (uint64_t)kit_now_ns() ^ ((uint64_t)getpid() << 32);
    return seed & SEED_MASK;
}

/* Bytes of a number, least significant first, the same on every host. */
static void
bytes_of(uint64_t v, uint8_t out[8])
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(v >> (8 * i));
}

uint64_t
seeds_derive(uint64_t grading, uint64_t index)
{
    static const char purpose[] = "kit run seed";
    struct hmac_sha256_ctx ctx;
    uint8_t key[8], msg[8], digest[SHA256_DIGEST_SIZE];
    uint64_t seed = 0;

    bytes_of(grading, key);
    bytes_of(index, msg);
    hmac_sha256_set_key(&ctx, sizeof(key), key);
    hmac_sha256_update(&ctx, sizeof(purpose) - 1, (const uint8_t *)purpose);
    hmac_sha256_update(&ctx, sizeof(msg), msg);
    hmac_sha256_digest(&ctx, sizeof(digest), digest);
    for (int i = 0; i < 8; i++)
        seed |= (uint64_t)digest[i] << (8 * i);
    return seed & SEED_MASK;
}
