/* SPDX-License-Identifier: MIT */
/* libkit: the shared command line of lab programs. */
#include "kit_args.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool
kit_parse_long(const char *text, long min, long max, long *out)
{
    char *end;
    long value, scale = 1;

    if (text == NULL || *text == '\0')
        return false;
    errno = 0;
    value = strtol(text, &end, 10);
    if (errno != 0 || end == text)
        return false;
    switch (*end) {
    case 'k':
        scale = 1000L;
        end++;
        break;
    case 'M':
        scale = 1000000L;
        end++;
        break;
    case 'G':
        scale = 1000000000L;
        end++;
        break;
    default:
        break;
    }
    if (*end != '\0')
        return false;
    if (value > LONG_MAX / scale || value < LONG_MIN / scale)
        return false;
    value *= scale;
    if (value < min || value > max)
        return false;
    *out = value;
    return true;
}

static bool
takes(const struct kit_args_spec *spec, char option)
{
    return strchr(spec->options, option) != NULL;
}

void
kit_args_usage(const struct kit_args_spec *spec, FILE *to)
{
    fprintf(to, "usage: %s [-h]%s%s%s%s%s\n", spec->program,
            spec->extra_options != NULL ? " [options]" : "",
            takes(spec, 't') ? " [-t threads]" : "",
            takes(spec, 'n') ? " [-n size]" : "",
            takes(spec, 's') ? " [-s seed]" : "",
            takes(spec, 'r') ? " [-r repetitions]" : "");
    fprintf(to, "%s\n\n", spec->summary);
    if (takes(spec, 't'))
        fprintf(to,
                "  -t threads      threads to use, 1 to %ld (default %ld)\n",
                spec->threads_max, spec->threads_default);
    if (takes(spec, 'n'))
        fprintf(to, "  -n size         %s, %ld to %ld (default %ld)\n",
                spec->size_meaning, spec->size_min, spec->size_max,
                spec->size_default);
    if (takes(spec, 's'))
        fprintf(to, "  -s seed         random seed (default %llu)\n",
                (unsigned long long)spec->seed_default);
    if (takes(spec, 'r'))
        fprintf(to,
                "  -r repetitions  times to repeat, 1 to %ld (default %ld)\n",
                spec->reps_max, spec->reps_default);
    if (spec->extra_usage != NULL)
        fputs(spec->extra_usage, to);
    fprintf(to, "  -h              show this help\n");
    if (takes(spec, 'n') || takes(spec, 't') || takes(spec, 'r'))
        fprintf(to, "Numbers take a suffix k, M or G (thousand, million, "
                    "billion): -n 10M.\n");
}

enum kit_args_result
kit_args_parse(const struct kit_args_spec *spec, int argc, char **argv,
               struct kit_args *out, char *err, size_t errlen)
{
    char optstring[64] = ":h";
    long value;
    int opt;

    out->threads = spec->threads_default;
    out->size = spec->size_default;
    out->seed = spec->seed_default;
    out->reps = spec->reps_default;
    for (const char *o = "tnsr"; *o != '\0'; o++) {
        if (takes(spec, *o)) {
            size_t len = strlen(optstring);
            optstring[len] = *o;
            optstring[len + 1] = ':';
            optstring[len + 2] = '\0';
        }
    }
    if (spec->extra_options != NULL)
        strncat(optstring, spec->extra_options,
                sizeof(optstring) - strlen(optstring) - 1);

        /* getopt keeps its position in globals; start over on every call
         * (glibc needs 0 to also forget a half-parsed option cluster). */
#ifdef __GLIBC__
    optind = 0;
#else
    optind = 1;
#endif
    opterr = 0; /* the messages below say more than getopt's own */
    while ((opt = getopt(argc, argv, optstring)) != -1) {
        /* A letter of tnsr the program did not take but declared as its
         * own extra option is the program's to read. */
        if (strchr("tnsr", opt) != NULL && !takes(spec, (char)opt)) {
            if (spec->extra != NULL &&
                spec->extra(opt, optarg, spec->extra_ctx, err, errlen))
                continue;
            return KIT_ARGS_ERROR;
        }
        switch (opt) {
        case 'h':
            return KIT_ARGS_HELP;
        case 't':
            if (!kit_parse_long(optarg, 1, spec->threads_max, &value)) {
                snprintf(err, errlen,
                         "-t %s: threads must be a whole number from 1 to %ld",
                         optarg, spec->threads_max);
                return KIT_ARGS_ERROR;
            }
            out->threads = value;
            break;
        case 'n':
            if (!kit_parse_long(optarg, spec->size_min, spec->size_max,
                                &value)) {
                snprintf(err, errlen,
                         "-n %s: %s must be a whole number from %ld to %ld",
                         optarg, spec->size_meaning, spec->size_min,
                         spec->size_max);
                return KIT_ARGS_ERROR;
            }
            out->size = value;
            break;
        case 's': {
            char *end;

            errno = 0;
            unsigned long long seed = strtoull(optarg, &end, 0);
            if (errno != 0 || end == optarg || *end != '\0' ||
                optarg[0] == '-') {
                snprintf(err, errlen,
                         "-s %s: the seed must be a non-negative whole number",
                         optarg);
                return KIT_ARGS_ERROR;
            }
            out->seed = seed;
            break;
        }
        case 'r':
            if (!kit_parse_long(optarg, 1, spec->reps_max, &value)) {
                snprintf(err, errlen,
                         "-r %s: repetitions must be a whole number from 1 to "
                         "%ld",
                         optarg, spec->reps_max);
                return KIT_ARGS_ERROR;
            }
            out->reps = value;
            break;
        case ':':
            snprintf(err, errlen, "-%c needs a value", optopt);
            return KIT_ARGS_ERROR;
        case '?':
            snprintf(err, errlen, "unknown option -%c", optopt);
            return KIT_ARGS_ERROR;
        default:
            if (spec->extra != NULL &&
                spec->extra(opt, optarg, spec->extra_ctx, err, errlen))
                break;
            if (spec->extra != NULL)
                return KIT_ARGS_ERROR;
            snprintf(err, errlen, "unknown option -%c", optopt);
            return KIT_ARGS_ERROR;
        }
    }
    if (optind < argc) {
        snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
        return KIT_ARGS_ERROR;
    }
    return KIT_ARGS_OK;
}

void
kit_args_parse_or_exit(const struct kit_args_spec *spec, int argc, char **argv,
                       struct kit_args *out)
{
    char err[256];

    switch (kit_args_parse(spec, argc, argv, out, err, sizeof(err))) {
    case KIT_ARGS_OK:
        return;
    case KIT_ARGS_HELP:
        kit_args_usage(spec, stdout);
        exit(EXIT_SUCCESS);
    case KIT_ARGS_ERROR:
        break;
    }
    fprintf(stderr, "%s: %s\n", spec->program, err);
    kit_args_usage(spec, stderr);
    exit(2);
}
