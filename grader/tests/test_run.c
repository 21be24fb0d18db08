/* SPDX-License-Identifier: MIT */
/* Unit tests of the grader's runner (run.c) and hang diagnosis (hang.c):
 * small misbehaving programs from grader/tests/programs/, compiled with cc
 * into a temporary folder when the suite starts. */
#define _GNU_SOURCE
#include "hang/hang.h"
#include "run/procstat.h"
#include "run/runner.h"
#include "run/sandbox.h"
#include "suites.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char bin_dir[PATH_MAX]; /* the temporary folder, resolved */
static char misbehave[PATH_MAX + 32];
static char deadlock[PATH_MAX + 32];
static char lost_wakeup[PATH_MAX + 32];
static char build_error[4096];
static bool built;

/* Where the test programs' sources are: beside this file, unless the
 * environment says otherwise (a build from another folder). */
static void
sources_dir(char *buf, size_t len)
{
    const char *env = getenv("KIT_GRADER_TEST_PROGRAMS");
    const char *slash = strrchr(__FILE__, '/');

    if (env != NULL)
        snprintf(buf, len, "%s", env);
    else if (slash != NULL)
        snprintf(buf, len, "%.*s/programs", (int)(slash - __FILE__), __FILE__);
    else
        snprintf(buf, len, "programs");
}

static bool
compile(const char *src_dir, const char *name, const char *out)
{
    char src[PATH_MAX + 32];
    char *argv[] = {"cc", "-g",        "-O0", "-pthread",
                    "-o", (char *)out, src,   NULL};
    struct run_request req = {
        .argv = argv,
        .limits = {.wall_seconds = 120, .output_bytes = 8192},
    };
    struct run_result r;
    bool ok;

    snprintf(src, sizeof(src), "%s/%s", src_dir, name);
    ok = run_program(&req, &r) == 0 && r.end == RUN_EXITED && r.exit_code == 0;
    if (!ok)
        snprintf(build_error, sizeof(build_error), "cc %.300s: %.3000s", src,
                 r.output != NULL ? r.output : "");
    run_result_free(&r);
    return ok;
}

/* Once per run of the suite, in Check's own process: the tests are forked
 * from it and find the programs built. */
static void
build_programs(void)
{
    char src_dir[PATH_MAX], dir[PATH_MAX];
    const char *tmp = getenv("TMPDIR");

    sources_dir(src_dir, sizeof(src_dir));
    snprintf(dir, sizeof(dir), "%s/kit-run-test-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL || realpath(dir, bin_dir) == NULL) {
        snprintf(build_error, sizeof(build_error), "mkdtemp %.3000s: %s", dir,
                 strerror(errno));
        return;
    }
    snprintf(misbehave, sizeof(misbehave), "%s/misbehave", bin_dir);
    snprintf(deadlock, sizeof(deadlock), "%s/deadlock", bin_dir);
    snprintf(lost_wakeup, sizeof(lost_wakeup), "%s/lost_wakeup", bin_dir);
    built = compile(src_dir, "misbehave.c", misbehave) &&
            compile(src_dir, "deadlock.c", deadlock) &&
            compile(src_dir, "lost_wakeup.c", lost_wakeup);
}

static void
remove_programs(void)
{
    if (bin_dir[0] == '\0')
        return;
    /* Missing files are fine: the build may have stopped half-way. */
    if (unlink(misbehave) != 0 && errno != ENOENT)
        fprintf(stderr, "unlink %s: %s\n", misbehave, strerror(errno));
    if (unlink(deadlock) != 0 && errno != ENOENT)
        fprintf(stderr, "unlink %s: %s\n", deadlock, strerror(errno));
    if (unlink(lost_wakeup) != 0 && errno != ENOENT)
        fprintf(stderr, "unlink %s: %s\n", lost_wakeup, strerror(errno));
    if (rmdir(bin_dir) != 0)
        fprintf(stderr, "rmdir %s: %s\n", bin_dir, strerror(errno));
}

/* Processes a run left behind: any running a program of the temporary
 * folder, and any child of this test (zombie or not). */
static int
leftovers(void)
{
    DIR *dir = opendir("/proc");
    struct dirent *e;
    int found = 0;

    ck_assert_ptr_nonnull(dir);
    while ((e = readdir(dir)) != NULL) {
        char path[300], exe[PATH_MAX];
        struct proc_stat st;
        ssize_t n;

        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/exe", e->d_name);
        n = readlink(path, exe, sizeof(exe) - 1);
        exe[n > 0 ? n : 0] = '\0';
        snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
        if (strncmp(exe, bin_dir, strlen(bin_dir)) == 0 ||
            (proc_read_stat(AT_FDCWD, path, &st) == 0 && st.ppid == getpid())) {
            fprintf(stderr, "left behind: process %s (%s)\n", e->d_name, exe);
            found++;
        }
    }
    ck_assert_int_eq(closedir(dir), 0);
    return found;
}

static bool
starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void
run_misbehave(const char *mode, const char *arg, struct run_limits limits,
              struct run_result *r)
{
    char *argv[] = {misbehave, (char *)mode, (char *)arg, NULL};
    struct run_request req = {.argv = argv, .cwd = bin_dir, .limits = limits};

    ck_assert_msg(built, "the test programs did not build: %s", build_error);
    ck_assert_int_eq(run_program(&req, r), 0);
}

START_TEST(exit_status_and_stderr_are_reported)
{
    struct run_limits limits = {.wall_seconds = 10};
    struct run_result r;
    char how[200];

    run_misbehave("exit", "7", limits, &r);
    ck_assert_int_eq(r.end, RUN_EXITED);
    ck_assert_int_eq(r.exit_code, 7);
    ck_assert_int_gt(r.pid, 0);
    ck_assert_str_eq(r.output, "");
    run_describe(&r, how, sizeof(how));
    ck_assert_str_eq(how, "exited with status 7");
    run_result_free(&r);

    /* No mode: a usage message on stderr, kept whole under the cap. */
    run_misbehave("", NULL, limits, &r);
    ck_assert_int_eq(r.end, RUN_EXITED);
    ck_assert_int_eq(r.exit_code, 2);
    ck_assert_ptr_nonnull(strstr(r.output, "usage: misbehave"));
    ck_assert_uint_eq(r.output_len, strlen(r.output));
    ck_assert_uint_eq(r.output_len, r.output_total);
    ck_assert(!r.output_truncated);
    run_result_free(&r);
}
END_TEST

START_TEST(crash_is_reported_as_its_signal)
{
    struct run_limits limits = {.wall_seconds = 10};
    struct run_result r;
    char how[200];

    run_misbehave("segv", NULL, limits, &r);
    ck_assert_int_eq(r.end, RUN_SIGNALED);
    ck_assert_int_eq(r.signal, SIGSEGV);
    run_describe(&r, how, sizeof(how));
    ck_assert_str_eq(how, "killed by signal 11 (Segmentation fault)");
    run_result_free(&r);
}
END_TEST

START_TEST(timeout_kills_a_sleeping_program_in_time)
{
    struct run_limits limits = {.wall_seconds = 0.5};
    struct run_result r;
    char how[200];

    run_misbehave("sleep", NULL, limits, &r);
    ck_assert_int_eq(r.end, RUN_TIMED_OUT);
    ck_assert_msg(r.wall_seconds >= 0.5 && r.wall_seconds < 1.5,
                  "a 0.5 s timeout took %.3f s", r.wall_seconds);
    ck_assert_ptr_null(r.hang_report); /* not asked for */
    run_describe(&r, how, sizeof(how));
    ck_assert_str_eq(how, "timed out after 0.5 s");
    ck_assert_int_eq(leftovers(), 0);
    run_result_free(&r);
}
END_TEST

START_TEST(output_flood_keeps_head_and_tail_within_the_cap)
{
    const size_t cap = 64 * 1024;
    struct run_limits limits = {.wall_seconds = 60, .output_bytes = cap};
    struct run_result r;
    const char *tail = "TAIL-MARKER\n";

    run_misbehave("flood", "100", limits, &r);
    ck_assert_int_eq(r.end, RUN_EXITED);
    ck_assert_int_eq(r.exit_code, 0);
    ck_assert_uint_eq(r.output_total, (size_t)100 << 20);
    ck_assert_uint_le(r.output_len, cap);
    ck_assert_uint_gt(r.output_len, cap / 2);
    ck_assert_uint_eq(r.output_len, strlen(r.output));
    ck_assert(r.output_truncated);
    ck_assert(starts_with(r.output, "HEAD-MARKER\n"));
    ck_assert_str_eq(r.output + r.output_len - strlen(tail), tail);
    ck_assert_ptr_nonnull(strstr(r.output, " bytes cut ...]"));
    run_result_free(&r);
}
END_TEST

START_TEST(escaped_grandchild_is_killed_and_counted)
{
    struct run_limits limits = {.wall_seconds = 10};
    struct run_result r;
    const char *line;
    int escaped;

    ck_assert_int_eq(run_become_subreaper(), 0);
    run_misbehave("escape", NULL, limits, &r);
    ck_assert_int_eq(r.end, RUN_EXITED);
    ck_assert_int_eq(r.exit_code, 0);
    ck_assert_int_eq(r.leftovers_killed, 1);
    line = strstr(r.output, "escaped ");
    ck_assert_ptr_nonnull(line);
    escaped = atoi(line + 8);
    ck_assert_int_gt(escaped, 1);
    ck_assert_int_eq(kill(escaped, 0), -1);
    ck_assert_int_eq(errno, ESRCH);
    ck_assert_int_eq(leftovers(), 0);
    run_result_free(&r);
}
END_TEST

START_TEST(fork_bomb_is_stopped_and_leaves_nothing)
{
    struct run_limits limits = {.wall_seconds = 20, .processes = 16};
    struct run_result r;
    char how[200];

    ck_assert_int_eq(run_become_subreaper(), 0);
    run_misbehave("forkbomb", NULL, limits, &r);
    ck_assert_int_eq(r.end, RUN_TOO_MANY_PROCESSES);
    /* With a pids cgroup (as root) the kernel refuses the 17th task and the
     * cgroup's event says so, whatever a sample of /proc happened to see;
     * without one the tree is seen past 16 and killed. */
    ck_assert_int_ge(r.processes_peak, 1);
    ck_assert_msg(r.wall_seconds < 5, "stopped after %.1f s", r.wall_seconds);
    run_describe(&r, how, sizeof(how));
    ck_assert_str_eq(how, "tried to run more than 16 processes at once");
    ck_assert_int_eq(leftovers(), 0);
    run_result_free(&r);
}
END_TEST

/* Without a pids cgroup (a chroot, some containers) the cap is RLIMIT_NPROC
 * and the tree is counted against it: a run far below the cap runs on, a
 * fork bomb is stopped near it. */
START_TEST(without_cgroups_the_cap_is_counted)
{
    struct run_limits limits = {.wall_seconds = 1, .processes = 16};
    struct run_result r;

    ck_assert_int_eq(setenv(SANDBOX_WITHOUT_VAR, "cgroups", 1), 0);
    ck_assert_int_eq(run_become_subreaper(), 0);
    run_misbehave("sleep", NULL, limits, &r);
    ck_assert_int_eq(r.end, RUN_TIMED_OUT);
    run_result_free(&r);
    limits.wall_seconds = 20;
    run_misbehave("forkbomb", NULL, limits, &r);
    ck_assert_int_eq(r.end, RUN_TOO_MANY_PROCESSES);
    ck_assert_msg(r.wall_seconds < 5, "stopped after %.1f s", r.wall_seconds);
    ck_assert_int_eq(leftovers(), 0);
    run_result_free(&r);
}
END_TEST

START_TEST(cpu_limit_stops_a_spinning_program)
{
    struct run_limits limits = {.wall_seconds = 20, .cpu_seconds = 1};
    struct run_result r;
    char how[200];

    run_misbehave("spin", NULL, limits, &r);
    ck_assert_int_eq(r.end, RUN_SIGNALED);
    ck_assert_int_eq(r.signal, SIGXCPU);
    /* SIGXCPU says the CPU limit stopped it; the accounts wait4 gives lag
     * the kernel's own by a tick or two, more on a loaded virtual machine. */
    ck_assert_msg(r.cpu_seconds >= 0.5, "used %.2f s of CPU", r.cpu_seconds);
    run_describe(&r, how, sizeof(how));
    ck_assert_str_eq(how, "ran out of CPU time (SIGXCPU)");
    run_result_free(&r);
}
END_TEST

START_TEST(environment_and_descriptors_are_clean)
{
    char *env[] = {"KIT_GIVEN=yes", "LANG=C", NULL};
    char *argv[] = {misbehave, "env", NULL};
    struct run_request req = {
        .argv = argv,
        .cwd = bin_dir,
        .env = env,
        .limits = {.wall_seconds = 10},
    };
    struct run_result r;
    char expect[PATH_MAX + 64];
    int vars = 0, fds = 0;

    ck_assert_msg(built, "the test programs did not build: %s", build_error);
    ck_assert_int_eq(setenv("KIT_RUN_TEST_SECRET", "leaked", 1), 0);
    ck_assert_int_eq(run_program(&req, &r), 0);
    ck_assert_int_eq(r.end, RUN_EXITED);
    ck_assert_int_eq(r.exit_code, 0);
    ck_assert_ptr_null(strstr(r.output, "KIT_RUN_TEST_SECRET"));
    ck_assert_ptr_nonnull(
        strstr(r.output, "env PATH=/usr/local/bin:/usr/bin:/bin\n"));
    ck_assert_ptr_nonnull(strstr(r.output, "env KIT_GIVEN=yes\n"));
    /* A variable of the request wins over the default one. */
    ck_assert_ptr_nonnull(strstr(r.output, "env LANG=C\n"));
    ck_assert_ptr_null(strstr(r.output, "LANG=C.UTF-8"));
    snprintf(expect, sizeof(expect), "env HOME=%s\n", bin_dir);
    ck_assert_ptr_nonnull(strstr(r.output, expect));
    snprintf(expect, sizeof(expect), "env TMPDIR=%s\n", bin_dir);
    ck_assert_ptr_nonnull(strstr(r.output, expect));
    for (const char *p = r.output; (p = strstr(p, "env ")) != NULL; p++)
        vars++;
    ck_assert_int_eq(vars, 5);
    /* stdin from /dev/null, stdout and stderr one pipe, nothing else. */
    ck_assert_ptr_nonnull(strstr(r.output, "fd 0 /dev/null\n"));
    ck_assert_ptr_nonnull(strstr(r.output, "fd 1 pipe:"));
    ck_assert_ptr_nonnull(strstr(r.output, "fd 2 pipe:"));
    for (const char *p = r.output; (p = strstr(p, "fd ")) != NULL; p++)
        fds++;
    ck_assert_msg(fds == 3, "the program had %d descriptors open:\n%s", fds,
                  r.output);
    run_result_free(&r);
}
END_TEST

START_TEST(missing_program_or_folder_is_not_started)
{
    char *argv[] = {"/nonexistent/kit-program", NULL};
    char *bare[] = {"kit-no-such-program", NULL};
    struct run_request req = {.argv = argv, .limits = {.wall_seconds = 10}};
    struct run_result r;
    char how[400];

    ck_assert_int_eq(run_program(&req, &r), 0);
    ck_assert_int_eq(r.end, RUN_NOT_STARTED);
    run_describe(&r, how, sizeof(how));
    ck_assert_msg(starts_with(how, "could not start: ") &&
                      strstr(how, "execve") != NULL &&
                      strstr(how, "No such file or directory") != NULL,
                  "%s", how);
    run_result_free(&r);

    req.argv = bare; /* looked up in PATH, not found there either */
    ck_assert_int_eq(run_program(&req, &r), 0);
    ck_assert_int_eq(r.end, RUN_NOT_STARTED);
    run_result_free(&r);

    req.argv = argv;
    req.cwd = "/nonexistent-folder";
    ck_assert_int_eq(run_program(&req, &r), 0);
    ck_assert_int_eq(r.end, RUN_NOT_STARTED);
    run_describe(&r, how, sizeof(how));
    ck_assert_msg(strstr(how, "chdir") != NULL, "%s", how);
    run_result_free(&r);
}
END_TEST

static void
run_deadlock(const char *gdb, struct run_result *r)
{
    char *argv[] = {deadlock, NULL};
    char *student[] = {"deadlock.c", NULL};
    struct hang_options hang = {.student_files = student, .gdb = gdb};
    struct run_request req = {
        .argv = argv,
        .cwd = bin_dir,
        .limits = {.wall_seconds = 1, .processes = 16},
        .hang = {.diagnose = hang_hook, .ctx = &hang},
    };

    ck_assert_msg(built, "the test programs did not build: %s", build_error);
    ck_assert_int_eq(run_program(&req, r), 0);
    ck_assert_int_eq(r->end, RUN_TIMED_OUT);
    ck_assert_ptr_nonnull(r->hang_report);
    ck_assert_ptr_nonnull(strstr(r->output, "started"));
}

START_TEST(deadlock_is_diagnosed_with_locks_and_lines)
{
    struct run_result r;
    const char *rep;

    ck_assert_int_eq(run_become_subreaper(), 0);
    run_deadlock(NULL, &r);
    rep = r.hang_report;
    ck_assert_msg(starts_with(rep, "suspected deadlock: "), "%s", rep);
    /* The cycle, between the two workers (threads 2 and 3). */
    ck_assert_msg(strstr(rep, "which waits for") != NULL, "%s", rep);
    ck_assert_msg(strstr(rep, "held by thread 2") != NULL &&
                      strstr(rep, "held by thread 3") != NULL,
                  "%s", rep);
    ck_assert_msg(strstr(rep, "to end (pthread_join)") != NULL, "%s", rep);
    if (strstr(rep, "gdb was not available") != NULL ||
        strstr(rep, "gdb could not") != NULL) {
        /* No gdb here, or no ptrace: the kernel's view must still do. */
        ck_assert_msg(strstr(rep, "the lock at 0x") != NULL, "%s", rep);
    } else {
        ck_assert_msg(strstr(rep, "lock_a") != NULL &&
                          strstr(rep, "lock_b") != NULL,
                      "%s", rep);
        ck_assert_msg(strstr(rep, "worker_a() at deadlock.c:") != NULL &&
                          strstr(rep, "worker_b() at deadlock.c:") != NULL &&
                          strstr(rep, "main() at deadlock.c:") != NULL,
                      "%s", rep);
        ck_assert_msg(strstr(rep, "in pthread_mutex_lock, called from") != NULL,
                      "%s", rep);
    }
    ck_assert_int_eq(leftovers(), 0);
    run_result_free(&r);
}
END_TEST

/* A signal sent before the wait: the waiter, its condition variable and
 * its line, and that no thread will signal it. */
START_TEST(lost_wakeup_is_diagnosed_with_its_condition_variable)
{
    char *argv[] = {lost_wakeup, NULL};
    char *student[] = {"lost_wakeup.c", NULL};
    struct hang_options hang = {.student_files = student};
    struct run_request req = {
        .argv = argv,
        .cwd = bin_dir,
        .limits = {.wall_seconds = 1, .processes = 16},
        .hang = {.diagnose = hang_hook, .ctx = &hang},
    };
    struct run_result r;
    const char *rep;

    ck_assert_msg(built, "the test programs did not build: %s", build_error);
    ck_assert_int_eq(run_become_subreaper(), 0);
    ck_assert_int_eq(run_program(&req, &r), 0);
    ck_assert_int_eq(r.end, RUN_TIMED_OUT);
    rep = r.hang_report;
    ck_assert_ptr_nonnull(rep);
    if (strstr(rep, "gdb was not available") != NULL ||
        strstr(rep, "gdb could not") != NULL) {
        /* Without frames a condition variable is one futex among others. */
        test_skipped("lost_wakeup_is_diagnosed_with_its_condition_variable",
                     "gdb cannot show the program here: without frames, a "
                     "condition variable cannot be told from another futex");
        ck_assert_msg(starts_with(rep, "suspected deadlock: "), "%s", rep);
        run_result_free(&r);
        return;
    }
    ck_assert_msg(starts_with(rep, "suspected lost wakeup: after "), "%s", rep);
    ck_assert_msg(strstr(rep, " thread 2 still waits on ") != NULL, "%s", rep);
    ck_assert_msg(strstr(rep, "the condition variable not_empty") != NULL, "%s",
                  rep);
    ck_assert_msg(strstr(rep, "consumer() at lost_wakeup.c:") != NULL, "%s",
                  rep);
    ck_assert_msg(strstr(rep, "no thread will signal it") != NULL, "%s", rep);
    ck_assert_msg(strstr(rep, "waits for thread 2") != NULL &&
                      strstr(rep, "to end (pthread_join)") != NULL,
                  "%s", rep);
    ck_assert_int_eq(leftovers(), 0);
    run_result_free(&r);
}
END_TEST

START_TEST(deadlock_is_found_without_gdb)
{
    struct run_result r;
    const char *rep;

    run_deadlock("", &r);
    rep = r.hang_report;
    ck_assert_msg(starts_with(rep, "suspected deadlock: thread "), "%s", rep);
    ck_assert_msg(strstr(rep, "waits for the lock at 0x") != NULL, "%s", rep);
    ck_assert_msg(strstr(rep, "which waits for the lock at 0x") != NULL, "%s",
                  rep);
    ck_assert_msg(strstr(rep, "gdb was not available (not used)") != NULL, "%s",
                  rep);
    ck_assert_msg(strstr(rep, "deadlock.c:") == NULL, "%s", rep);
    ck_assert_int_eq(leftovers(), 0);
    run_result_free(&r);
}
END_TEST

START_TEST(busy_program_is_reported_running)
{
    char *argv[] = {misbehave, "spin", NULL};
    char *student[] = {"misbehave.c", NULL};
    struct hang_options hang = {.student_files = student};
    struct run_request req = {
        .argv = argv,
        .cwd = bin_dir,
        .limits = {.wall_seconds = 0.5},
        .hang = {.diagnose = hang_hook, .ctx = &hang},
    };
    struct run_result r;
    const char *rep;

    ck_assert_msg(built, "the test programs did not build: %s", build_error);
    ck_assert_int_eq(run_program(&req, &r), 0);
    ck_assert_int_eq(r.end, RUN_TIMED_OUT);
    rep = r.hang_report;
    ck_assert_ptr_nonnull(rep);
    /* 0.5 s, or a little more on a loaded machine. */
    ck_assert_msg(starts_with(rep, "the program was still running after ") &&
                      strstr(rep, " s (timed out)\n") != NULL,
                  "%s", rep);
    ck_assert_msg(strstr(rep, "thread 1 (TID ") != NULL, "%s", rep);
    ck_assert_msg(strstr(rep, "running, busy (") != NULL, "%s", rep);
    ck_assert_msg(strstr(rep, "an endless loop, a spin wait") != NULL, "%s",
                  rep);
    if (strstr(rep, "gdb") == NULL)
        ck_assert_msg(strstr(rep, "spin_forever() at misbehave.c:") != NULL,
                      "%s", rep);
    run_result_free(&r);
}
END_TEST

/* With the stuck hook, a deadlock ends the run within seconds of its
 * cycle staying put, long before its time limit. */
START_TEST(deadlock_is_stopped_in_seconds)
{
    char *argv[] = {deadlock, NULL};
    char *student[] = {"deadlock.c", NULL};
    /* No gdb: what is tested is the stop; the diagnosis is tested above. */
    struct hang_options hang = {.student_files = student, .gdb = ""};
    struct run_request req = {
        .argv = argv,
        .cwd = bin_dir,
        .limits = {.wall_seconds = 60, .processes = 16},
        .hang = {.stuck = hang_stuck_hook, .diagnose = hang_hook, .ctx = &hang},
    };
    struct run_result r;
    char how[200];

    ck_assert_msg(built, "the test programs did not build: %s", build_error);
    ck_assert_int_eq(run_program(&req, &r), 0);
    ck_assert_int_eq(r.end, RUN_DEADLOCKED);
    ck_assert_msg(r.wall_seconds < 10, "stopped after %.1f s", r.wall_seconds);
    ck_assert_msg(starts_with(r.hang_report, "suspected deadlock: thread "),
                  "%s", r.hang_report);
    run_describe(&r, how, sizeof(how));
    ck_assert_msg(strstr(how, "deadlocked: stopped after") != NULL, "%s", how);
    ck_assert_int_eq(leftovers(), 0);
    run_result_free(&r);
}
END_TEST

/* Run misbehave in `mode`, which falls asleep for good, with the hang
 * hooks: it must be stopped as asleep, after `at_least` seconds and
 * within `slack` more. */
static void
run_asleep(char *mode, double at_least, double slack, struct run_result *r)
{
    char *argv[] = {misbehave, mode, NULL};
    struct hang_options hang = {.gdb = ""};
    struct run_request req = {
        .argv = argv,
        .cwd = bin_dir,
        .limits = {.wall_seconds = 60},
        .hang = {.stuck = hang_stuck_hook, .diagnose = hang_hook, .ctx = &hang},
    };

    ck_assert_msg(built, "the test programs did not build: %s", build_error);
    ck_assert_int_eq(run_program(&req, r), 0);
    ck_assert_int_eq(r->end, RUN_ASLEEP);
    ck_assert_msg(r->wall_seconds >= at_least &&
                      r->wall_seconds < at_least + slack,
                  "%s: stopped after %.1f s", mode, r->wall_seconds);
}

/* A program asleep for good (in pause(), no thread of it ever to run
 * again, and no timeout to end the call) is stopped once none of its
 * threads has run for RUN_STILL_SECONDS, long before its time limit. */
START_TEST(asleep_for_good_is_stopped_in_seconds)
{
    struct run_result r;
    char how[200];

    run_asleep("sleep", RUN_STILL_SECONDS, 3, &r);
    ck_assert_msg(strstr(r.hang_report, "no thread is running") != NULL, "%s",
                  r.hang_report);
    run_describe(&r, how, sizeof(how));
    ck_assert_msg(strstr(how, "hung asleep: stopped after") != NULL, "%s", how);
    run_result_free(&r);
}
END_TEST

/* A program asleep in a call with a timeout of its own may wake by
 * itself: it is stopped only after RUN_ASLEEP_SECONDS. */
START_TEST(asleep_with_a_timeout_is_given_longer)
{
    struct run_result r;

    run_asleep("timed-wait", RUN_ASLEEP_SECONDS, 5, &r);
    run_result_free(&r);
}
END_TEST

/* A program that wakes up now and then is never taken for stuck, however
 * little it does: it runs to its time limit, past RUN_ASLEEP_SECONDS. */
START_TEST(napping_program_is_not_stuck)
{
    char *argv[] = {misbehave, "nap", NULL};
    struct hang_options hang = {0};
    struct run_request req = {
        .argv = argv,
        .cwd = bin_dir,
        .limits = {.wall_seconds = RUN_ASLEEP_SECONDS + 2},
        .hang = {.stuck = hang_stuck_hook, .ctx = &hang},
    };
    struct run_result r;

    ck_assert_msg(built, "the test programs did not build: %s", build_error);
    ck_assert_int_eq(run_program(&req, &r), 0);
    ck_assert_int_eq(r.end, RUN_TIMED_OUT);
    run_result_free(&r);
}
END_TEST

/* A run stops at the line it is watched for, whole, and not at a line that
 * only looks like it. */
START_TEST(stop_line_ends_the_run)
{
    char *argv[] = {"/bin/sh", "-c",
                    "echo 'SUMMARY: nothing here'; printf 'SUMMARY: Foo'; "
                    "sleep 0.2; echo 'Sanitizer: race at x.c:3'; sleep 30",
                    NULL};
    struct run_request req = {
        .argv = argv,
        .limits = {.wall_seconds = 20},
        .stop = {.starts = "SUMMARY: ", .holds = "Sanitizer: "},
    };
    struct run_result r;

    ck_assert_int_eq(run_program(&req, &r), 0);
    ck_assert_int_eq(r.end, RUN_STOPPED);
    ck_assert_msg(r.wall_seconds < 10, "stopped after %.1f s", r.wall_seconds);
    ck_assert_ptr_nonnull(strstr(r.output, "Sanitizer: race at x.c:3\n"));
    run_result_free(&r);
}
END_TEST

START_TEST(describe_says_how_each_run_ended)
{
    struct run_result r;
    char how[200];

    memset(&r, 0, sizeof(r));
    r.end = RUN_TIMED_OUT;
    r.limits.wall_seconds = 10;
    run_describe(&r, how, sizeof(how));
    ck_assert_str_eq(how, "timed out after 10.0 s");
    r.end = RUN_TOO_MANY_PROCESSES;
    r.limits.processes = 64;
    run_describe(&r, how, sizeof(how));
    ck_assert_str_eq(how, "tried to run more than 64 processes at once");
    r.end = RUN_SIGNALED;
    r.signal = SIGXCPU;
    run_describe(&r, how, sizeof(how));
    ck_assert_str_eq(how, "ran out of CPU time (SIGXCPU)");
    r.end = RUN_NOT_STARTED;
    r.output = "prog: execve: Permission denied\nmore";
    run_describe(&r, how, sizeof(how));
    ck_assert_str_eq(how, "could not start: prog: execve: Permission denied");
    run_describe(&r, how, 10); /* cut, still terminated */
    ck_assert_str_eq(how, "could not");
}
END_TEST

START_TEST(stat_of_this_process_is_read)
{
    struct proc_stat st;

    ck_assert_int_eq(proc_read_stat(AT_FDCWD, "/proc/self/stat", &st), 0);
    ck_assert_int_eq(st.pid, getpid());
    ck_assert_int_eq(st.ppid, getppid());
    ck_assert_int_eq(st.state, 'R');
    ck_assert_int_gt(st.start, 0);
    ck_assert_int_eq(proc_read_stat(AT_FDCWD, "/proc/0/stat", &st), -1);
}
END_TEST

Suite *
run_suite(void)
{
    Suite *s = suite_create("run");
    TCase *ends = tcase_create("how runs end");
    TCase *limits = tcase_create("limits and leftovers");
    TCase *hangs = tcase_create("hang diagnosis");
    TCase *asleep = tcase_create("asleep for good");
    TCase *naps = tcase_create("naps not taken for hangs");
    TCase *timed = tcase_create("asleep with a timeout of its own");

    tcase_add_unchecked_fixture(ends, build_programs, remove_programs);
    tcase_add_test(ends, exit_status_and_stderr_are_reported);
    tcase_add_test(ends, crash_is_reported_as_its_signal);
    tcase_add_test(ends, missing_program_or_folder_is_not_started);
    tcase_add_test(ends, environment_and_descriptors_are_clean);
    tcase_add_test(ends, describe_says_how_each_run_ended);
    tcase_add_test(ends, stop_line_ends_the_run);
    tcase_add_test(ends, stat_of_this_process_is_read);
    suite_add_tcase(s, ends);

    tcase_add_unchecked_fixture(limits, build_programs, remove_programs);
    tcase_set_timeout(limits, 60);
    tcase_add_test(limits, timeout_kills_a_sleeping_program_in_time);
    tcase_add_test(limits, without_cgroups_the_cap_is_counted);
    tcase_add_test(limits, output_flood_keeps_head_and_tail_within_the_cap);
    tcase_add_test(limits, escaped_grandchild_is_killed_and_counted);
    tcase_add_test(limits, fork_bomb_is_stopped_and_leaves_nothing);
    tcase_add_test(limits, cpu_limit_stops_a_spinning_program);
    suite_add_tcase(s, limits);

    /* These tests wait on programs that sleep or deadlock, each tcase a
     * few seconds: make runs every tcase tagged "waits" as a process of its
     * own, beside the rest (its second tag names it for CK_INCLUDE_TAGS,
     * mk/grader.mk). */
    tcase_add_unchecked_fixture(hangs, build_programs, remove_programs);
    tcase_set_timeout(hangs, 60);
    tcase_add_test(hangs, deadlock_is_diagnosed_with_locks_and_lines);
    tcase_add_test(hangs, deadlock_is_found_without_gdb);
    tcase_add_test(hangs, lost_wakeup_is_diagnosed_with_its_condition_variable);
    tcase_add_test(hangs, busy_program_is_reported_running);
    tcase_add_test(hangs, deadlock_is_stopped_in_seconds);
    tcase_set_tags(hangs, "waits diagnosis");
    suite_add_tcase(s, hangs);

    tcase_add_unchecked_fixture(asleep, build_programs, remove_programs);
    tcase_set_timeout(asleep, 60);
    tcase_add_test(asleep, asleep_for_good_is_stopped_in_seconds);
    tcase_set_tags(asleep, "waits asleep");
    suite_add_tcase(s, asleep);

    tcase_add_unchecked_fixture(timed, build_programs, remove_programs);
    tcase_set_timeout(timed, 60);
    tcase_add_test(timed, asleep_with_a_timeout_is_given_longer);
    tcase_set_tags(timed, "waits timed");
    suite_add_tcase(s, timed);

    tcase_add_unchecked_fixture(naps, build_programs, remove_programs);
    tcase_set_timeout(naps, 60);
    tcase_add_test(naps, napping_program_is_not_stuck);
    tcase_set_tags(naps, "waits naps");
    suite_add_tcase(s, naps);
    return s;
}
