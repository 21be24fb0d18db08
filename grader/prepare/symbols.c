/* SPDX-License-Identifier: MIT */
/* The grader's preparation: refusing a student's definition of a name that
 * belongs to the system or the kit (see symbols.h), the symbol tables read
 * with libelf (elf.h). */
#include "prepare/symbols.h"
#include "prepare/elf.h"
#include "run/runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
symbols_add_name(struct symbol_set *set, const char *name)
{
    if (set->n == set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 1024;
        char **grown = realloc(set->names, cap * sizeof(*grown));
        if (grown == NULL)
            return;
        set->names = grown;
        set->cap = cap;
    }
    char *copy = strdup(name);
    if (copy != NULL)
        set->names[set->n++] = copy;
}

/* What `nm --defined-only -g` lists: a name a file gives others. */
static bool
exported(const struct elf_symbol *sym)
{
    return sym->defined && sym->global;
}

static void
collect(void *ctx, const struct elf_symbol *sym)
{
    if (exported(sym))
        symbols_add_name(ctx, sym->name);
}

int
symbols_add_file(struct symbol_set *set, const char *file, int dynamic)
{
    return elf_symbols(file, dynamic != 0, collect, set);
}

/* Where the compiler would find a library, as `cc -print-file-name=`. */
static int
library_path(const char *name, char *path, size_t len)
{
    char arg[128];
    char *argv[] = {"/usr/bin/cc", arg, NULL};
    struct run_request req = {
        .argv = argv, .limits = {.wall_seconds = 30, .output_bytes = 8192}};
    struct run_result r;
    int rc = -1;

    snprintf(arg, sizeof(arg), "-print-file-name=%s", name);
    if (run_program(&req, &r) == 0 && r.end == RUN_EXITED && r.exit_code == 0) {
        r.output[strcspn(r.output, "\n")] = '\0';
        /* An unknown name comes back as itself, without a folder. */
        if (strchr(r.output, '/') != NULL && access(r.output, R_OK) == 0) {
            snprintf(path, len, "%s", r.output);
            rc = 0;
        }
    }
    run_result_free(&r);
    return rc;
}

int
symbols_add_system(struct symbol_set *set)
{
    static const char *const libs[] = {"libc.so.6", "libm.so.6",
                                       "libpthread.so.0", "libhwloc.so.15"};
    int found = 0;

    for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
        char path[4096];
        if (library_path(libs[i], path, sizeof(path)) == 0 &&
            symbols_add_file(set, path, 1) == 0)
            found++;
    }
    return found > 0 ? 0 : -1;
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void
symbols_seal(struct symbol_set *set)
{
    qsort(set->names, set->n, sizeof(*set->names), compare_names);
}

bool
symbols_has(const struct symbol_set *set, const char *name)
{
    return bsearch(&name, set->names, set->n, sizeof(*set->names),
                   compare_names) != NULL;
}

struct check {
    const struct symbol_set *reserved;
    const char *source;
    char *report;
    size_t len, used;
    int refused;
};

static void
check_one(void *ctx, const struct elf_symbol *sym)
{
    struct check *c = ctx;
    const char *key = sym->name;
    const char *why = NULL;

    if (!exported(sym))
        return;
    if (symbols_has(c->reserved, key))
        why = "a function or variable of the C library or of the kit";
    else if (key[0] == '_' &&
             (key[1] == '_' || (key[1] >= 'A' && key[1] <= 'Z')))
        why = "a name reserved for the compiler and the C library";
    if (why == NULL)
        return;
    c->refused++;
    if (c->used < c->len)
        c->used += (size_t)snprintf(
            c->report + c->used, c->len - c->used,
            "%s defines %s, %s; a submission may not replace it (make your "
            "own helper static, or give it another name)\n",
            c->source, key, why);
}

int
symbols_check(const struct symbol_set *reserved, const char *object,
              const char *source, char *report, size_t len)
{
    struct check c = {
        .reserved = reserved, .source = source, .report = report, .len = len};
    report[0] = '\0';
    if (elf_symbols(object, false, check_one, &c) != 0) {
        snprintf(report, len, "cannot read the symbols of %s", source);
        return -1;
    }
    return c.refused;
}

void
symbols_free(struct symbol_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        free(set->names[i]);
    free(set->names);
    memset(set, 0, sizeof(*set));
}
