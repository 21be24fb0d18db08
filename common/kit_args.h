/* SPDX-License-Identifier: MIT */
/**
 * @file kit_args.h
 * @brief The command line every lab program shares:
 * `-t threads -n size -s seed -r repetitions -h`.
 *
 * A program describes its options once in a struct kit_args_spec (defaults,
 * limits, what the size means); kit_args_parse() checks every value, so a
 * typo like `-t 0`, `-t four` or `-n 1e99` is refused with a usage message
 * and exit status 2 instead of running something else than was asked.
 */
#ifndef KIT_ARGS_H
#define KIT_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** The values a lab program runs with. */
struct kit_args {
    long threads;  /**< -t: worker threads (or processes), at least 1 */
    long size;     /**< -n: problem size, its meaning given by the program */
    uint64_t seed; /**< -s: seed for kit_rng_seed() */
    long reps;     /**< -r: repetitions of the measurement */
};

/** What a program accepts, and the defaults it runs with. */
struct kit_args_spec {
    const char *program;  /**< name shown in usage, e.g. "spin" */
    const char *summary;  /**< one line saying what the program does */
    const char *options;  /**< which of "tnsr" the program takes; -h always */
    long threads_default; /**< -t default */
    long threads_max;     /**< -t largest value accepted */
    long size_default;    /**< -n default */
    long size_min;        /**< -n smallest value accepted */
    long size_max;        /**< -n largest value accepted */
    const char *size_meaning; /**< what -n counts, e.g. "array elements" */
    uint64_t seed_default;    /**< -s default */
    long reps_default;        /**< -r default */
    long reps_max;            /**< -r largest value accepted */
    /** Options of the program's own beyond tnsr, in getopt's syntax
     * ("k:v:" for -k and -v with values); NULL for none. */
    const char *extra_options;
    /** Usage lines for the extra options, each ending in a newline. */
    const char *extra_usage;
    /** Called for each extra option with its value (NULL for a flag); it
     * returns false with a reason in @p err to refuse the value. */
    bool (*extra)(int option, const char *value, void *ctx, char *err,
                  size_t errlen);
    void *extra_ctx; /**< passed to @ref extra as is */
};

/** How a parse ended. */
enum kit_args_result {
    KIT_ARGS_OK,   /**< run with the values parsed */
    KIT_ARGS_HELP, /**< -h was given: print usage, exit 0 */
    KIT_ARGS_ERROR /**< bad input: the message says what was wrong */
};

/**
 * Parse @p argv against @p spec into @p out (defaults first, then the
 * options). Numbers take an optional suffix k, M or G (×10³, ×10⁶, ×10⁹).
 * Leftover operands are an error. Uses getopt, so it is not thread-safe.
 *
 * @param spec   what the program accepts
 * @param argc   argument count, as main() received it
 * @param argv   arguments, as main() received them
 * @param out    receives the values
 * @param err    receives a one-line reason on KIT_ARGS_ERROR
 * @param errlen size of @p err
 * @return how the parse ended
 */
enum kit_args_result kit_args_parse(const struct kit_args_spec *spec, int argc,
                                    char **argv, struct kit_args *out,
                                    char *err, size_t errlen);

/** Print the usage text of @p spec to @p to. */
void kit_args_usage(const struct kit_args_spec *spec, FILE *to);

/**
 * kit_args_parse() for a program's main(): on -h print usage to stdout and
 * exit 0; on bad input print the reason and usage to stderr and exit 2.
 */
void kit_args_parse_or_exit(const struct kit_args_spec *spec, int argc,
                            char **argv, struct kit_args *out);

/**
 * Parse a whole decimal number with an optional k, M or G suffix, within
 * [@p min, @p max]. Rejects empty strings, trailing junk, overflow.
 * @return true and the value in @p out, or false
 */
bool kit_parse_long(const char *text, long min, long max, long *out);

#endif
