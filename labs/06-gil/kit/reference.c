/* SPDX-License-Identifier: MIT */
/* Lab 06 "Python's GIL from C": the kit's serial reference (reference.h). */
#include "reference.h"
#include "kit_rng.h"

uint64_t
reference_steps(const void *buf, size_t n)
{
    uint64_t total = 0;

    for (size_t i = 0; i < n; i++)
        total += kitwork_steps(kitwork_item(buf, (Py_ssize_t)i));
    return total;
}

void
reference_fill(void *buf, size_t n, uint64_t seed)
{
    struct kit_rng rng;
    unsigned char *bytes = buf;

    kit_rng_seed(&rng, seed, 6);
    for (size_t i = 0; i < n; i++) {
        uint32_t x = 1 + (uint32_t)kit_rng_below(&rng, REFERENCE_ITEM_MAX);
        memcpy(bytes + i * KITWORK_ITEM_BYTES, &x, sizeof(x));
    }
}
