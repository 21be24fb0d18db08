/* SPDX-License-Identifier: MIT */
/* Unit tests of the walls around student code: the sandbox (as root: its
 * user, no network, the kit read-only), the machine lock between graders,
 * and the refusal of constructor sections. */
#define _GNU_SOURCE
#include "prepare/elf.h"
#include "prepare/mirror.h"
#include "prepare/symbols.h"
#include "run/machine_lock.h"
#include "run/runner.h"
#include "run/sandbox.h"
#include "suites.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kit_time.h"

/* Run `script` with sh in the sandbox; its output, to free. */
static char *
sandboxed_sh(const struct sandbox *s, const char *script)
{
    char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
    struct run_request req = {
        .argv = argv,
        .cwd = "/tmp",
        .limits = {.wall_seconds = 10},
        .sandbox = s,
    };
    struct run_result r;
    char *out;

    ck_assert_int_eq(run_program(&req, &r), 0);
    out = strdup(r.output);
    run_result_free(&r);
    return out;
}

START_TEST(root_runs_student_code_walled_in)
{
    struct sandbox s;
    char err[1200], script[4400], mirror[PATH_MAX];
    char *out;
    int rc;

    if (geteuid() != 0) {
        /* Not root: there are no walls, and the description must say so. */
        ck_assert_int_eq(
            sandbox_setup(&s, NULL, KIT_ROOT, NULL, 0, err, sizeof(err)), 0);
        sandbox_describe(&s, err, sizeof(err));
        ck_assert_msg(strstr(err, "not root") != NULL, "%s", err);
        test_skipped("root_runs_student_code_walled_in",
                     "the sandbox user's walls need root (only their "
                     "absence was checked)");
        return;
    }
    rc = sandbox_setup(&s, "nobody", KIT_ROOT, NULL, 0, err, sizeof(err));
    if (rc == SANDBOX_KIT_CLOSED) {
        /* The kit in a folder closed to nobody (a root home): as the
         * grader does, set up on its mirror. */
        ck_assert_msg(mirror_kit(KIT_ROOT, mirror, err, sizeof(err)) == 0, "%s",
                      err);
        rc = sandbox_setup(&s, "nobody", mirror, NULL, 0, err, sizeof(err));
    }
    ck_assert_msg(rc == 0, "%s", err);
    out = sandboxed_sh(&s, "id -u");
    ck_assert_msg(atoi(out) == (int)s.uid && s.uid != 0,
                  "student code ran as uid %s", out);
    free(out);
    if (s.no_network) {
        /* A new network namespace has a loopback device and nothing else. */
        out = sandboxed_sh(&s, "tail -n +3 /proc/net/dev | cut -d: -f1");
        ck_assert_msg(strcmp(out, "    lo\n") == 0 || strcmp(out, "lo\n") == 0,
                      "network devices seen: %s", out);
        free(out);
    }
    if (s.own_mounts) {
        /* Even a user who may write there must not: the mount is
         * read-only. */
        snprintf(script, sizeof(script),
                 "touch %s/sandbox-test 2>&1 || echo refused", s.kit);
        out = sandboxed_sh(&s, script);
        ck_assert_msg(strstr(out, "refused") != NULL, "%s", out);
        free(out);
        /* What a run leaves in /tmp stays in its own /tmp. */
        out = sandboxed_sh(&s, "echo left > /tmp/kit-sandbox-left && "
                               "echo written");
        ck_assert_msg(strcmp(out, "written\n") == 0, "%s", out);
        free(out);
        ck_assert_msg(access("/tmp/kit-sandbox-left", F_OK) != 0,
                      "a file a sandboxed run wrote in /tmp is in the "
                      "grader's /tmp");
    }
}
END_TEST

/* Without root: in a user namespace where the system allows one, the same
 * network and mount walls, as the grader's own user. Run as root, the test
 * drops to nobody in a child first. Exit codes of that child: 0 walls up
 * and holding, 3 the system allows no user namespace (then the description
 * must say what is missing), 1 a wall claimed up that does not hold. */
static int
unprivileged_walls(void)
{
    struct sandbox s;
    char err[1200], script[4400];
    char *argv[] = {"/bin/sh", "-c", script, NULL};
    struct run_request req = {
        .argv = argv,
        .cwd = "/tmp",
        .limits = {.wall_seconds = 10},
        .sandbox = NULL, /* set once the sandbox is made */
    };
    struct run_result r;

    if (geteuid() == 0 && (setresgid(65534, 65534, 65534) != 0 ||
                           setresuid(65534, 65534, 65534) != 0))
        return 1;
    if (sandbox_setup(&s, NULL, KIT_ROOT, NULL, 0, err, sizeof(err)) != 0)
        return 1;
    if (!s.no_network || !s.own_mounts) {
        sandbox_describe(&s, err, sizeof(err));
        return strstr(err, "Not available here") != NULL ? 3 : 1;
    }
    snprintf(script, sizeof(script),
             "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; "
             "touch %s/sandbox-test 2>/dev/null || echo refused",
             KIT_ROOT);
    req.sandbox = &s;
    if (run_program(&req, &r) != 0)
        return 1;
    int ok = strcmp(r.output, "lo\nrefused\n") == 0;
    if (!ok)
        fprintf(stderr, "walls without root: %s\n", r.output);
    run_result_free(&r);
    return ok ? 0 : 1;
}

START_TEST(walls_without_root_where_allowed)
{
    int status;
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(unprivileged_walls());
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) != 1,
                  "the walls without root do not hold (status %#x)", status);
    if (WEXITSTATUS(status) == 3)
        test_skipped("walls_without_root_where_allowed",
                     "this system allows no user namespace to an unprivileged "
                     "user: the walls without root were not tried");
}
END_TEST

START_TEST(bad_sandbox_requests_are_refused)
{
    struct sandbox s;
    char err[1200];
    char *hide_kit[] = {(char *)KIT_ROOT "/.."};
    char *hide_missing[] = {"/nonexistent-folder-of-the-kit"};

    ck_assert_int_eq(
        sandbox_setup(&s, NULL, KIT_ROOT, hide_kit, 1, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "holds the kit") != NULL, "%s", err);
    ck_assert_int_eq(
        sandbox_setup(&s, NULL, KIT_ROOT, hide_missing, 1, err, sizeof(err)),
        -1);
    ck_assert_msg(strstr(err, "no such folder") != NULL, "%s", err);
    if (geteuid() != 0)
        test_skipped("bad_sandbox_requests_are_refused",
                     "refusing user 0 and unknown users needs root");
    else {
        ck_assert_int_eq(
            sandbox_setup(&s, "0", KIT_ROOT, NULL, 0, err, sizeof(err)), -1);
        ck_assert_int_eq(sandbox_setup(&s, "no-such-user-here", KIT_ROOT, NULL,
                                       0, err, sizeof(err)),
                         -1);
    }
}
END_TEST

/* A measurement holds the machine alone: a shared holder waits for it. */
START_TEST(exclusive_lock_keeps_others_out)
{
    char dir[] = "/tmp/kit-lock-test-XXXXXX", path[64], err[256];
    int fds[2], status;
    int64_t released = 0, got;
    pid_t pid;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/lock", dir);
    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int64_t until;
        if (machine_lock_open(path, err, sizeof(err)) != 0)
            _exit(1);
        machine_lock_exclusive();
        if (write(fds[1], "x", 1) != 1) /* holding it now */
            _exit(1);
        until = kit_now_ns() + 300 * 1000 * 1000;
        while (kit_now_ns() < until)
            usleep(10000);
        until = kit_now_ns();
        machine_lock_release();
        _exit(write(fds[1], &until, sizeof(until)) == sizeof(until) ? 0 : 1);
    }
    char c;
    ck_assert_int_eq(read(fds[0], &c, 1), 1);
    ck_assert_int_eq(machine_lock_open(path, err, sizeof(err)), 0);
    machine_lock_shared();
    got = kit_now_ns();
    machine_lock_release();
    ck_assert_int_eq(read(fds[0], &released, sizeof(released)),
                     (int)sizeof(released));
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(status, 0);
    ck_assert_msg(got >= released,
                  "the shared lock came %.3f s before the "
                  "exclusive one was released",
                  (double)(released - got) / 1e9);
    close(fds[0]);
    close(fds[1]);
    snprintf(path, sizeof(path), "rm -rf %s", dir);
    ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(constructor_sections_found)
{
    char found[512], path[64];
    FILE *f;

    /* This very program has them: the C runtime's and Check's. */
    ck_assert_int_gt(elf_outside_main("/proc/self/exe", found, sizeof(found)),
                     0);
    ck_assert_msg(strstr(found, ".init_array") != NULL, "%s", found);
    /* Not an ELF object: unreadable, not "none". */
    snprintf(path, sizeof(path), "/tmp/kit-not-elf-%d", (int)getpid());
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("int main(void) { return 0; }\n", f);
    fclose(f);
    ck_assert_int_eq(elf_outside_main(path, found, sizeof(found)), -1);
    remove(path);
}
END_TEST

START_TEST(reserved_names_read_from_archives_libraries_and_objects)
{
    struct symbol_set set = {0};
    char dir[] = "/tmp/kit-symbols-XXXXXX", cmd[512], source[128], object[128],
         report[1024];
    FILE *f;

    /* An archive's every member, and the C library's dynamic table. */
    ck_assert_int_eq(
        symbols_add_file(&set, KIT_ROOT "/build/release/common/libkit.a", 0),
        0);
    ck_assert_int_eq(symbols_add_system(&set), 0);
    symbols_seal(&set);
    ck_assert(symbols_has(&set, "kit_args_parse"));
    ck_assert(symbols_has(&set, "pthread_create"));
    ck_assert(symbols_has(&set, "clock_gettime"));
    ck_assert(!symbols_has(&set, "printf@@GLIBC_2.2.5"));

    /* A student's object: its own helpers are fine, a static one is not
     * even seen, the C library's clock and a reserved name are refused. */
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(source, sizeof(source), "%s/mine.c", dir);
    f = fopen(source, "w");
    ck_assert_ptr_nonnull(f);
    fputs("#include <time.h>\n"
          "static int hidden(void) { return 1; }\n"
          "int helper(void) { return hidden(); }\n"
          "int clock_gettime(clockid_t c, struct timespec *t)"
          " { (void)c; t->tv_sec = 0; t->tv_nsec = 0; return 0; }\n"
          "int __mine;\n",
          f);
    fclose(f);
    snprintf(object, sizeof(object), "%s/mine.o", dir);
    snprintf(cmd, sizeof(cmd), "cc -c -o %s %s", object, source);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(
        symbols_check(&set, object, "mine.c", report, sizeof(report)), 2);
    ck_assert_msg(strstr(report, "defines clock_gettime") != NULL &&
                      strstr(report, "defines __mine") != NULL &&
                      strstr(report, "defines helper") == NULL,
                  "%s", report);
    /* Not ELF: unreadable, said so. */
    ck_assert_int_eq(
        symbols_check(&set, source, "mine.c", report, sizeof(report)), -1);
    symbols_free(&set);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *
sandbox_suite(void)
{
    Suite *s = suite_create("sandbox");
    TCase *tc = tcase_create("walls");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, root_runs_student_code_walled_in);
    tcase_add_test(tc, walls_without_root_where_allowed);
    tcase_add_test(tc, bad_sandbox_requests_are_refused);
    tcase_add_test(tc, exclusive_lock_keeps_others_out);
    tcase_add_test(tc, constructor_sections_found);
    tcase_add_test(tc, reserved_names_read_from_archives_libraries_and_objects);
    suite_add_tcase(s, tc);
    return s;
}
