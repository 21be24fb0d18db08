/* SPDX-License-Identifier: MIT */
/* The grader's preparation: code of the student's that would run outside the
 * tests. A constructor (__attribute__((constructor)), or a pointer placed in
 * .init_array by hand) runs before main, in the test runner itself, where
 * it could rewrite what the runner reports, or slow what is timed; a
 * destructor runs after the tests; an ifunc's resolver runs while the
 * loader relocates the program. An object file with any of them is
 * refused by name. */
#ifndef GRADER_PREPARE_ELF_H
#define GRADER_PREPARE_ELF_H

#include <stddef.h>

/* The code of the ELF object `object` run before or after main: its
 * sections .init_array, .fini_array, .preinit_array, .ctors, .dtors, .init,
 * .fini, and its ifunc symbols, named in `found` ("" for none). Returns
 * their number, or -1 when the file is not an ELF object the grader can
 * read. */
int elf_outside_main(const char *object, char *found, size_t len);

/* The symbols of `object`, defined or only referred to, whose names start
 * with one of `prefixes` (NULL-terminated), named in `found`. Returns how
 * many, or -1 when the file is not an ELF object the grader can read. */
int elf_names_with_prefix(const char *object, const char *const *prefixes,
                          char *found, size_t len);

#endif
