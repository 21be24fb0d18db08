/* Lab 04 "Processes": public tests. Results are compared with the kit's
 * serial references (serial.c); a link-time wrapper (fork_counter.c)
 * counts the processes created; memory shared with the children records
 * which process computed what; /proc shows the children left behind. No
 * test measures a speedup, so they pass on one core as well as on
 * sixty-four. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS: not in POSIX 2008 */
#include "fork_counter.h"
#include "kit_bench.h"
#include "kit_time.h"
#include "processes.h"
#include "serial.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Sums in another order differ in their last bits, as in lab 02. */
#define TOLERANCE 1e-9
#define COUNT(array) ((int)(sizeof(array) / sizeof((array)[0])))

/* The process running the test; a work function compares getpid() with it
 * to tell whether it runs in a child. */
static pid_t test_pid;

/* Every test runs in a process of its own (Check's fork mode). Make it a
 * child subreaper: a process that the code under test starts, and whose
 * parent then exits, is handed to the test process instead of to init, so
 * a grandchild left running still shows among the test's children. And no
 * core files from the children the tests crash on purpose. */
static void
setup(void)
{
    struct rlimit no_core = {0, 0};

    test_pid = getpid();
    (void)prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L);
    (void)setrlimit(RLIMIT_CORE, &no_core);
}

static void
sleep_ms(long ms)
{
    struct timespec left = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        continue;
}

/* "exit status 3", "killed by signal 9 (Killed)", or what else it is. */
static const char *
status_text(int status, char *buf, size_t len)
{
    if (status == -1)
        snprintf(buf, len, "never set (still -1)");
    else if (WIFEXITED(status))
        snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, len, "not a status of an ended process (0x%x)",
                 (unsigned)status);
    return buf;
}

/* ---- The children a call leaves behind ---- */

struct leftovers {
    int zombies, running;
    char zombie_pids[160], running_pids[160];
};

static void
add_pid(char *list, size_t len, int pid)
{
    size_t used = strlen(list);

    if (used + 16 < len)
        snprintf(list + used, len - used, "%s%d", used > 0 ? ", " : "", pid);
    else if (used + 5 < len && strcmp(list + used - 3, "...") != 0)
        snprintf(list + used, len - used, ", ...");
}

/* The test process's children, from /proc: those that ended but were never
 * waited for (zombies), and those still running. */
static void
find_leftovers(struct leftovers *out)
{
    DIR *proc = opendir("/proc");
    struct dirent *e;
    pid_t self = getpid();

    memset(out, 0, sizeof(*out));
    if (proc == NULL) {
        /* No /proc: waitid can still tell whether any child is left, and
         * WNOWAIT leaves a zombie as it is, for the grader to find too. */
        siginfo_t si;

        memset(&si, 0, sizeof(si));
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0) {
            if (si.si_pid != 0) {
                out->zombies = 1;
                add_pid(out->zombie_pids, sizeof(out->zombie_pids),
                        (int)si.si_pid);
            } else {
                out->running = 1;
                snprintf(out->running_pids, sizeof(out->running_pids), "?");
            }
        }
        return;
    }
    while ((e = readdir(proc)) != NULL) {
        char path[300], line[512], state;
        int ppid;
        FILE *f;
        char *close_paren;

        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
        f = fopen(path, "r");
        if (f == NULL)
            continue; /* it ended meanwhile */
        if (fgets(line, sizeof(line), f) == NULL) {
            fclose(f);
            continue;
        }
        fclose(f);
        /* "pid (name) state ppid ...": the name may hold spaces and
         * parentheses, so parse from the last ')'. */
        close_paren = strrchr(line, ')');
        if (close_paren == NULL ||
            sscanf(close_paren + 1, " %c %d", &state, &ppid) != 2 ||
            ppid != (int)self)
            continue;
        if (state == 'Z' || state == 'X') {
            out->zombies++;
            add_pid(out->zombie_pids, sizeof(out->zombie_pids),
                    atoi(e->d_name));
        } else {
            out->running++;
            add_pid(out->running_pids, sizeof(out->running_pids),
                    atoi(e->d_name));
        }
    }
    closedir(proc);
}

/* Fail the test when `call` left children behind. */
static void
assert_nothing_left(const char *call)
{
    struct leftovers left;
    char zombies[320] = "", running[320] = "";

    find_leftovers(&left);
    if (left.zombies > 0)
        snprintf(zombies, sizeof(zombies),
                 "%d process%s it started had ended but had never been "
                 "waited for (zombie%s: pid %s)%s",
                 left.zombies, left.zombies == 1 ? "" : "es",
                 left.zombies == 1 ? "" : "s", left.zombie_pids,
                 left.running > 0 ? ", and " : "");
    if (left.running > 0)
        snprintf(running, sizeof(running),
                 "%d process%s it started %s still running (pid %s)",
                 left.running, left.running == 1 ? "" : "es",
                 left.running == 1 ? "was" : "were", left.running_pids);
    ck_assert_msg(left.zombies == 0 && left.running == 0,
                  "after %s returned, %s%s; expected none: waitpid every "
                  "child before returning, and let no process you start "
                  "outlive the call",
                  call, zombies, running);
}

/* ---- Functions the children compute ---- */

static double
square_root(long i)
{
    return sqrt((double)i + 1.0);
}

static double
wave(long i)
{
    return 2.0 + sin((double)i * 0.001);
}

/* A work function of the pool, of an item that may be negative. */
static double
poly(long x)
{
    return 0.5 * (double)x * (double)x + sqrt(fabs((double)x)) - 3.0;
}

/* ---- Part 1: run_children ---- */

/* The exit status child i is asked to return. */
static int
exit_code_of(int index)
{
    return (37 * index + 5) & 0xff;
}

static int
return_code_body(int index, void *arg)
{
    (void)arg;
    return exit_code_of(index);
}

static const int children_counts[] = {1, 2, 3, 4, 8, 16};

/* Check statuses[] against the exit codes of exit_code_of(). */
static void
assert_statuses(const char *call, const int *statuses, int nprocs)
{
    for (int i = 0; i < nprocs; i++) {
        char got[96];

        ck_assert_msg(WIFEXITED(statuses[i]) &&
                          WEXITSTATUS(statuses[i]) == exit_code_of(i),
                      "%s: statuses[%d] is %s; expected exit status %d, "
                      "what body(%d, arg) returned in child %d",
                      call, i, status_text(statuses[i], got, sizeof(got)),
                      exit_code_of(i), i, i);
    }
}

START_TEST(run_children_collects_exit_statuses)
{
    int nprocs = children_counts[_i];
    int statuses[16];
    char call[128];
    int rc;

    for (int i = 0; i < nprocs; i++)
        statuses[i] = -1;
    snprintf(call, sizeof(call),
             "run_children(nprocs=%d, body returning 37*i+5, NULL, statuses)",
             nprocs);
    rc = run_children(nprocs, return_code_body, NULL, statuses);
    ck_assert_msg(rc == 0, "%s returned %d; expected 0%s", call, rc,
                  rc == -1 ? " (-1 is what the starter returns: not written "
                             "yet?)"
                           : "");
    assert_statuses(call, statuses, nprocs);
}
END_TEST

/* Child i sleeps longer the smaller i is, so the children end in the
 * reverse order of their start. */
static int
reverse_order_body(int index, void *arg)
{
    int nprocs = *(const int *)arg;

    sleep_ms(40L * (nprocs - 1 - index));
    return exit_code_of(index);
}

START_TEST(run_children_statuses_by_index)
{
    int nprocs = 4, statuses[4] = {-1, -1, -1, -1};
    const char *call = "run_children(nprocs=4, body where child i sleeps "
                       "40*(3-i) ms and returns 37*i+5, ...)";
    int rc = run_children(nprocs, reverse_order_body, &nprocs, statuses);

    ck_assert_msg(rc == 0, "%s returned %d; expected 0", call, rc);
    /* A status stored by the order of the ends, not by index, fails. */
    assert_statuses(call, statuses, nprocs);
}
END_TEST

/* Child i: i % 3 == 0 returns i, 1 is killed by SIGKILL, 2 calls abort(). */
static int
mixed_body(int index, void *arg)
{
    (void)arg;
    if (index % 3 == 1)
        raise(SIGKILL);
    if (index % 3 == 2)
        abort();
    return index;
}

START_TEST(run_children_reports_signals)
{
    int statuses[6];
    const char *call = "run_children(nprocs=6, body where child i returns i "
                       "when i % 3 == 0, raises SIGKILL when i % 3 == 1, "
                       "calls abort() when i % 3 == 2, ...)";
    int rc;

    for (int i = 0; i < 6; i++)
        statuses[i] = -1;
    rc = run_children(6, mixed_body, NULL, statuses);
    ck_assert_msg(rc == 0,
                  "%s returned %d; expected 0: a child that is killed is "
                  "still a child that was started and waited for",
                  call, rc);
    for (int i = 0; i < 6; i++) {
        char got[96], want[96];
        int want_status = i % 3 == 0   ? (i << 8)
                          : i % 3 == 1 ? SIGKILL
                                       : SIGABRT;
        bool ok = i % 3 == 0
                      ? WIFEXITED(statuses[i]) && WEXITSTATUS(statuses[i]) == i
                      : WIFSIGNALED(statuses[i]) &&
                            WTERMSIG(statuses[i]) == want_status;

        ck_assert_msg(ok, "%s: statuses[%d] is %s; expected %s", call, i,
                      status_text(statuses[i], got, sizeof(got)),
                      status_text(want_status, want, sizeof(want)));
    }
}
END_TEST

/* A global, which threads would share. Each child writes its own copy. */
static int isolation_value = 42;

static int
isolation_body(int index, void *arg)
{
    int *marks = arg;
    int saw = isolation_value;

    /* Both writes go to this child's private copy of the page: the first
     * write to a page after fork copies it (copy-on-write). */
    isolation_value = 1000 + index;
    marks[index] = 1;
    if (getpid() == test_pid)
        return 3;
    if (saw != 42)
        return 1;
    return isolation_value == 1000 + index ? 0 : 2;
}

START_TEST(children_have_their_own_memory)
{
    int nprocs = 4, statuses[4] = {-1, -1, -1, -1}, copied[4];
    int *marks = calloc(4, sizeof(*marks));
    const char *call = "run_children(nprocs=4, body, marks, statuses), where "
                       "child i sets the global isolation_value (42 in the "
                       "parent) to 1000 + i and marks[i] to 1";
    int rc;

    ck_assert_msg(marks != NULL, "out of memory");
    isolation_value = 42;
    rc = run_children(nprocs, isolation_body, marks, statuses);
    /* Copied and freed before any verdict: a failed assertion ends the
     * test's process, and LeakSanitizer would blame the test. */
    memcpy(copied, marks, sizeof(copied));
    free(marks);
    ck_assert_msg(rc == 0, "%s, returned %d; expected 0", call, rc);
    for (int i = 0; i < nprocs; i++) {
        char got[96];
        static const char *const why[] = {
            "", "it did not see the parent's value 42 at its start",
            "its own write did not stick",
            "it ran in the calling process, not in a child"};
        bool ok = WIFEXITED(statuses[i]) && WEXITSTATUS(statuses[i]) == 0;
        int code = WIFEXITED(statuses[i]) ? WEXITSTATUS(statuses[i]) : 0;

        ck_assert_msg(ok,
                      "%s: child %d ended with %s; expected exit status "
                      "0%s%s",
                      call, i, status_text(statuses[i], got, sizeof(got)),
                      code >= 1 && code <= 3 ? ": " : "",
                      code >= 1 && code <= 3 ? why[code] : "");
    }
    for (int i = 0; i < nprocs; i++)
        ck_assert_msg(copied[i] == 0,
                      "%s: the parent's marks[%d] is %d after the call; "
                      "expected 0, unchanged: a child's writes go to its own "
                      "copy of memory, so the children must be processes, not "
                      "threads",
                      call, i, copied[i]);
    ck_assert_msg(isolation_value == 42,
                  "%s: the parent's isolation_value is %d after the call; "
                  "expected 42, unchanged: a child's writes go to its own "
                  "copy of memory, so the children must be processes, not "
                  "threads",
                  call, isolation_value);
}
END_TEST

/* ---- Part 2: sum_pipes and sum_shared ---- */

/* The two sums, for tests that try both alike. */
struct summer {
    const char *name;
    int (*sum)(double (*f)(long), long n, int nprocs, double *sum);
};

static const struct summer summers[] = {{"sum_pipes", sum_pipes},
                                        {"sum_shared", sum_shared}};

struct sum_input {
    const char *name; /* of f, as the messages print it */
    double (*f)(long);
    long n;
};

static const struct sum_input sum_inputs[] = {
    {"square_root", square_root, 1},
    {"square_root", square_root, 2},
    {"square_root", square_root, 7},
    {"square_root", square_root, 1000},
    {"square_root", square_root, 100003},
    {"wave", wave, 5},
    {"wave", wave, 1000000},
};

/* Every input is tried with each of these; with n = 1, 2, 5 or 7 some are
 * more processes than terms. */
static const int sum_counts[] = {1, 2, 3, 4, 7, 8, 16};

/* "returned -1" or "returned 0 and the sum 3.5": what one call of a sum
 * gave, for a message. */
static const char *
sum_outcome(int rc, double got, char *buf, size_t len)
{
    if (rc != 0)
        snprintf(buf, len, "returned %d%s", rc,
                 rc == -1 ? " (-1 is what the starter returns: not written "
                            "yet?)"
                          : "");
    else
        snprintf(buf, len, "returned 0 and the sum %.17g", got);
    return buf;
}

/* Call one sum on one input with every count of sum_counts[], and fail
 * with the counts that went wrong and the first failure in full. */
static void
check_sum(const struct summer *s, const struct sum_input *in)
{
    double want = sum_serial(in->f, in->n);
    char failed[128] = "", first[512] = "";
    int nfailed = 0;

    for (int c = 0; c < COUNT(sum_counts); c++) {
        int nprocs = sum_counts[c];
        double got = NAN;
        int rc = s->sum(in->f, in->n, nprocs, &got);
        size_t used = strlen(failed);

        if (rc == 0 && kit_bench_rel_error(got, want) <= TOLERANCE)
            continue;
        snprintf(failed + used, sizeof(failed) - used, "%s%d",
                 used > 0 ? ", " : "", nprocs);
        if (nfailed++ > 0)
            continue;
        if (rc != 0)
            snprintf(first, sizeof(first),
                     "With nprocs=%d it returned %d%s; expected 0 and the sum "
                     "%.17g that sum_serial gives",
                     nprocs, rc,
                     rc == -1 && c == 0 ? " (-1 is what the starter returns: "
                                          "not written yet?)"
                                        : ": a call failed, or a child did "
                                          "not deliver its partial sum",
                     want);
        else
            snprintf(first, sizeof(first),
                     "With nprocs=%d it returned the sum %.17g; sum_serial "
                     "gives %.17g (relative error %.3g, allowed %g)%s",
                     nprocs, got, want, kit_bench_rel_error(got, want),
                     TOLERANCE, isnan(got) ? ": the sum was never stored" : "");
    }
    ck_assert_msg(nfailed == 0,
                  "%s(%s, n=%ld, nprocs, &sum) is wrong for nprocs = %s (of "
                  "1, 2, 3, 4, 7, 8, 16). %s",
                  s->name, in->name, in->n, failed, first);
}

START_TEST(sum_pipes_matches_serial)
{
    check_sum(&summers[0], &sum_inputs[_i]);
}
END_TEST

START_TEST(sum_shared_matches_serial)
{
    check_sum(&summers[1], &sum_inputs[_i]);
}
END_TEST

/* Many processes at once, each with a tiny share. */
static void
check_many(const struct summer *s)
{
    const long n = 1000;
    const int nprocs = 64;
    double want = sum_serial(square_root, n), got = NAN;
    int rc = s->sum(square_root, n, nprocs, &got);
    char outcome[128];

    ck_assert_msg(rc == 0 && kit_bench_rel_error(got, want) <= TOLERANCE,
                  "%s(square_root, n=%ld, nprocs=%d, &sum) %s; expected 0 and "
                  "the sum %.17g, as sum_serial gives",
                  s->name, n, nprocs,
                  sum_outcome(rc, got, outcome, sizeof(outcome)), want);
}

START_TEST(sum_pipes_many_processes)
{
    check_many(&summers[0]);
}
END_TEST

START_TEST(sum_shared_many_processes)
{
    check_many(&summers[1]);
}
END_TEST

/* ---- Part 3: pool_map ---- */

/* Memory shared by the test and the workers it starts: what each call of a
 * work function did, seen by the test after the call. Mapped before the
 * call, so the workers, forked during it, inherit the mapping. */
#define LOG_ITEMS 1000
struct work_log {
    atomic_long finished;           /* calls of the work function done */
    atomic_int pid[LOG_ITEMS];      /* the process that computed item i */
    atomic_int computed[LOG_ITEMS]; /* how often item i was computed */
};

static struct work_log *work_log;

static void
log_open(void)
{
    void *shared = mmap(NULL, sizeof(*work_log), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    ck_assert_msg(shared != MAP_FAILED, "mmap of the test's log failed: %s",
                  strerror(errno));
    work_log = shared;
}

static void
log_close(void)
{
    ck_assert_msg(munmap(work_log, sizeof(*work_log)) == 0,
                  "munmap of the test's log failed: %s", strerror(errno));
    work_log = NULL;
}

static void
log_item(long item)
{
    if (work_log == NULL || item < 0 || item >= LOG_ITEMS)
        return;
    atomic_store(&work_log->pid[item], (int)getpid());
    atomic_fetch_add(&work_log->computed[item], 1);
    atomic_fetch_add(&work_log->finished, 1);
}

/* items[i] for the result tests: spread out, some negative, so a result
 * stored by value instead of by index shows. */
static long *
make_items(long nitems)
{
    long *items = malloc((size_t)(nitems > 0 ? nitems : 1) * sizeof(*items));

    ck_assert_msg(items != NULL, "out of memory");
    for (long i = 0; i < nitems; i++)
        items[i] = (i * 7919) % 10007 - 300;
    return items;
}

/* Results set to NaN beforehand, so one never written shows. */
static double *
make_results(long nitems)
{
    double *results =
        malloc((size_t)(nitems > 0 ? nitems : 1) * sizeof(*results));

    ck_assert_msg(results != NULL, "out of memory");
    for (long i = 0; i < (nitems > 0 ? nitems : 1); i++)
        results[i] = NAN;
    return results;
}

static const long pool_sizes[] = {1, 2, 5, 100, 1000};
static const int pool_counts[] = {1, 2, 3, 4, 8};

START_TEST(pool_map_matches_serial)
{
    long nitems = pool_sizes[_i / COUNT(pool_counts)];
    int nworkers = pool_counts[_i % COUNT(pool_counts)];
    long *items = make_items(nitems);
    double *results = make_results(nitems);
    double *want = make_results(nitems);
    struct pool_error err = {.item = -2};
    char call[160];
    int rc;

    snprintf(call, sizeof(call),
             "pool_map(poly, items, nitems=%ld, results, nworkers=%d, &err)",
             nitems, nworkers);
    map_serial(poly, items, nitems, want);
    rc = pool_map(poly, items, nitems, results, nworkers, &err);
    if (rc != 0) {
        free(items);
        free(results);
        free(want);
        ck_abort_msg("%s returned %d with err.message \"%s\"; expected 0 "
                     "and results[i] = poly(items[i]) for every i",
                     call, rc, err.message);
    }
    for (long i = 0; i < nitems; i++) {
        /* The same function on the same input in another process gives the
         * same bits: no tolerance here. */
        if (results[i] == want[i])
            continue;
        double got = results[i], expected = want[i];
        long item = items[i];
        free(items);
        free(results);
        free(want);
        ck_abort_msg("%s: results[%ld] is %.17g%s; expected poly(items[%ld] "
                     "= %ld) = %.17g",
                     call, i, got, isnan(got) ? " (never written)" : "", i,
                     item, expected);
    }
    free(items);
    free(results);
    free(want);
}
END_TEST

START_TEST(pool_map_with_no_items)
{
    long items[1] = {5};
    double results[1] = {-7.0};
    struct pool_error err = {.item = -2};
    int rc = pool_map(poly, items, 0, results, 4, &err);

    ck_assert_msg(rc == 0,
                  "pool_map(poly, items, nitems=0, results, nworkers=4, "
                  "&err) returned %d (err.message \"%s\"); expected 0: "
                  "mapping no items is no error",
                  rc, err.message);
    ck_assert_msg(results[0] == -7.0,
                  "pool_map(poly, items, nitems=0, results, nworkers=4, "
                  "&err) wrote %.17g into results[0]; expected no write",
                  results[0]);
}
END_TEST

/* The slow item and the others of the balance test, in milliseconds. */
#define SLOW_MS 600
#define QUICK_MS 5
#define BALANCE_ITEMS 41

static double
uneven_work(long item)
{
    sleep_ms(item == 0 ? SLOW_MS : QUICK_MS);
    log_item(item);
    return (double)item;
}

START_TEST(pool_map_balances_uneven_items)
{
    long items[BALANCE_ITEMS];
    double results[BALANCE_ITEMS];
    struct pool_error err = {.item = -2};
    int rc, slow_pid, with_slow = 0;
    const char *call = "pool_map(f, items, nitems=41, results, nworkers=2, "
                       "&err), where f(0) sleeps 600 ms and every other item "
                       "5 ms";

    for (long i = 0; i < BALANCE_ITEMS; i++) {
        items[i] = i;
        results[i] = NAN;
    }
    log_open();
    rc = pool_map(uneven_work, items, BALANCE_ITEMS, results, 2, &err);
    slow_pid = atomic_load(&work_log->pid[0]);
    for (long i = 0; i < BALANCE_ITEMS; i++) {
        int times = atomic_load(&work_log->computed[i]);

        if (rc == 0 && times != 1) {
            log_close();
            ck_abort_msg("%s, computed item %ld %d times; expected once", call,
                         i, times);
        }
        if (i > 0 && atomic_load(&work_log->pid[i]) == slow_pid)
            with_slow++;
    }
    log_close();
    ck_assert_msg(rc == 0, "%s, returned %d (err.message \"%s\"); expected 0",
                  call, rc, err.message);
    for (long i = 0; i < BALANCE_ITEMS; i++)
        ck_assert_msg(results[i] == (double)i,
                      "%s: results[%ld] is %.17g; expected %ld", call, i,
                      results[i], i);
    /* Handed out one at a time, the 40 quick items (200 ms in all) go to
     * the other worker while the slow one sleeps; one or two more may have
     * been sent ahead to the slow worker. A split made in advance gives it
     * about 20. */
    ck_assert_msg(with_slow <= 2,
                  "%s: the worker that computed the slow item 0 also "
                  "computed %d of the 40 quick items; expected at most 2: "
                  "while one worker is busy with a slow item, the other must "
                  "take the items that are left. Hand out items one at a "
                  "time, as workers become free, not in shares fixed in "
                  "advance",
                  call, with_slow);
}
END_TEST

static double
logged_work(long item)
{
    sleep_ms(2);
    log_item(item);
    return (double)item * 3.0;
}

START_TEST(pool_map_computes_in_workers)
{
    enum { NITEMS = 40, NWORKERS = 4 };
    long items[NITEMS];
    double results[NITEMS];
    int pids[NWORKERS + 1], distinct = 0, in_caller = 0, rc;
    struct pool_error err = {.item = -2};
    const char *call = "pool_map(f, items, nitems=40, results, nworkers=4, "
                       "&err), where f sleeps 2 ms and records its process";

    for (long i = 0; i < NITEMS; i++) {
        items[i] = i;
        results[i] = NAN;
    }
    log_open();
    rc = pool_map(logged_work, items, NITEMS, results, NWORKERS, &err);
    for (long i = 0; i < NITEMS; i++) {
        int pid = atomic_load(&work_log->pid[i]);
        bool seen = false;

        if (pid == (int)test_pid)
            in_caller++;
        for (int k = 0; k < distinct; k++)
            seen |= pids[k] == pid;
        if (!seen && pid != 0 && distinct <= NWORKERS)
            pids[distinct++] = pid;
    }
    log_close();
    ck_assert_msg(rc == 0, "%s, returned %d (err.message \"%s\"); expected 0",
                  call, rc, err.message);
    ck_assert_msg(in_caller == 0,
                  "%s, computed %d items in the calling process; expected "
                  "every item to be computed in a worker process",
                  call, in_caller);
    ck_assert_msg(distinct <= NWORKERS,
                  "%s, computed the items in more than %d processes; expected "
                  "the same %d workers to take item after item",
                  call, NWORKERS, NWORKERS);
    ck_assert_msg(distinct >= 2,
                  "%s, computed every item in one process; expected the "
                  "items to be spread over the workers",
                  call);
}
END_TEST

/* ---- Crashes ---- */

/* Where the crashing work functions crash, and how: set by a test before
 * the call, read by the children in their copy. */
static long crash_at;

static double
killed_at(long i)
{
    if (i == crash_at)
        raise(SIGKILL);
    return square_root(i);
}

static double
exits_at(long i)
{
    /* Ends the child with status 0 before it could report anything: only
     * the missing bytes tell. */
    if (i == crash_at)
        _exit(0);
    return square_root(i);
}

/* A sum on a child that dies: first a call that works, so that a function
 * returning -1 whatever happens does not pass. */
static void
check_dead_child(const struct summer *s, double (*f)(long), const char *how)
{
    const long n = 1000;
    const int nprocs = 4;
    double want = sum_serial(square_root, n), got = NAN;
    int rc = s->sum(square_root, n, nprocs, &got);
    char outcome[128];

    ck_assert_msg(rc == 0 && kit_bench_rel_error(got, want) <= TOLERANCE,
                  "%s(square_root, n=%ld, nprocs=%d, &sum) %s; expected 0 and "
                  "the sum %.17g (this call comes before the one with a child "
                  "that dies)",
                  s->name, n, nprocs,
                  sum_outcome(rc, got, outcome, sizeof(outcome)), want);
    crash_at = n / 2;
    got = -1.5;
    rc = s->sum(f, n, nprocs, &got);
    ck_assert_msg(rc == -1,
                  "%s(f, n=%ld, nprocs=%d, &sum), where f(%ld) %s, returned %d "
                  "(sum %.17g); expected -1: one partial sum never came",
                  s->name, n, nprocs, crash_at, how, rc, got);
    ck_assert_msg(got == -1.5,
                  "%s(f, n=%ld, nprocs=%d, &sum), where f(%ld) %s, returned -1 "
                  "but stored %.17g in sum; expected sum untouched on failure",
                  s->name, n, nprocs, crash_at, how, got);
}

START_TEST(sum_pipes_reports_a_killed_child)
{
    check_dead_child(&summers[0], killed_at, "raises SIGKILL");
}
END_TEST

START_TEST(sum_pipes_reports_a_silent_exit)
{
    check_dead_child(&summers[0], exits_at,
                     "calls _exit(0) before the child could send its sum");
}
END_TEST

START_TEST(sum_shared_reports_a_killed_child)
{
    check_dead_child(&summers[1], killed_at, "raises SIGKILL");
}
END_TEST

/* The pool's work functions that fail on item crash_at, after sleeping
 * `item_ms` like every item. */
static long item_ms;

static double
pool_killed_at(long item)
{
    sleep_ms(item_ms);
    if (item == crash_at)
        raise(SIGKILL);
    log_item(item);
    return (double)item;
}

static double
pool_aborts_at(long item)
{
    sleep_ms(item_ms);
    if (item == crash_at)
        abort();
    log_item(item);
    return (double)item;
}

static double
pool_exits_at(long item)
{
    sleep_ms(item_ms);
    if (item == crash_at)
        _exit(3);
    log_item(item);
    return (double)item;
}

/* A call with no crash first, for the same reason as check_dead_child. */
static void
check_pool_works(int nworkers)
{
    long items[10];
    double results[10];
    struct pool_error err = {.item = -2};
    int rc;

    for (long i = 0; i < 10; i++)
        items[i] = i;
    rc = pool_map(poly, items, 10, results, nworkers, &err);
    ck_assert_msg(rc == 0,
                  "pool_map(poly, items, nitems=10, results, nworkers=%d, "
                  "&err) returned %d with err.message \"%s\"; expected 0 "
                  "(this call comes before the one with a worker that dies)",
                  nworkers, rc, err.message);
}

struct crash_case {
    const char *how; /* what f does on item crash_at */
    double (*f)(long);
    int nworkers;
    long nitems, crash_at, item_ms;
    int signal, exit_status; /* what err must say */
    bool prompt; /* check that the items after the crash are not computed */
};

/* The first case has items long enough (2 s in all) that a pool which goes
 * on after the crash shows, however slowly a dying process ends (under a
 * sanitizer, it may take tens of milliseconds). */
static const struct crash_case crash_cases[] = {
    {"raises SIGKILL", pool_killed_at, 3, 100, 7, 20, SIGKILL, -1, true},
    {"calls abort()", pool_aborts_at, 1, 10, 3, 1, SIGABRT, -1, false},
    {"calls abort()", pool_aborts_at, 4, 10, 0, 1, SIGABRT, -1, false},
    {"calls _exit(3)", pool_exits_at, 2, 20, 5, 10, 0, 3, false},
};

START_TEST(pool_map_reports_a_dead_worker)
{
    const struct crash_case *c = &crash_cases[_i];
    long *items;
    double *results;
    struct pool_error err = {.item = -2, .signal = -2, .exit_status = -2};
    char call[256];
    long finished;
    int rc;

    check_pool_works(c->nworkers);
    items = make_items(c->nitems);
    results = make_results(c->nitems);
    for (long i = 0; i < c->nitems; i++)
        items[i] = i;
    crash_at = c->crash_at;
    item_ms = c->item_ms;
    snprintf(call, sizeof(call),
             "pool_map(f, items, nitems=%ld, results, nworkers=%d, &err), "
             "where items[i] = i, each item takes %ld ms and f(%ld) %s",
             c->nitems, c->nworkers, c->item_ms, c->crash_at, c->how);
    log_open();
    rc = pool_map(c->f, items, c->nitems, results, c->nworkers, &err);
    finished = atomic_load(&work_log->finished);
    log_close();
    free(items);
    free(results);
    ck_assert_msg(rc == -1,
                  "%s, returned %d; expected -1, with err naming item %ld",
                  call, rc, c->crash_at);
    ck_assert_msg(err.item == c->crash_at,
                  "%s, returned -1 with err.item = %ld; expected %ld, the "
                  "item its worker was computing when it died (err.message: "
                  "\"%s\")",
                  call, err.item, c->crash_at, err.message);
    ck_assert_msg(err.signal == c->signal,
                  "%s, returned -1 with err.signal = %d; expected %d%s%s "
                  "(err.message: \"%s\")",
                  call, err.signal, c->signal, c->signal ? ", " : "",
                  c->signal ? strsignal(c->signal) : "", err.message);
    ck_assert_msg(err.exit_status == c->exit_status,
                  "%s, returned -1 with err.exit_status = %d; expected %d "
                  "(err.message: \"%s\")",
                  call, err.exit_status, c->exit_status, err.message);
    ck_assert_msg(err.message[0] != '\0',
                  "%s, returned -1 with an empty err.message; expected a line "
                  "naming the item and the signal or status",
                  call);
    /* After the death, no new item should be started: a few in flight at
     * that moment may still finish. */
    ck_assert_msg(!c->prompt || finished < c->nitems / 2,
                  "%s, went on to compute %ld of the %ld items after the "
                  "worker died; expected it to stop handing out items and "
                  "return at once",
                  call, finished, c->nitems);
}
END_TEST

/* f(1) dies after 100 ms while f(0) and f(2) sleep for 3 s. */
static double
dies_among_slow(long item)
{
    if (item == 1) {
        sleep_ms(100);
        raise(SIGKILL);
    }
    sleep_ms(3000);
    return (double)item;
}

START_TEST(pool_map_stops_busy_workers)
{
    long items[3] = {0, 1, 2};
    double results[3];
    struct pool_error err = {.item = -2};
    const char *call = "pool_map(f, items, nitems=3, results, nworkers=3, "
                       "&err), where f(1) raises SIGKILL after 100 ms and "
                       "f(0) and f(2) sleep for 3 s";
    int64_t start;
    double seconds;
    int rc;

    check_pool_works(3);
    start = kit_now_ns();
    rc = pool_map(dies_among_slow, items, 3, results, 3, &err);
    seconds = (double)(kit_now_ns() - start) / 1e9;
    ck_assert_msg(rc == -1 && err.item == 1 && err.signal == SIGKILL,
                  "%s, returned %d with err.item = %ld and err.signal = %d; "
                  "expected -1, item 1 and signal %d",
                  call, rc, err.item, err.signal, SIGKILL);
    ck_assert_msg(seconds < 2.0,
                  "%s, returned after %.2f s; expected well under 2 s: once a "
                  "worker died the results cannot all come, so stop the "
                  "other workers (kill them, then wait for them) instead of "
                  "waiting for their items",
                  call, seconds);
}
END_TEST

/* ---- Processes created ---- */

static const int create_counts[] = {1, 2, 4, 8};

/* Index / COUNT(create_counts): 0 run_children, 1 sum_pipes, 2 sum_shared,
 * 3 pool_map; the rest: the count. */
START_TEST(creates_the_processes_asked_for)
{
    int which = _i / COUNT(create_counts);
    int count = create_counts[_i % COUNT(create_counts)];
    long before = processes_created(), created;
    char call[160];
    bool right = false, parent_share = false;

    if (which == 0) {
        int statuses[8];
        int rc = run_children(count, return_code_body, NULL, statuses);
        snprintf(call, sizeof(call), "run_children(nprocs=%d, ...)", count);
        created = processes_created() - before;
        ck_assert_msg(rc == 0,
                      "%s returned %d; expected 0 (processes are counted only "
                      "once the call works)",
                      call, rc);
        assert_statuses(call, statuses, count);
    } else if (which <= 2) {
        const struct summer *s = &summers[which - 1];
        const long n = 100000;
        double got = NAN, want = sum_serial(square_root, n);
        int rc = s->sum(square_root, n, count, &got);
        char outcome[128];
        snprintf(call, sizeof(call), "%s(square_root, n=%ld, nprocs=%d, &sum)",
                 s->name, n, count);
        created = processes_created() - before;
        ck_assert_msg(rc == 0 && kit_bench_rel_error(got, want) <= TOLERANCE,
                      "%s %s; expected 0 and the sum %.17g (processes are "
                      "counted only once the call works)",
                      call, sum_outcome(rc, got, outcome, sizeof(outcome)),
                      want);
        parent_share = true;
    } else {
        long *items = make_items(100);
        double *results = make_results(100);
        struct pool_error err = {.item = -2};
        int rc = pool_map(poly, items, 100, results, count, &err);
        snprintf(call, sizeof(call),
                 "pool_map(poly, items, nitems=100, results, nworkers=%d, "
                 "&err)",
                 count);
        created = processes_created() - before;
        free(items);
        free(results);
        ck_assert_msg(rc == 0,
                      "%s returned %d (err.message \"%s\"); expected 0 "
                      "(processes are counted only once the call works)",
                      call, rc, err.message);
    }
    right = created == count || (parent_share && created == count - 1);
    ck_assert_msg(right, "%s created %ld process%s; expected %d%s%s", call,
                  created, created == 1 ? "" : "es", count,
                  parent_share ? " (or one fewer if the parent sums a share "
                                 "itself)"
                               : "",
                  created > count ? ": is a child forking again, or going on "
                                    "with the parent's loop after its work?"
                                  : "");
}
END_TEST

/* ---- Every child reaped ---- */

static double
pool_dies_early(long item)
{
    if (item == 2)
        raise(SIGKILL);
    sleep_ms(50);
    return (double)item;
}

/* Each API once, then nothing may be left: 0 run_children with children
 * that crash, 1 sum_pipes, 2 sum_shared, 3 pool_map, 4 pool_map with a
 * worker killed while others work, 5 sum_pipes and 6 sum_shared with a
 * child killed. */
START_TEST(every_child_reaped)
{
    long before = processes_created();
    char call[200];
    int rc = 0, want_rc = 0;

    switch (_i) {
    case 0: {
        int statuses[6];
        snprintf(call, sizeof(call),
                 "run_children(nprocs=6, body where some children are killed, "
                 "...)");
        rc = run_children(6, mixed_body, NULL, statuses);
        break;
    }
    case 1:
    case 2:
    case 5:
    case 6: {
        const struct summer *s = &summers[_i == 1 || _i == 5 ? 0 : 1];
        double got;
        crash_at = 500;
        want_rc = _i >= 5 ? -1 : 0;
        snprintf(call, sizeof(call), "%s(%s, n=1000, nprocs=4, &sum)", s->name,
                 _i >= 5 ? "f that raises SIGKILL on term 500" : "square_root");
        rc = s->sum(_i >= 5 ? killed_at : square_root, 1000, 4, &got);
        break;
    }
    default: {
        long *items = make_items(50);
        double *results = make_results(50);
        struct pool_error err;
        want_rc = _i == 4 ? -1 : 0;
        snprintf(call, sizeof(call),
                 "pool_map(%s, items, nitems=50, results, nworkers=4, &err)",
                 _i == 4 ? "f that raises SIGKILL on item 2 and sleeps 50 ms "
                           "on the others"
                         : "poly");
        for (long i = 0; i < 50; i++)
            items[i] = i;
        rc = pool_map(_i == 4 ? pool_dies_early : poly, items, 50, results, 4,
                      &err);
        free(items);
        free(results);
        break;
    }
    }
    ck_assert_msg(rc == want_rc, "%s returned %d; expected %d", call, rc,
                  want_rc);
    ck_assert_msg(processes_created() - before > 0,
                  "%s returned %d without starting a single process; "
                  "expected it to do its work in child processes",
                  call, rc);
    assert_nothing_left(call);
}
END_TEST

static Suite *
processes_suite(void)
{
    Suite *s = suite_create("04-processes");
    TCase *fork_case = tcase_create("fork and wait");
    TCase *pipes_case = tcase_create("pipes");
    TCase *shared_case = tcase_create("shared memory");
    TCase *pool_case = tcase_create("pool");
    TCase *crash_case = tcase_create("crash");
    TCase *created_case = tcase_create("processes created");
    TCase *reaped_case = tcase_create("reaped");
    TCase *all[] = {fork_case,  pool_case,    pipes_case, shared_case,
                    crash_case, created_case, reaped_case};

    for (int i = 0; i < COUNT(all); i++)
        tcase_add_checked_fixture(all[i], setup, NULL);
    tcase_add_loop_test(fork_case, run_children_collects_exit_statuses, 0,
                        COUNT(children_counts));
    tcase_add_test(fork_case, run_children_statuses_by_index);
    tcase_add_test(fork_case, run_children_reports_signals);
    tcase_add_test(fork_case, children_have_their_own_memory);

    tcase_add_loop_test(pipes_case, sum_pipes_matches_serial, 0,
                        COUNT(sum_inputs));
    tcase_add_test(pipes_case, sum_pipes_many_processes);
    tcase_add_loop_test(shared_case, sum_shared_matches_serial, 0,
                        COUNT(sum_inputs));
    tcase_add_test(shared_case, sum_shared_many_processes);

    tcase_add_loop_test(pool_case, pool_map_matches_serial, 0,
                        COUNT(pool_sizes) * COUNT(pool_counts));
    tcase_add_test(pool_case, pool_map_with_no_items);
    tcase_add_test(pool_case, pool_map_balances_uneven_items);
    tcase_add_test(pool_case, pool_map_computes_in_workers);

    tcase_add_test(crash_case, sum_pipes_reports_a_killed_child);
    tcase_add_test(crash_case, sum_pipes_reports_a_silent_exit);
    tcase_add_test(crash_case, sum_shared_reports_a_killed_child);
    tcase_add_loop_test(crash_case, pool_map_reports_a_dead_worker, 0,
                        COUNT(crash_cases));
    tcase_add_test(crash_case, pool_map_stops_busy_workers);

    tcase_add_loop_test(created_case, creates_the_processes_asked_for, 0,
                        4 * COUNT(create_counts));
    tcase_add_loop_test(reaped_case, every_child_reaped, 0, 7);

    suite_add_tcase(s, fork_case);
    suite_add_tcase(s, pipes_case);
    suite_add_tcase(s, shared_case);
    suite_add_tcase(s, pool_case);
    suite_add_tcase(s, crash_case);
    suite_add_tcase(s, created_case);
    suite_add_tcase(s, reaped_case);
    return s;
}

int
main(void)
{
    SRunner *runner = srunner_create(processes_suite());
    int failed;

    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
