/* SPDX-License-Identifier: MIT */
/* Unit tests of lab.ini reading: every key, and every mistake refused with
 * the file and line. */
#include "kinds/kinds.h"
#include "spec/catalogue.h"
#include "spec/labini.h"
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];

static void
write_ini(const char *text)
{
    FILE *f;

    snprintf(path, sizeof(path), "/tmp/kit-labini-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void
remove_ini(void)
{
    unlink(path);
}

/* lab.ini as grading reads it: the file, then each test's kind. */
static int
read_bound(struct lab_spec *c, char *err, size_t errlen)
{
    char why[400];

    if (labini_read(path, c, err, errlen) != 0)
        return -1;
    if (kinds_bind(c, why, sizeof(why)) == 0)
        return 0;
    snprintf(err, errlen, "%s: %s", path, why);
    labini_free(c);
    return -1;
}

static const char *good = "; a comment\n"
                          "[lab]\n"
                          "title  = Threads: divide and conquer\n"
                          "submit = parallel.c helper.c   ; the files\n"
                          "\n"
                          "[test \"results\"]\n"
                          "kind   = check\n"
                          "tcase  = integrate\n"
                          "points = 40\n"
                          "timeout = 30\n"
                          "\n"
                          "[test \"races\"]\n"
                          "kind = tsan\n"
                          "points = 20\n"
                          "\n"
                          "[test \"speedup\"]\n"
                          "kind = speedup\n"
                          "bench = bench\n"
                          "kernel = dot\n"
                          "calibration = memory\n"
                          "threads = 2,4, 8\n"
                          "target = 0.7\n"
                          "size = 20M\n"
                          "skip = award\n"
                          "duration_ms = 150\n"
                          "rounds = 4-9\n"
                          "unit = item\n"
                          "workers = ranks\n"
                          "startup = excluded\n"
                          "points = 40\n"
                          "\n"
                          "[test \"waits\"]\n"
                          "kind = busywait\n"
                          "program = waiter\n"
                          "args = -t 4 -n 8\n"
                          "max_cores = 0.25\n"
                          "points = 5\n"
                          "\n"
                          "[test \"reaps\"]\n"
                          "kind = leftovers\n"
                          "tcase = pool\n"
                          "points = 5\n"
                          "visibility = after_published\n";

START_TEST(reads_every_key)
{
    struct lab_spec c;
    char err[512] = "";

    write_ini(good);
    ck_assert_msg(read_bound(&c, err, sizeof(err)) == 0, "%s", err);
    ck_assert_str_eq(c.title, "Threads: divide and conquer");
    ck_assert_int_eq(c.nsubmit, 2);
    ck_assert_str_eq(c.submit[0], "parallel.c");
    ck_assert_str_eq(c.submit[1], "helper.c");
    ck_assert_int_eq(c.ntests, 5);
    ck_assert_ptr_eq(c.tests[3].kind, kinds_find("busywait"));
    ck_assert_str_eq(c.tests[3].program, "waiter");
    ck_assert_str_eq(c.tests[3].args, "-t 4 -n 8");
    ck_assert_double_eq_tol(c.tests[3].max_cores, 0.25, 1e-12);
    ck_assert_ptr_eq(c.tests[4].kind, kinds_find("leftovers"));
    ck_assert_str_eq(c.tests[4].tcase, "pool");
    ck_assert_str_eq(c.tests[4].visibility, "after_published");
    ck_assert_str_eq(c.tests[0].visibility, "visible");
    ck_assert_str_eq(c.tests[0].name, "results");
    ck_assert_ptr_eq(c.tests[0].kind, kinds_find("check"));
    ck_assert_str_eq(c.tests[0].kind->flavour, "release");
    ck_assert_str_eq(c.tests[0].tcase, "integrate");
    ck_assert_double_eq(c.tests[0].points, 40);
    ck_assert_double_eq(c.tests[0].timeout, 30);
    ck_assert_ptr_eq(c.tests[1].kind, kinds_find("tsan"));
    ck_assert_str_eq(c.tests[1].kind->flavour, "tsan");
    ck_assert_ptr_null(c.tests[1].tcase);
    const struct test_spec *s = &c.tests[2];
    ck_assert_ptr_eq(s->kind, kinds_find("speedup"));
    ck_assert(s->kind->alone);
    ck_assert_str_eq(s->bench, "bench");
    ck_assert_str_eq(s->kernel, "dot");
    ck_assert_int_eq(s->calibration, KIT_CALIBRATION_MEMORY);
    ck_assert_int_eq(s->nthreads, 3);
    ck_assert_int_eq(s->threads[2], 8);
    ck_assert_double_eq_tol(s->target, 0.7, 1e-12);
    ck_assert_int_eq(s->size, 20000000);
    ck_assert(s->skip_awards);
    ck_assert_double_eq(s->duration_ms, 150);
    ck_assert_int_eq(s->min_rounds, 4);
    ck_assert_int_eq(s->max_rounds, 9);
    ck_assert_str_eq(s->unit, "item");
    ck_assert_ptr_null(c.tests[0].unit);
    ck_assert_str_eq(s->workers, "ranks");
    ck_assert(s->startup_excluded);
    ck_assert_ptr_null(c.tests[0].workers);
    ck_assert(!c.tests[0].startup_excluded);
    labini_free(&c);
}
END_TEST

START_TEST(kit_labs_are_valid)
{
    /* The lab.ini files of the kit itself must read cleanly, kinds and
     * all, and each lab folder's top must hold exactly its submit files. */
    struct catalogue cat;
    char err[1024];
    struct lab_spec c;

    ck_assert_msg(catalogue_open(&cat, KIT_ROOT, err, sizeof(err)) == 0, "%s",
                  err);
    ck_assert_uint_ge(cat.nlabs, 4);
    for (size_t i = 0; i < cat.nlabs; i++) {
        ck_assert_msg(kinds_read_lab(&cat, cat.labs[i], &c, err, sizeof(err)) ==
                          0,
                      "%s", err);
        ck_assert_int_gt(c.ntests, 0);
        labini_free(&c);
    }
    catalogue_close(&cat);
}
END_TEST

START_TEST(lab_names_found_by_number)
{
    struct catalogue cat;
    char err[1024];

    ck_assert(catalogue_open(&cat, KIT_ROOT, err, sizeof(err)) == 0);
    ck_assert_str_eq(catalogue_find(&cat, "2", err, sizeof(err)), "02-threads");
    ck_assert_str_eq(catalogue_find(&cat, "02", err, sizeof(err)),
                     "02-threads");
    ck_assert_str_eq(catalogue_find(&cat, "02-threads", err, sizeof(err)),
                     "02-threads");
    ck_assert_ptr_null(catalogue_find(&cat, "99", err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "no lab '99'; the labs are: 01-cores"));
    ck_assert_ptr_null(catalogue_find(&cat, "threads", err, sizeof(err)));
    catalogue_close(&cat);
}
END_TEST

/* A broken lab.ini, and what its message must say. */
static const struct {
    const char *text;
    const char *says;
} bad[] = {
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"t\"]\nkind = chek\npoints = 1\n",
     "unknown kind 'chek' (check, tsan, asan, leftovers, speedup, busywait)"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"t\"]\nkind = check\npoints = "
     "lots\n",
     ":6: points = lots"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"t\"]\nkind = check\n",
     "has no points"},
    {"[lab]\ntitle = x\nsubmit = ../grader/main.c\n", "plain name of a .c"},
    {"[lab]\ntitle = x\nsubmit = notes.txt\n", "plain name of a .c"},
    {"[lab]\ntitle = x\nsubmit = a.c\ncolour = red\n",
     ":4: unknown key 'colour'"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[tset \"t\"]\nkind = check\n",
     "unknown section [tset \"t\"]"},
    {"[lab]\ntitle = x\nsubmit = a.c\n", "no [test"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"s\"]\nkind = speedup\npoints = "
     "1\n",
     "speedup test \"s\" needs bench"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"s\"]\nkind = speedup\npoints = "
     "1\nbench = b\nkernel = k\nthreads = 2\nsize = 1\ntcase = t\n",
     "tcase means nothing to a speedup test"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"c\"]\nkind = check\npoints = "
     "1\nmax_cores = 1\n",
     "max_cores means nothing to a check test"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"c\"]\nkind = check\npoints = "
     "1\npoints = 2\n",
     ":7: points given twice"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"s\"]\nthreads = 2,zero\n",
     "threads = 2,zero"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"s\"]\nrounds = 9-4\n",
     "rounds = 9-4"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"s\"]\nskip = maybe\n",
     "skip = maybe"},
    {"this is not ini\n", "cannot be read"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"s\"]\nunit = two words\n",
     "unit = two words is not one word"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"s\"]\nworkers = cores\n",
     "workers = cores is not threads, processes or ranks"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"s\"]\nstartup = maybe\n",
     "startup = maybe is not included or excluded"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"c\"]\nkind = check\npoints = "
     "1\nstartup = excluded\n",
     "startup means nothing to a check test"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"c\"]\nkind = check\npoints = "
     "1\nvisibility = secret\n",
     ":7: visibility = secret is not visible, hidden"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"a name much too long for inih's "
     "buffer of section names\"]\nkind = check\npoints = 1\n",
     "name is cut after"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"w\"]\nkind = busywait\npoints = "
     "1\n",
     "busywait test \"w\" needs program"},
    {"[lab]\ntitle = x\nsubmit = a.c\n[test \"w\"]\nprogram = /bin/true\n",
     "program = /bin/true"},
};

START_TEST(mistakes_refused_with_line)
{
    struct lab_spec c;
    char err[512] = "";

    write_ini(bad[_i].text);
    ck_assert_int_eq(read_bound(&c, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, bad[_i].says) != NULL,
                  "case %d: message '%s' should contain '%s'", _i, err,
                  bad[_i].says);
    ck_assert_msg(strstr(err, path) != NULL, "message '%s' names no file", err);
}
END_TEST

START_TEST(missing_file_refused)
{
    struct lab_spec c;
    char err[512] = "";

    ck_assert_int_eq(labini_read("/nonexistent/lab.ini", &c, err, sizeof(err)),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "cannot open"));
}
END_TEST

Suite *
labini_suite(void)
{
    Suite *s = suite_create("labini");
    TCase *tc = tcase_create("lab.ini");

    tcase_add_checked_fixture(tc, NULL, remove_ini);
    tcase_add_test(tc, reads_every_key);
    tcase_add_test(tc, kit_labs_are_valid);
    tcase_add_test(tc, lab_names_found_by_number);
    tcase_add_loop_test(tc, mistakes_refused_with_line, 0,
                        (int)(sizeof(bad) / sizeof(bad[0])));
    tcase_add_test(tc, missing_file_refused);
    suite_add_tcase(s, tc);
    return s;
}
