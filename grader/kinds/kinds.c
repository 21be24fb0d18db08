/* SPDX-License-Identifier: MIT */
/* The grader's test kinds: the table (see kinds.h). A new kind is a row
 * here and a file beside this one with its run function. */
#include "kinds/kinds.h"
#include "kinds/kinds_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const suite_keys[] = {"tcase", NULL};
static const char *const speedup_needs[] = {"bench", "kernel", "threads",
                                            "size", NULL};
static const char *const speedup_takes[] = {"calibration", "target",  "skip",
                                            "duration_ms", "rounds",  "unit",
                                            "workers",     "startup", NULL};
static const char *const busywait_needs[] = {"program", "max_cores", NULL};
static const char *const busywait_takes[] = {"args", NULL};
static const char *const none[] = {NULL};

/* Every run of a Check suite: RLIMIT_AS for the release build only (a
 * sanitizer's shadow memory reserves terabytes of addresses), the whole
 * tree's memory through a cgroup for all (the lab suites stay under 200 MB,
 * sanitizers and all). */
#define SUITE_LIMITS(address_mb, tree_mb)                                      \
    {                                                                          \
        .cpu_seconds = KIND_CPU_FROM_WALL, .memory_mb = (address_mb),          \
        .tree_memory_mb = (tree_mb), .processes = 1024, .file_size_mb = 64,    \
        .open_files = 256, .output_bytes = 256 * 1024,                         \
    }
#define SUITE_TIMEOUT                                                          \
    "the whole run of the suite (or of its TCase), every test of it"

static const struct kind table[] = {
    {
        .name = "check",
        .what = "the lab's Check suite, or one TCase of it: points in "
                "proportion to the checks passed",
        .flavour = "release",
        .needs = none,
        .takes = suite_keys,
        .timeout_means = SUITE_TIMEOUT,
        .limits = SUITE_LIMITS(1024, 4096),
        .run = kind_check,
    },
    {
        .name = "tsan",
        .what = "the suite under ThreadSanitizer: no data race, and every "
                "check passed in its build",
        .flavour = "tsan",
        .needs = none,
        .takes = suite_keys,
        .timeout_means = SUITE_TIMEOUT,
        .limits = SUITE_LIMITS(0, 2048),
        .run = kind_tsan,
    },
    {
        .name = "asan",
        .what = "the suite under AddressSanitizer and UBSan: no memory "
                "error, leak or undefined behaviour, every check passed",
        .flavour = "asan",
        .needs = none,
        .takes = suite_keys,
        .timeout_means = SUITE_TIMEOUT,
        .limits = SUITE_LIMITS(0, 2048),
        .run = kind_asan,
    },
    {
        .name = "leftovers",
        .what = "the suite, then no process of it left running or unreaped",
        .flavour = "release",
        .needs = none,
        .takes = suite_keys,
        .timeout_means = SUITE_TIMEOUT,
        .limits = SUITE_LIMITS(1024, 4096),
        .run = kind_leftovers,
    },
    {
        .name = "speedup",
        .what = "the calibrated speedup protocol: the student's kernel "
                "against the kit's serial reference, judged beside a "
                "perfectly parallel calibration kernel",
        .flavour = "release",
        .alone = true,
        .needs = speedup_needs,
        .takes = speedup_takes,
        .timeout_means = "each single run of the bench program (a student's "
                         "run is also stopped at 20 times the serial "
                         "reference's time, at least 10 s)",
        .limits = {.memory_mb = 16384,
                   .tree_memory_mb = 16384,
                   .processes = 1024,
                   .file_size_mb = 16,
                   .open_files = 256,
                   .output_bytes = 64 * 1024},
        .run = kind_speedup,
    },
    {
        .name = "busywait",
        .what = "CPU time over wall time of a phase in which the lab's code "
                "only waits",
        .flavour = "release",
        .alone = true,
        .needs = busywait_needs,
        .takes = busywait_takes,
        .timeout_means = "the whole run of the waiting program",
        .limits = {.cpu_seconds = KIND_CPU_FROM_WALL,
                   .memory_mb = 2048,
                   .tree_memory_mb = 4096,
                   .processes = 1024,
                   .file_size_mb = 16,
                   .open_files = 256,
                   .output_bytes = 64 * 1024},
        .run = kind_busywait,
    },
};

#define NKINDS (sizeof(table) / sizeof(table[0]))

const struct kind *
kinds_find(const char *name)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

const struct kind *
kinds_all(size_t *n)
{
    *n = NKINDS;
    return table;
}

static bool
listed(const char *const *keys, const char *key)
{
    for (size_t i = 0; keys[i] != NULL; i++)
        if (strcmp(keys[i], key) == 0)
            return true;
    return false;
}

/* The keys any kind takes: every test has them. */
static const char *const common_keys[] = {"kind", "points", "timeout",
                                          "visibility", NULL};

int
kinds_bind(struct lab_spec *spec, char *err, size_t errlen)
{
    for (int i = 0; i < spec->ntests; i++) {
        struct test_spec *t = &spec->tests[i];
        const struct kind *k = kinds_find(t->kind_name);

        if (k == NULL) {
            int used = snprintf(err, errlen, "test \"%s\": unknown kind '%s' (",
                                t->name, t->kind_name);
            for (size_t j = 0; j < NKINDS && used >= 0 && (size_t)used < errlen;
                 j++)
                used += snprintf(err + used, errlen - (size_t)used, "%s%s",
                                 j > 0 ? ", " : "", table[j].name);
            if (used >= 0 && (size_t)used < errlen)
                snprintf(err + used, errlen - (size_t)used, ")");
            return -1;
        }
        for (size_t j = 0; k->needs[j] != NULL; j++)
            if (!labini_given(t, k->needs[j])) {
                snprintf(err, errlen, "%s test \"%s\" needs %s", k->name,
                         t->name, k->needs[j]);
                return -1;
            }
        for (size_t j = 0; labini_test_keys[j] != NULL; j++) {
            const char *key = labini_test_keys[j];

            if (labini_given(t, key) && !listed(k->needs, key) &&
                !listed(k->takes, key) && !listed(common_keys, key)) {
                snprintf(err, errlen,
                         "test \"%s\": %s means nothing to a %s test", t->name,
                         key, k->name);
                return -1;
            }
        }
        t->kind = k;
    }
    return 0;
}

int
kinds_read_lab(const struct catalogue *c, const char *lab,
               struct lab_spec *spec, char *err, size_t errlen)
{
    char why[1024];
    char *ini;

    if (catalogue_read(c, lab, spec, err, errlen) != 0)
        return -1;
    if (kinds_bind(spec, why, sizeof(why)) == 0)
        return 0;
    ini = catalogue_path(c, lab, LAB_INI);
    snprintf(err, errlen, "%s: %s", ini != NULL ? ini : lab, why);
    free(ini);
    labini_free(spec);
    return -1;
}

int
kind_run(const struct kind_call *call, const struct run_request *req,
         struct run_result *result)
{
    int rc = run_program(req, result);

    if (result->end == RUN_TIMED_OUT && call->timed_out != NULL)
        *call->timed_out = true;
    return rc;
}

struct run_request
kind_request(const struct kind_call *call, char *const *argv,
             struct hang_options *hang)
{
    struct run_request req = {
        .argv = argv,
        .cwd = call->run_dir,
        .limits = call->limits,
        .sandbox = call->sandbox,
        .workdir = call->workdir,
    };

    memset(hang, 0, sizeof(*hang));
    hang->student_files = call->student_files;
    req.hang.stuck = hang_stuck_hook;
    req.hang.diagnose = hang_hook;
    req.hang.ctx = hang;
    return req;
}
