/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: reading a bench record (see bench_record.h). */
#include "kinds/bench_record.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value of the field `key` at *p, which must read "key=VALUE" followed
 * by a space (or, for the last field, the line's end), copied to `value`;
 * *p moves past it. */
static bool
field(const char **p, const char *key, char *value, size_t size)
{
    size_t klen = strlen(key), vlen;

    if (strncmp(*p, key, klen) != 0 || (*p)[klen] != '=')
        return false;
    *p += klen + 1;
    vlen = strcspn(*p, " \n");
    if (vlen == 0 || vlen >= size)
        return false;
    memcpy(value, *p, vlen);
    value[vlen] = '\0';
    *p += vlen;
    if (**p == ' ')
        (*p)++;
    return true;
}

static bool
whole_long(const char *s, long long lo, long long hi, long long *out)
{
    char *end;

    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool
whole_double(const char *s, double *out)
{
    char *end;

    errno = 0;
    *out = strtod(s, &end);
    return end != s && *end == '\0' && errno != ERANGE;
}

int
bench_record_parse(const char *text, size_t len, struct bench_record *rec,
                   char *why, size_t whylen)
{
    static const char tag[] = "bench: ";
    const char *p = text, *nl;
    char v[KIT_BENCH_MAX_REPS * 32];
    long long x;

    memset(rec, 0, sizeof(*rec));
    if (len == 0) {
        snprintf(why, whylen, "the run handed over no result record");
        return -1;
    }
    if (strlen(text) != len) {
        snprintf(why, whylen, "the result channel held a NUL byte");
        return -1;
    }
    nl = strchr(text, '\n');
    if (nl == NULL || strncmp(text, tag, sizeof(tag) - 1) != 0) {
        snprintf(why, whylen,
                 "the result channel held something that is "
                 "not a record");
        return -1;
    }
    if (nl[1] != '\0') {
        snprintf(why, whylen,
                 "the result channel held more than one record: the "
                 "harness writes exactly one");
        return -1;
    }
    p += sizeof(tag) - 1;
#define FIELD(key)                                                             \
    if (!field(&p, key, v, sizeof(v)))                                         \
        goto malformed;
    if (!field(&p, "kernel", rec->kernel, sizeof(rec->kernel)) ||
        !field(&p, "variant", rec->variant, sizeof(rec->variant)))
        goto malformed;
    FIELD("threads");
    if (!whole_long(v, 1, 1 << 20, &x))
        goto malformed;
    rec->threads = (long)x;
    FIELD("n");
    if (!whole_long(v, 1, 4000000000LL, &x))
        goto malformed;
    rec->n = (long)x;
    FIELD("reps");
    if (!whole_long(v, 1, KIT_BENCH_MAX_REPS, &x))
        goto malformed;
    rec->reps = (long)x;
    FIELD("seed");
    {
        char *end;
        errno = 0;
        unsigned long long s = strtoull(v, &end, 10);
        if (errno != 0 || *end != '\0' || v[0] == '-')
            goto malformed;
        rec->seed = (uint64_t)s;
    }
    FIELD("wall_ns");
    if (!whole_long(v, 1, 1LL << 62, &x))
        goto malformed;
    rec->wall_ns = x;
    FIELD("cpu_ns");
    if (!whole_long(v, 0, 1LL << 62, &x))
        goto malformed;
    rec->cpu_ns = x;
    FIELD("bound");
    if (!whole_double(v, &rec->bound) || !(rec->bound >= 0))
        goto malformed;
    FIELD("results");
#undef FIELD
    if (p != nl)
        goto malformed;
    for (char *r = v, *comma; r != NULL; r = comma) {
        comma = strchr(r, ',');
        if (comma != NULL)
            *comma++ = '\0';
        if (rec->nresults >= KIT_BENCH_MAX_REPS ||
            !whole_double(r, &rec->results[rec->nresults]))
            goto malformed;
        rec->nresults++;
    }
    return 0;

malformed:
    snprintf(why, whylen, "the result record is malformed: %.*s",
             (int)(nl - text > 160 ? 160 : nl - text), text);
    return -1;
}

int
bench_record_check(const struct bench_record *rec, const char *kernel,
                   const char *variant, long threads, long n, long reps,
                   uint64_t seed, char *why, size_t whylen)
{
    if (strcmp(rec->kernel, kernel) != 0 || strcmp(rec->variant, variant) != 0)
        snprintf(why, whylen,
                 "the record is of kernel %s, variant %s: the grader ran %s, "
                 "%s",
                 rec->kernel, rec->variant, kernel, variant);
    else if (rec->threads != threads || rec->n != n || rec->reps != reps)
        snprintf(why, whylen,
                 "the record says %ld threads, n = %ld, %ld repetitions: the "
                 "grader asked for %ld, %ld, %ld",
                 rec->threads, rec->n, rec->reps, threads, n, reps);
    else if (rec->seed != seed)
        snprintf(why, whylen,
                 "the record is of seed %llu: the grader gave seed %llu",
                 (unsigned long long)rec->seed, (unsigned long long)seed);
    else if (rec->nresults != reps)
        snprintf(why, whylen,
                 "the record holds %ld results for %ld repetitions",
                 rec->nresults, reps);
    else
        return 0;
    return -1;
}
