/* SPDX-License-Identifier: MIT */
/**
 * @file kit_hidden.h
 * @brief Where the instructor's hidden test cases join a lab's suite.
 *
 * A course may grade a lab with test cases its students do not get: Check
 * sources in the lab's `kit/hidden/` folder, which the student kit (`make
 * release`) leaves out. One of them defines kit_hidden_tcases(), which
 * adds their TCases to the suite; the lab's test program calls it after
 * adding its own. Where there are none (a student's kit, or a lab without
 * any), libkit's own definition adds nothing. The name is the kit's: a
 * submission that defines it is refused.
 */
#ifndef KIT_HIDDEN_H
#define KIT_HIDDEN_H

struct Suite; /* Check's */

/** Add the lab's hidden TCases, if it has any, to `suite`. */
void kit_hidden_tcases(struct Suite *suite);

#endif
