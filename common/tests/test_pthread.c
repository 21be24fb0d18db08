/* SPDX-License-Identifier: MIT */
/* Unit tests of the checked pthread wrappers. NDEBUG is defined on purpose:
 * the checks must not vanish the way assert() does in a release build. */
#define NDEBUG
#include "kit_pthread.h"
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run fn in a child with stderr captured; return its exit status and what it
 * printed, so a test can read the message of a wrapper that kills it. */
static int
run_captured(void (*fn)(void), char *out, size_t outlen)
{
    int fds[2], status;
    pid_t pid;
    size_t got = 0;
    ssize_t n;

    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        fn();
        _exit(0);
    }
    close(fds[1]);
    while (got + 1 < outlen &&
           (n = read(fds[0], out + got, outlen - 1 - got)) > 0)
        got += (size_t)n;
    out[got] = '\0';
    close(fds[0]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* An unknown mutex type is EINVAL. (Misusing a real mutex would do too, but
 * ThreadSanitizer rightly reports that before the call can fail.) */
static void
bad_mutex_type(void)
{
    pthread_mutexattr_t attr;

    Pthread_mutexattr_init(&attr);
    Pthread_mutexattr_settype(&attr, 12345);
}

/* The text of line `line` of this source file. */
static void
source_line(int line, char *buf, size_t len)
{
    FILE *f = fopen(__FILE__, "r");

    ck_assert_msg(f != NULL, "cannot open %s", __FILE__);
    buf[0] = '\0';
    for (int i = 1; i <= line && fgets(buf, (int)len, f) != NULL; i++)
        ;
    fclose(f);
}

START_TEST(failing_call_reported_with_place_and_reason)
{
    char out[512], text[256];
    const char *at;
    int line = 0;

    ck_assert_int_eq(run_captured(bad_mutex_type, out, sizeof(out)),
                     EXIT_FAILURE);
    ck_assert_ptr_nonnull(
        strstr(out, "pthread_mutexattr_settype(&attr, 12345) failed"));
    ck_assert_ptr_nonnull(strstr(out, "Invalid argument"));
    /* "FILE:LINE:" must point at the failing call in this very file. */
    at = strstr(out, "test_pthread.c:");
    ck_assert_msg(at != NULL, "no file name in '%s'", out);
    ck_assert_int_eq(sscanf(at, "test_pthread.c:%d:", &line), 1);
    source_line(line, text, sizeof(text));
    ck_assert_msg(strstr(text, "Pthread_mutexattr_settype(&attr, 12345);") !=
                      NULL,
                  "line %d is '%s', not the failing call", line, text);
}
END_TEST

static void
die_with_message(void)
{
    kit_die("cannot open %s", "input.txt");
}

START_TEST(kit_die_prints_and_exits)
{
    char out[256];

    ck_assert_int_eq(run_captured(die_with_message, out, sizeof(out)),
                     EXIT_FAILURE);
    ck_assert_ptr_nonnull(strstr(out, "test_pthread.c:"));
    ck_assert_ptr_nonnull(strstr(out, "cannot open input.txt"));
}
END_TEST

static void *
add_one(void *arg)
{
    int *x = arg;

    (*x)++;
    return NULL;
}

START_TEST(wrappers_are_single_statements)
{
    pthread_mutex_t m;
    pthread_t tid;
    int value = 0, calls = 0;

    Pthread_mutex_init(&m, NULL);
    /* Without do { } while (0) around the macro, this else would not
     * compile, or would attach to the wrong if. */
    for (int i = 0; i < 2; i++) {
        if (i == 0)
            Pthread_mutex_lock(&m);
        else
            Pthread_mutex_unlock(&m);
        calls++;
    }
    ck_assert_int_eq(calls, 2);
    Pthread_create(&tid, NULL, add_one, &value);
    Pthread_join(tid, NULL);
    ck_assert_int_eq(value, 1);
    Pthread_mutex_destroy(&m);
}
END_TEST

struct barrier_arg {
    pthread_barrier_t *barrier;
    int serial;
};

static void *
wait_at(void *arg)
{
    struct barrier_arg *a = arg;

    a->serial = Pthread_barrier_wait(a->barrier);
    return NULL;
}

START_TEST(barrier_wait_names_one_serial_thread)
{
    enum { N = 4 };
    pthread_barrier_t barrier;
    pthread_t tid[N];
    struct barrier_arg args[N];
    int serial = 0;

    Pthread_barrier_init(&barrier, NULL, N);
    for (int i = 0; i < N; i++) {
        args[i].barrier = &barrier;
        Pthread_create(&tid[i], NULL, wait_at, &args[i]);
    }
    for (int i = 0; i < N; i++) {
        Pthread_join(tid[i], NULL);
        serial += args[i].serial;
    }
    ck_assert_int_eq(serial, 1);
    Pthread_barrier_destroy(&barrier);
}
END_TEST

Suite *
pthread_suite(void)
{
    Suite *s = suite_create("pthread");
    TCase *tc = tcase_create("checked calls");

    tcase_add_test(tc, failing_call_reported_with_place_and_reason);
    tcase_add_test(tc, kit_die_prints_and_exits);
    tcase_add_test(tc, wrappers_are_single_statements);
    tcase_add_test(tc, barrier_wait_names_one_serial_thread);
    suite_add_tcase(s, tc);
    return s;
}
