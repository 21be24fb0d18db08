/* SPDX-License-Identifier: MIT */
/* The grader's preparation: the symbols a student's object file defines. Helper
 * functions are fine; a definition that would replace a function of the C
 * library, libkit or the lab's own code (a fake clock_gettime, pthread_create
 * or main) would change what the tests and timings mean, so it is refused. */
#ifndef GRADER_PREPARE_SYMBOLS_H
#define GRADER_PREPARE_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>

/* The names no submission may define: the C library's and libm's dynamic
 * symbols, hwloc's, libkit's, and those the lab's kit-owned objects
 * (drivers, tests, serial references) define. Loaded once per lab. */
struct symbol_set {
    char **names; /* sorted, for bsearch */
    size_t n;
    size_t cap;
};

/* Add the defined global symbols of `file` (an object, archive or shared
 * library; `dynamic` for a shared library's dynamic table) to `set`.
 * Returns 0, or -1 when it is not ELF the grader can read. */
int symbols_add_file(struct symbol_set *set, const char *file, int dynamic);

/* Add one name to `set`. */
void symbols_add_name(struct symbol_set *set, const char *name);

/* Add the system libraries: libc, libm (where the compiler finds them) and
 * hwloc. Returns 0, or -1 when none could be read. */
int symbols_add_system(struct symbol_set *set);

/* Sort the set; call before symbols_check(). */
void symbols_seal(struct symbol_set *set);

/* Whether the sealed set holds `name`. */
bool symbols_has(const struct symbol_set *set, const char *name);

/* Check the student's object `object` (from `source`, for the message)
 * against `reserved`. Returns the number of refused symbols, with a message
 * naming each in `report`; -1 when it could not be read (reported too). */
int symbols_check(const struct symbol_set *reserved, const char *object,
                  const char *source, char *report, size_t len);

void symbols_free(struct symbol_set *set);

#endif
