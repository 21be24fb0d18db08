/* SPDX-License-Identifier: MIT */
/* The grader's preparation: object files, archives and shared libraries
 * read as ELF, with elfutils' libelf: their symbol tables and section
 * names themselves, in the grader's own process (no tool's output format
 * to parse, no program started per file).
 *
 * What a student's object may not hold: code of the student's that would
 * run outside the tests. A constructor (__attribute__((constructor)), or a
 * pointer placed in .init_array by hand) runs before main, in the test
 * runner itself, where it could rewrite what the runner reports, or slow
 * what is timed; a destructor runs after the tests; an ifunc's resolver
 * runs while the loader relocates the program. An object file with any of
 * them is refused by name. */
#ifndef GRADER_PREPARE_ELF_H
#define GRADER_PREPARE_ELF_H

#include <stdbool.h>
#include <stddef.h>

/* One symbol of a table. */
struct elf_symbol {
    const char *name; /* never empty */
    int type;         /* STT_* */
    bool defined;     /* in a section of the file (or common), not wanted */
    bool global;      /* seen by other files: global, weak or unique */
};

typedef void (*elf_symbol_fn)(void *ctx, const struct elf_symbol *sym);

/* Call `fn` on every named symbol of `path`: of an object's symbol table,
 * of every object of an archive, or (`dynamic`) of a shared library's
 * dynamic table. Returns 0, or -1 when the file is not ELF (nor an archive
 * of it) that the grader can read. */
int elf_symbols(const char *path, bool dynamic, elf_symbol_fn fn, void *ctx);

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
