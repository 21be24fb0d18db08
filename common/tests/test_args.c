/* SPDX-License-Identifier: MIT */
/* Unit tests of kit_args: every value checked, bad input refused with exit 2.
 */
#include "kit_args.h"
#include "suites.h"

#include <string.h>

static const struct kit_args_spec spec = {
    .program = "demo",
    .summary = "a program to test the parser with",
    .options = "tnsr",
    .threads_default = 4,
    .threads_max = 1024,
    .size_default = 1000,
    .size_min = 1,
    .size_max = 1000000000,
    .size_meaning = "elements",
    .seed_default = 1,
    .reps_default = 3,
    .reps_max = 1000,
};

/* Parse a command line given as one string of space-separated words. */
static enum kit_args_result
parse(const char *line, struct kit_args *out, char *err, size_t errlen)
{
    static char buf[256];
    char *argv[32];
    int argc = 0;

    snprintf(buf, sizeof(buf), "%s", line);
    for (char *w = strtok(buf, " "); w != NULL && argc < 31;
         w = strtok(NULL, " "))
        argv[argc++] = w;
    argv[argc] = NULL;
    return kit_args_parse(&spec, argc, argv, out, err, errlen);
}

START_TEST(defaults_when_no_options)
{
    struct kit_args a;
    char err[128];

    ck_assert_int_eq(parse("demo", &a, err, sizeof(err)), KIT_ARGS_OK);
    ck_assert_int_eq(a.threads, 4);
    ck_assert_int_eq(a.size, 1000);
    ck_assert_uint_eq(a.seed, 1);
    ck_assert_int_eq(a.reps, 3);
}
END_TEST

START_TEST(every_option_read)
{
    struct kit_args a;
    char err[128];

    ck_assert_int_eq(
        parse("demo -t 8 -n 10M -s 12345 -r 7", &a, err, sizeof(err)),
        KIT_ARGS_OK);
    ck_assert_int_eq(a.threads, 8);
    ck_assert_int_eq(a.size, 10000000);
    ck_assert_uint_eq(a.seed, 12345);
    ck_assert_int_eq(a.reps, 7);
    ck_assert_int_eq(parse("demo -n2k -t16", &a, err, sizeof(err)),
                     KIT_ARGS_OK);
    ck_assert_int_eq(a.size, 2000);
    ck_assert_int_eq(a.threads, 16);
}
END_TEST

START_TEST(parse_twice_starts_over)
{
    struct kit_args a;
    char err[128];

    ck_assert_int_eq(parse("demo -t 2", &a, err, sizeof(err)), KIT_ARGS_OK);
    ck_assert_int_eq(parse("demo -t 3", &a, err, sizeof(err)), KIT_ARGS_OK);
    ck_assert_int_eq(a.threads, 3);
}
END_TEST

START_TEST(help_is_not_an_error)
{
    struct kit_args a;
    char err[128];

    ck_assert_int_eq(parse("demo -h", &a, err, sizeof(err)), KIT_ARGS_HELP);
}
END_TEST

/* Each bad command line, and a word its message must contain. */
static const struct {
    const char *line;
    const char *says;
} bad[] = {
    {"demo -t 0", "-t 0: threads"},
    {"demo -t -3", "threads must be"},
    {"demo -t four", "-t four"},
    {"demo -t 4x", "-t 4x"},
    {"demo -t 2000", "1 to 1024"},
    {"demo -n 0", "elements must be"},
    {"demo -n 2G", "-n 2G"},
    {"demo -n 99999999999999999999", "-n 9999"},
    {"demo -n 1e9", "-n 1e9"},
    {"demo -n", "-n needs a value"},
    {"demo -s -1", "seed"},
    {"demo -s abc", "seed"},
    {"demo -r 0", "repetitions"},
    {"demo -x", "unknown option -x"},
    {"demo extra", "unexpected argument 'extra'"},
};

START_TEST(bad_input_refused_with_reason)
{
    struct kit_args a;
    char err[256] = "";

    ck_assert_int_eq(parse(bad[_i].line, &a, err, sizeof(err)), KIT_ARGS_ERROR);
    ck_assert_msg(strstr(err, bad[_i].says) != NULL,
                  "'%s' gave the message '%s', expected it to contain '%s'",
                  bad[_i].line, err, bad[_i].says);
}
END_TEST

START_TEST(options_not_taken_are_unknown)
{
    static const struct kit_args_spec only_t = {
        .program = "t-only",
        .summary = "",
        .options = "t",
        .threads_default = 1,
        .threads_max = 8,
    };
    char *argv[] = {"t-only", "-n", "5", NULL};
    struct kit_args a;
    char err[128];

    ck_assert_int_eq(kit_args_parse(&only_t, 3, argv, &a, err, sizeof(err)),
                     KIT_ARGS_ERROR);
    ck_assert_ptr_nonnull(strstr(err, "unknown option -n"));
}
END_TEST

/* An extra option -k taking a kernel name, as a bench program has. */
static bool
kernel_option(int option, const char *value, void *ctx, char *err,
              size_t errlen)
{
    if (option != 'k' || strcmp(value, "sum") != 0) {
        snprintf(err, errlen, "-%c %s: no such kernel", option, value);
        return false;
    }
    *(const char **)ctx = value;
    return true;
}

START_TEST(extra_options_reach_the_program)
{
    const char *kernel = NULL;
    struct kit_args_spec with_k = spec;
    struct kit_args a;
    char err[128];

    with_k.extra_options = "k:";
    with_k.extra = kernel_option;
    with_k.extra_ctx = &kernel;
    char *good[] = {"demo", "-k", "sum", "-t", "2", NULL};
    ck_assert_int_eq(kit_args_parse(&with_k, 5, good, &a, err, sizeof(err)),
                     KIT_ARGS_OK);
    ck_assert_str_eq(kernel, "sum");
    ck_assert_int_eq(a.threads, 2);
    char *bad_value[] = {"demo", "-k", "max", NULL};
    ck_assert_int_eq(
        kit_args_parse(&with_k, 3, bad_value, &a, err, sizeof(err)),
        KIT_ARGS_ERROR);
    ck_assert_ptr_nonnull(strstr(err, "no such kernel"));
    char *unknown[] = {"demo", "-q", NULL};
    ck_assert_int_eq(kit_args_parse(&with_k, 2, unknown, &a, err, sizeof(err)),
                     KIT_ARGS_ERROR);
    ck_assert_ptr_nonnull(strstr(err, "unknown option -q"));
}
END_TEST

START_TEST(parse_or_exit_exits_2_on_bad_input)
{
    char *argv[] = {"demo", "-t", "zero", NULL};
    struct kit_args a;

    ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));

    kit_args_parse_or_exit(&spec, 3, argv, &a);
}
END_TEST

START_TEST(parse_or_exit_exits_0_on_help)
{
    char *argv[] = {"demo", "-h", NULL};
    struct kit_args a;

    ck_assert_ptr_nonnull(freopen("/dev/null", "w", stdout));

    kit_args_parse_or_exit(&spec, 2, argv, &a);
}
END_TEST

START_TEST(parse_long_limits)
{
    long v;

    ck_assert(kit_parse_long("9223372036854775807", 0, __LONG_MAX__, &v));
    ck_assert_int_eq(v, __LONG_MAX__);
    ck_assert(!kit_parse_long("9223372036854775808", 0, __LONG_MAX__, &v));
    ck_assert(!kit_parse_long("10000000000G", 0, __LONG_MAX__, &v));
    ck_assert(!kit_parse_long("", 0, 10, &v));
    ck_assert(!kit_parse_long(" ", 0, 10, &v));
    ck_assert(!kit_parse_long("5 ", 0, 10, &v));
    ck_assert(kit_parse_long("-5", -10, 10, &v));
    ck_assert_int_eq(v, -5);
}
END_TEST

Suite *
args_suite(void)
{
    Suite *s = suite_create("args");
    TCase *good = tcase_create("good input");
    TCase *badc = tcase_create("bad input");

    tcase_add_test(good, defaults_when_no_options);
    tcase_add_test(good, every_option_read);
    tcase_add_test(good, parse_twice_starts_over);
    tcase_add_test(good, help_is_not_an_error);
    tcase_add_test(good, parse_long_limits);
    tcase_add_test(good, extra_options_reach_the_program);
    tcase_add_exit_test(good, parse_or_exit_exits_0_on_help, 0);
    tcase_add_loop_test(badc, bad_input_refused_with_reason, 0,
                        (int)(sizeof(bad) / sizeof(bad[0])));
    tcase_add_test(badc, options_not_taken_are_unknown);
    tcase_add_exit_test(badc, parse_or_exit_exits_2_on_bad_input, 2);
    suite_add_tcase(s, good);
    suite_add_tcase(s, badc);
    return s;
}
