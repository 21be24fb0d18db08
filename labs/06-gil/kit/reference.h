/* SPDX-License-Identifier: MIT */
/* Lab 06 "Python's GIL from C": the kit's serial reference, which every
 * result of kitwork is checked against, and the items the kit counts.
 * Kit-owned: nothing to edit here. */
#ifndef REFERENCE_H
#define REFERENCE_H

#include "kitwork.h"

#include <stddef.h>
#include <stdint.h>

/* The items the kit's tests and bench count: 1 to 2^24 - 1, so that no
 * Collatz sequence of them comes near 2^64. */
#define REFERENCE_ITEM_MAX ((UINT32_C(1) << 24) - 1)

/* The total steps of the @p n items at @p buf, one after the other. */
uint64_t reference_steps(const void *buf, size_t n);

/* Fill @p buf with @p n items from @p seed. */
void reference_fill(void *buf, size_t n, uint64_t seed);

#endif
