/* SPDX-License-Identifier: MIT */
/* libkit: no hidden test cases (see kit_hidden.h). A weak definition, in a
 * file of its own: the linker takes it from the archive only when no object
 * of the lab's kit/hidden/ defines the name. */
#include "kit_hidden.h"

__attribute__((weak)) void
kit_hidden_tcases(struct Suite *suite)
{
    (void)suite;
}
