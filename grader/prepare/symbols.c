/* SPDX-License-Identifier: MIT */
/* The grader's preparation: reading symbol tables with nm, and refusing a
 * student's definition of a name that belongs to the system or the kit
 * (see symbols.h). */
#include "prepare/symbols.h"
#include "run/runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Run nm; the caller frees the text. */
static char *
nm_output(const char *file, int dynamic)
{
    char *argv[] = {"/usr/bin/nm", "--defined-only", "-g", (char *)file, NULL,
                    NULL};
    struct run_request req = {
        .argv = argv,
        .limits = {.wall_seconds = 60, .output_bytes = 16 << 20},
    };
    struct run_result r;
    char *text = NULL;

    if (dynamic) { /* a shared library's dynamic table: nm -D */
        argv[3] = "-D";
        argv[4] = (char *)file;
    }
    if (run_program(&req, &r) == 0 && r.end == RUN_EXITED && r.exit_code == 0 &&
        !r.output_truncated) {
        text = r.output;
        r.output = NULL;
    }
    run_result_free(&r);
    return text;
}

static void
add_name(struct symbol_set *set, const char *name, size_t len)
{
    if (set->n == set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 1024;
        char **grown = realloc(set->names, cap * sizeof(*grown));
        if (grown == NULL)
            return;
        set->names = grown;
        set->cap = cap;
    }
    char *copy = strndup(name, len);
    if (copy != NULL)
        set->names[set->n++] = copy;
}

/* nm lines look like "0000000000001139 T name" or "name@@GLIBC_2.2.5" for
 * versioned dynamic symbols; call `fn` on each defined name, without the
 * version. Undefined ("U") and local (lower-case) symbols are not listed
 * with -g --defined-only. */
static void
each_symbol(const char *text, void (*fn)(void *, const char *, size_t, char),
            void *ctx)
{
    const char *line = text;

    while (line != NULL && *line != '\0') {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        char type;
        const char *name;

        /* "ADDR TYPE NAME": the name is after the second space. */
        const char *sp1 = memchr(line, ' ', len);
        const char *sp2 =
            sp1 != NULL ? memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - line))
                        : NULL;
        if (sp2 != NULL) {
            type = sp1[1];
            name = sp2 + 1;
            size_t nlen = len - (size_t)(name - line);
            const char *at = memchr(name, '@', nlen);
            if (at != NULL)
                nlen = (size_t)(at - name);
            if (nlen > 0)
                fn(ctx, name, nlen, type);
        }
        line = end != NULL ? end + 1 : NULL;
    }
}

void
symbols_add_name(struct symbol_set *set, const char *name)
{
    add_name(set, name, strlen(name));
}

static void
collect(void *ctx, const char *name, size_t len, char type)
{
    (void)type;
    add_name(ctx, name, len);
}

int
symbols_add_file(struct symbol_set *set, const char *file, int dynamic)
{
    char *text = nm_output(file, dynamic);

    if (text == NULL)
        return -1;
    each_symbol(text, collect, set);
    free(text);
    return 0;
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

struct check {
    const struct symbol_set *reserved;
    const char *source;
    char *report;
    size_t len, used;
    int refused;
};

static void
check_one(void *ctx, const char *name, size_t len, char type)
{
    struct check *c = ctx;
    char key[512];
    const char *k = key;
    const char *why = NULL;

    (void)type;
    snprintf(key, sizeof(key), "%.*s", (int)len, name);
    if (bsearch(&k, c->reserved->names, c->reserved->n, sizeof(char *),
                compare_names) != NULL)
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
    char *text = nm_output(object, 0);

    report[0] = '\0';
    if (text == NULL) {
        snprintf(report, len, "cannot read the symbols of %s with nm", source);
        return -1;
    }
    each_symbol(text, check_one, &c);
    free(text);
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
