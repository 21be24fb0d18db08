/* SPDX-License-Identifier: MIT */
/* The grader's preparation: code of the student's that would run outside the
 * tests. A constructor (__attribute__((constructor)), or a pointer placed in
 * .init_array by hand) runs before main, in the test runner itself, where
 * it could rewrite what the runner reports; a destructor runs after the
 * tests. An object file with such sections is refused by name. */
#ifndef GRADER_PREPARE_SECTIONS_H
#define GRADER_PREPARE_SECTIONS_H

#include <stddef.h>

/* The sections of the ELF object `object` that hold code run before or
 * after main (.init_array, .fini_array, .preinit_array, .ctors, .dtors,
 * .init, .fini), named in `found` ("" for none). Returns their number, or
 * -1 when the file is not an ELF object the grader can read. */
int sections_find_init(const char *object, char *found, size_t len);

#endif
