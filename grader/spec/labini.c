/* SPDX-License-Identifier: MIT */
/* The grader's lab spec: reading lab.ini with inih (see labini.h). */
#include "spec/labini.h"
#include "base/files.h"
#include "kit_args.h"

#include <errno.h>

#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parse {
    struct lab_spec *spec;
    char *err;
    size_t errlen;
};

/* In the order of the `given` bits. */
const char *const labini_test_keys[] = {
    "kind",      "points",      "tcase",   "timeout", "bench",
    "kernel",    "calibration", "threads", "target",  "size",
    "skip",      "duration_ms", "rounds",  "program", "args",
    "max_cores", "visibility",  "unit",    "workers", "startup",
    NULL,
};

const char *const labini_workers[] = {"threads", "processes", "ranks", NULL};

const char *const labini_visibilities[] = {
    "visible", "hidden", "after_due_date", "after_published", NULL};

static int
key_index(const char *key)
{
    for (int i = 0; labini_test_keys[i] != NULL; i++)
        if (strcmp(labini_test_keys[i], key) == 0)
            return i;
    return -1;
}

bool
labini_given(const struct test_spec *test, const char *key)
{
    int i = key_index(key);

    return i >= 0 && (test->given & (1UL << i)) != 0;
}

static char *
dup_or_die(const char *s)
{
    char *d = strdup(s);

    if (d == NULL) {
        fprintf(stderr, "grader: out of memory\n");
        exit(2);
    }
    return d;
}

/* Replace *field with a copy of value. */
static void
set_string(char **field, const char *value)
{
    free(*field);
    *field = dup_or_die(value);
}

/* A section `test "name"` gives the name; anything else is not a test. */
static bool
test_section_name(const char *section, char *name, size_t len)
{
    size_t n = strlen(section);

    if (strncmp(section, "test \"", 6) != 0 || n < 8 || section[n - 1] != '"')
        return false;
    snprintf(name, len, "%.*s", (int)(n - 7), section + 6);
    return true;
}

static struct test_spec *
test_for(struct parse *p, const char *name)
{
    struct lab_spec *c = p->spec;

    if (c->ntests > 0 && strcmp(c->tests[c->ntests - 1].name, name) == 0)
        return &c->tests[c->ntests - 1];
    for (int i = 0; i < c->ntests; i++)
        if (strcmp(c->tests[i].name, name) == 0)
            return NULL; /* the same name twice: refused by the caller */
    struct test_spec *grown =
        realloc(c->tests, (size_t)(c->ntests + 1) * sizeof(*grown));
    if (grown == NULL)
        return NULL;
    c->tests = grown;
    struct test_spec *t = &c->tests[c->ntests++];
    memset(t, 0, sizeof(*t));
    t->name = dup_or_die(name);
    t->points = -1; /* required */
    t->timeout = 30;
    t->visibility = "visible";
    t->target = 0.8;
    t->duration_ms = 150;
    t->min_rounds = 5;
    t->max_rounds = 12;
    t->calibration = KIT_CALIBRATION_COMPUTE;
    return t;
}

static bool
parse_double(const char *text, double min, double max, double *out)
{
    char *end;
    double v = strtod(text, &end);

    if (end == text || *end != '\0' || !isfinite(v) || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static bool
parse_threads(const char *text, struct test_spec *t)
{
    char buf[256];

    snprintf(buf, sizeof(buf), "%s", text);
    t->nthreads = 0;
    for (char *tok = strtok(buf, ", "); tok != NULL; tok = strtok(NULL, ", ")) {
        long v;
        if (t->nthreads == LABINI_MAX_THREADS ||
            !kit_parse_long(tok, 1, 4096, &v))
            return false;
        t->threads[t->nthreads++] = (int)v;
    }
    return t->nthreads > 0;
}

/* "5-12": at least 5 rounds, at most 12. */
static bool
parse_rounds(const char *text, struct test_spec *t)
{
    long lo, hi;
    char buf[64];
    char *dash;

    snprintf(buf, sizeof(buf), "%s", text);
    dash = strchr(buf, '-');
    if (dash == NULL)
        return false;
    *dash = '\0';
    if (!kit_parse_long(buf, 3, 1000, &lo) ||
        !kit_parse_long(dash + 1, lo, 1000, &hi))
        return false;
    t->min_rounds = (int)lo;
    t->max_rounds = (int)hi;
    return true;
}

/* Refuse the key: ini_parse then returns the line number of the first
 * refusal, and only the first reason is kept to match it. */
#define FAIL(...)                                                              \
    do {                                                                       \
        if (p->err[0] == '\0')                                                 \
            snprintf(p->err, p->errlen, __VA_ARGS__);                          \
        return 0;                                                              \
    } while (0)

static int
on_lab_key(struct parse *p, const char *name, const char *value)
{
    struct lab_spec *c = p->spec;

    if (strcmp(name, "title") == 0) {
        set_string(&c->title, value);
    } else if (strcmp(name, "submit") == 0) {
        char buf[512];
        snprintf(buf, sizeof(buf), "%s", value);
        for (char *f = strtok(buf, ", "); f != NULL; f = strtok(NULL, ", ")) {
            size_t len = strlen(f);
            /* A submit file is a plain name in the lab folder: a path could
             * let a submission overwrite kit files. */
            if (strchr(f, '/') != NULL || f[0] == '.' || len < 3 ||
                strcmp(f + len - 2, ".c") != 0 ||
                c->nsubmit == LABINI_MAX_SUBMIT)
                FAIL("submit file '%s' must be the plain name of a .c file "
                     "(at most %d files)",
                     f, LABINI_MAX_SUBMIT);
            c->submit[c->nsubmit++] = dup_or_die(f);
        }
    } else {
        FAIL("unknown key '%s' in [lab]", name);
    }
    return 1;
}

static int
on_test_key(struct parse *p, struct test_spec *t, const char *name,
            const char *value)
{
    int index = key_index(name);

    if (index < 0)
        FAIL("unknown key '%s' in test \"%s\"", name, t->name);
    if (t->given & (1UL << index))
        FAIL("%s given twice in test \"%s\"", name, t->name);
    t->given |= 1UL << index;
    if (strcmp(name, "kind") == 0) {
        set_string(&t->kind_name, value);
    } else if (strcmp(name, "points") == 0) {
        if (!parse_double(value, 0, 1e6, &t->points))
            FAIL("points = %s is not a number from 0 up", value);
    } else if (strcmp(name, "tcase") == 0) {
        set_string(&t->tcase, value);
    } else if (strcmp(name, "timeout") == 0) {
        if (!parse_double(value, 1, 3600, &t->timeout))
            FAIL("timeout = %s is not 1 to 3600 seconds", value);
    } else if (strcmp(name, "visibility") == 0) {
        int v = 0;
        while (labini_visibilities[v] != NULL &&
               strcmp(labini_visibilities[v], value) != 0)
            v++;
        if (labini_visibilities[v] == NULL)
            FAIL("visibility = %s is not visible, hidden, after_due_date or "
                 "after_published",
                 value);
        t->visibility = labini_visibilities[v];
    } else if (strcmp(name, "bench") == 0 || strcmp(name, "program") == 0) {
        if (strchr(value, '/') != NULL || value[0] == '.')
            FAIL("%s = %s must be a program of the lab, by name", name, value);
        set_string(name[0] == 'b' ? &t->bench : &t->program, value);
    } else if (strcmp(name, "kernel") == 0) {
        set_string(&t->kernel, value);
    } else if (strcmp(name, "unit") == 0) {
        if (value[0] == '\0' || strlen(value) > 32 || strchr(value, ' '))
            FAIL("unit = %s is not one word, like task", value);
        set_string(&t->unit, value);
    } else if (strcmp(name, "workers") == 0) {
        int w = 0;
        while (labini_workers[w] != NULL && strcmp(labini_workers[w], value))
            w++;
        if (labini_workers[w] == NULL)
            FAIL("workers = %s is not threads, processes or ranks", value);
        t->workers = labini_workers[w];
    } else if (strcmp(name, "startup") == 0) {
        if (strcmp(value, "included") != 0 && strcmp(value, "excluded") != 0)
            FAIL("startup = %s is not included or excluded", value);
        t->startup_excluded = strcmp(value, "excluded") == 0;
    } else if (strcmp(name, "calibration") == 0) {
        if (!kit_calibration_parse(value, &t->calibration))
            FAIL("calibration = %s is not compute or memory", value);
    } else if (strcmp(name, "threads") == 0) {
        if (!parse_threads(value, t))
            FAIL("threads = %s is not a list like 2,4,8", value);
    } else if (strcmp(name, "target") == 0) {
        if (!parse_double(value, 0.01, 2, &t->target))
            FAIL("target = %s is not a ratio from 0.01 to 2", value);
    } else if (strcmp(name, "size") == 0) {
        if (!kit_parse_long(value, 1, 4000000000L, &t->size))
            FAIL("size = %s is not a whole number (k, M, G allowed)", value);
    } else if (strcmp(name, "skip") == 0) {
        if (strcmp(value, "award") != 0 && strcmp(value, "hold") != 0)
            FAIL("skip = %s is not award or hold", value);
        t->skip_awards = strcmp(value, "award") == 0;
    } else if (strcmp(name, "duration_ms") == 0) {
        if (!parse_double(value, 10, 10000, &t->duration_ms))
            FAIL("duration_ms = %s is not 10 to 10000", value);
    } else if (strcmp(name, "rounds") == 0) {
        if (!parse_rounds(value, t))
            FAIL("rounds = %s is not MIN-MAX with 3 <= MIN <= MAX, like 5-12",
                 value);
    } else if (strcmp(name, "args") == 0) {
        set_string(&t->args, value);
    } else if (strcmp(name, "max_cores") == 0) {
        if (!parse_double(value, 0.001, 1024, &t->max_cores))
            FAIL("max_cores = %s is not a number of cores above 0", value);
    }
    return 1;
}

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
    struct parse *p = user;
    char test_name[256];

    if (strcmp(section, "lab") == 0)
        return on_lab_key(p, name, value);
    if (strncmp(section, "test \"", 6) == 0 &&
        section[strlen(section) - 1] != '"')
        FAIL("[%s...]: a test's name is cut after %d characters; shorten it",
             section, (int)strlen(section) - 6);
    if (!test_section_name(section, test_name, sizeof(test_name)))
        FAIL("unknown section [%s]; sections are [lab] and "
             "[test \"name\"]",
             section);
    struct test_spec *t = test_for(p, test_name);
    if (t == NULL)
        FAIL("test \"%s\" appears twice", test_name);
    return on_test_key(p, t, name, value);
}

/* What every test needs once the file is read; a kind's own keys are the
 * kinds table's to check. */
static int
validate(struct lab_spec *c, char *err, size_t errlen)
{
    if (c->title == NULL || c->nsubmit == 0) {
        snprintf(err, errlen, "[lab] needs a title and submit files");
        return -1;
    }
    if (c->ntests == 0) {
        snprintf(err, errlen, "no [test \"...\"] sections");
        return -1;
    }
    for (int i = 0; i < c->ntests; i++) {
        struct test_spec *t = &c->tests[i];
        if (t->kind_name == NULL) {
            snprintf(err, errlen, "test \"%s\" has no kind", t->name);
            return -1;
        }
        if (t->points < 0) {
            snprintf(err, errlen, "test \"%s\" has no points", t->name);
            return -1;
        }
    }
    return 0;
}

int
labini_read(const char *path, struct lab_spec *out, char *err, size_t errlen)
{
    struct parse p = {.spec = out};
    char why[512] = "";
    char *text;
    int rc;

    memset(out, 0, sizeof(*out));
    p.err = why;
    p.errlen = sizeof(why);
    /* Parsed from memory, so that the hash is of the very bytes read. */
    text = read_small_file(path, LABINI_MAX_BYTES);
    if (text == NULL) {
        snprintf(err, errlen, "%s: cannot open: %s", path,
                 errno == EFBIG ? "larger than a lab.ini can be"
                                : strerror(errno));
        goto fail;
    }
    bytes_sha256(text, strlen(text), out->sha256);
    rc = ini_parse_string(text, on_key, &p);
    free(text);
    if (rc == -2) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto fail;
    }
    if (rc > 0) {
        if (why[0] != '\0')
            snprintf(err, errlen, "%s:%d: %s", path, rc, why);
        else
            snprintf(err, errlen, "%s: line %d cannot be read", path, rc);
        goto fail;
    }
    if (validate(out, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        goto fail;
    }
    return 0;
fail:
    labini_free(out);
    return -1;
}

void
labini_free(struct lab_spec *c)
{
    free(c->title);
    for (int i = 0; i < c->nsubmit; i++)
        free(c->submit[i]);
    for (int i = 0; i < c->ntests; i++)
        labini_free_test(&c->tests[i]);
    free(c->tests);
    memset(c, 0, sizeof(*c));
}

void
labini_free_test(struct test_spec *t)
{
    free(t->name);
    free(t->kind_name);
    free(t->tcase);
    free(t->bench);
    free(t->kernel);
    free(t->unit);
    free(t->program);
    free(t->args);
    memset(t, 0, sizeof(*t));
}
