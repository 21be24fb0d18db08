/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": what the public tests' files share (see cases.h):
 * the test process's set-up, the children a call leaves behind, the
 * functions the children compute, and the shared work log. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS: not in POSIX 2008 */
#include "cases.h"
#include "kit_time.h"
#include "processes.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The exit status child i is asked to return. */
int
exit_code_of(int index)
{
    return (37 * index + 5) & 0xff;
}

/* Child i: i % 3 == 0 returns i, 1 is killed by SIGKILL, 2 calls abort(). */
int
mixed_body(int index, void *arg)
{
    (void)arg;
    if (index % 3 == 1)
        raise(SIGKILL);
    if (index % 3 == 2)
        abort();
    return index;
}

int
return_code_body(int index, void *arg)
{
    (void)arg;
    return exit_code_of(index);
}

/* The process running the test; a work function compares getpid() with it
 * to tell whether it runs in a child. */
pid_t test_pid;

/* Every test runs in a process of its own (Check's fork mode). Make it a
 * child subreaper: a process that the code under test starts, and whose
 * parent then exits, is handed to the test process instead of to init, so
 * a grandchild left running still shows among the test's children. And no
 * core files from the children the tests crash on purpose. */
void
tests_setup(void)
{
    struct rlimit no_core = {0, 0};

    test_pid = getpid();
    (void)prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L);
    (void)setrlimit(RLIMIT_CORE, &no_core);
}

void
sleep_ms(long ms)
{
    struct timespec left = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        continue;
}

/* "exit status 3", "killed by signal 9 (Killed)", or what else it is. */
const char *
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
void
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
void
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

/* Functions the children compute. */

double
square_root(long i)
{
    return sqrt((double)i + 1.0);
}

double
wave(long i)
{
    return 2.0 + sin((double)i * 0.001);
}

/* A work function of the pool, of an item that may be negative. */
double
poly(long x)
{
    return 0.5 * (double)x * (double)x + sqrt(fabs((double)x)) - 3.0;
}

/* Check statuses[] against the exit codes of exit_code_of(). */
void
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

const struct summer summers[2] = {{"sum_pipes", sum_pipes},
                                  {"sum_shared", sum_shared}};

/* "returned -1" or "returned 0 and the sum 3.5": what one call of a sum
 * gave, for a message. */
const char *
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

struct work_log *work_log;

void
log_open(void)
{
    void *shared = mmap(NULL, sizeof(*work_log), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    ck_assert_msg(shared != MAP_FAILED, "mmap of the test's log failed: %s",
                  strerror(errno));
    work_log = shared;
}

void
log_close(void)
{
    ck_assert_msg(munmap(work_log, sizeof(*work_log)) == 0,
                  "munmap of the test's log failed: %s", strerror(errno));
    work_log = NULL;
}

void
log_item(long item)
{
    if (work_log == NULL || item < 0 || item >= LOG_ITEMS)
        return;
    atomic_store(&work_log->pid[item], (int)getpid());
    atomic_store(&work_log->done_ns[item], (long long)kit_now_ns());
    atomic_fetch_add(&work_log->computed[item], 1);
    atomic_fetch_add(&work_log->finished, 1);
}

void
log_where(void)
{
    if (work_log != NULL && getpid() == test_pid)
        atomic_fetch_add(&work_log->in_caller, 1);
}

/* items[i] for the result tests: spread out, some negative, so a result
 * stored by value instead of by index shows. */
long *
make_items(long nitems)
{
    long *items = malloc((size_t)(nitems > 0 ? nitems : 1) * sizeof(*items));

    ck_assert_msg(items != NULL, "out of memory");
    for (long i = 0; i < nitems; i++)
        items[i] = (i * 7919) % 10007 - 300;
    return items;
}

/* Results set to NaN beforehand, so one never written shows. */
double *
make_results(long nitems)
{
    double *results =
        malloc((size_t)(nitems > 0 ? nitems : 1) * sizeof(*results));

    ck_assert_msg(results != NULL, "out of memory");
    for (long i = 0; i < (nitems > 0 ? nitems : 1); i++)
        results[i] = NAN;
    return results;
}

/* Where the crashing work functions crash, and how: set by a test before
 * the call, read by the children in their copy. */
long crash_at;

double
killed_at(long i)
{
    if (i == crash_at)
        raise(SIGKILL);
    return square_root(i);
}
