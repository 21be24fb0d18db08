/* SPDX-License-Identifier: MIT */
/* The cost of a context switch, for deck 03: two threads, then two processes,
 * pass one byte back and forth through a pair of pipes on one CPU (taskset
 * -c 0), so that every hand-off is a switch; the kernel's counts of each
 * side's switches, from /proc/thread-self/status, show that it was. */
#define _GNU_SOURCE /* sched_getaffinity and the CPU_* macros */
#include "kit_pthread.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_REPEATS 99

/* A task's context switches so far, as the kernel counts them: voluntary
 * (it blocked, here in read) and involuntary (the scheduler took the CPU). */
struct switches {
    long vol, invol;
};

static double
now_us(void)
{
    struct timespec t;

    if (clock_gettime(CLOCK_MONOTONIC, &t) != 0)
        kit_die("clock_gettime: %s", strerror(errno));
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/* The calling thread's counts: /proc/thread-self is this thread's own entry
 * (/proc/self/status would show the main thread's, whoever reads it). */
static struct switches
read_switches(void)
{
    struct switches s = {-1, -1};
    char line[256];
    FILE *f = fopen("/proc/thread-self/status", "r");

    if (f == NULL)
        kit_die("/proc/thread-self/status: %s", strerror(errno));
    while (fgets(line, sizeof(line), f) != NULL) {
        sscanf(line, "voluntary_ctxt_switches: %ld", &s.vol);
        sscanf(line, "nonvoluntary_ctxt_switches: %ld", &s.invol);
    }
    fclose(f);
    if (s.vol < 0 || s.invol < 0)
        kit_die("no context switch counts in /proc/thread-self/status");
    return s;
}

static struct switches
since(struct switches before)
{
    struct switches now = read_switches();

    return (struct switches){now.vol - before.vol, now.invol - before.invol};
}

static void
put_byte(int fd)
{
    char c = 'x';

    if (write(fd, &c, 1) != 1)
        kit_die("write to a pipe: %s", strerror(errno));
}

static void
get_byte(int fd)
{
    char c;
    ssize_t n = read(fd, &c, 1);

    if (n != 1)
        kit_die("read from a pipe: %s",
                n < 0 ? strerror(errno) : "the other end is closed");
}

/* One side of the ping-pong: the partner (a second thread, or the child)
 * answers each byte it reads. Its counts start after a first exchange, so
 * that only the round trips are counted. */
struct partner {
    int in, out;              /* read pings here, write pongs there */
    long rounds;              /* round trips to answer */
    struct switches switched; /* its switches during them */
};

static void
answer(struct partner *p)
{
    get_byte(p->in); /* the warm-up ping */
    struct switches before = read_switches();
    put_byte(p->out);
    for (long i = 0; i < p->rounds; i++) {
        get_byte(p->in);
        put_byte(p->out);
    }
    p->switched = since(before);
}

static void *
partner_thread(void *arg)
{
    answer(arg);
    return NULL;
}

/* The other side, the main thread or the parent: sends each ping and waits
 * for its pong. Returns the microseconds of one round trip. */
static double
drive(int out, int in, long rounds, struct switches *switched)
{
    put_byte(out); /* the warm-up round trip */
    get_byte(in);
    struct switches before = read_switches();
    double start = now_us();
    for (long i = 0; i < rounds; i++) {
        put_byte(out);
        get_byte(in);
    }
    double elapsed = now_us() - start;
    *switched = since(before);
    return elapsed / rounds;
}

static void
make_pipes(int ping[2], int pong[2])
{
    if (pipe(ping) != 0 || pipe(pong) != 0)
        kit_die("pipe: %s", strerror(errno));
}

static void
close_fd(int fd)
{
    if (close(fd) != 0)
        kit_die("close: %s", strerror(errno));
}

/* Two threads of this process. */
static double
ping_pong_threads(long rounds, struct switches *main_sw,
                  struct switches *partner_sw)
{
    int ping[2], pong[2];
    pthread_t tid;

    make_pipes(ping, pong);
    struct partner p = {ping[0], pong[1], rounds, {0, 0}};
    Pthread_create(&tid, NULL, partner_thread, &p);
    double rt = drive(ping[1], pong[0], rounds, main_sw);
    Pthread_join(tid, NULL);
    *partner_sw = p.switched;
    for (int i = 0; i < 2; i++) {
        close_fd(ping[i]);
        close_fd(pong[i]);
    }
    return rt;
}

/* This process and a child; the child sends its counts back on the pong
 * pipe once the round trips are over. */
static double
ping_pong_processes(long rounds, struct switches *main_sw,
                    struct switches *partner_sw)
{
    int ping[2], pong[2], status;

    make_pipes(ping, pong);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        kit_die("fork: %s", strerror(errno));
    if (pid == 0) {
        struct partner p = {ping[0], pong[1], rounds, {0, 0}};
        answer(&p);
        ssize_t n = write(pong[1], &p.switched, sizeof(p.switched));
        _exit(n == (ssize_t)sizeof(p.switched) ? 0 : 1);
    }
    close_fd(ping[0]);
    close_fd(pong[1]);
    double rt = drive(ping[1], pong[0], rounds, main_sw);
    if (read(pong[0], partner_sw, sizeof(*partner_sw)) !=
        (ssize_t)sizeof(*partner_sw))
        kit_die("the child sent no counts");
    if (waitpid(pid, &status, 0) != pid)
        kit_die("waitpid: %s", strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        kit_die("the child failed");
    close_fd(ping[1]);
    close_fd(pong[0]);
    return rt;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int
usable_cpus(void)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof(set), &set) != 0)
        kit_die("sched_getaffinity: %s", strerror(errno));
    return CPU_COUNT(&set);
}

static void
usage(const char *prog)
{
    fprintf(stderr,
            "Usage: %s [-n ROUND_TRIPS] [-r REPEATS]\n"
            "  REPEATS runs (default 5) of ROUND_TRIPS (default 20000) "
            "one-byte round\n"
            "  trips between two threads and between two processes; the "
            "median run's\n"
            "  time, and every run's switches. Run it under taskset -c 0.\n",
            prog);
    exit(EXIT_FAILURE);
}

int
main(int argc, char **argv)
{
    long rounds = 20000;
    int repeats = 5, opt;

    while ((opt = getopt(argc, argv, "n:r:h")) != -1) {
        if (opt == 'n')
            rounds = atol(optarg);
        else if (opt == 'r')
            repeats = atoi(optarg);
        else
            usage(argv[0]);
    }
    if (optind != argc || rounds < 1 || repeats < 1 || repeats > MAX_REPEATS)
        usage(argv[0]);

    int cpus = usable_cpus();
    printf("# ctxswitch: %d runs of %ld one-byte round trips through two "
           "pipes; %d usable CPU(s)\n",
           repeats, rounds, cpus);
    if (cpus != 1)
        printf("# warning: not pinned to one CPU (run it under taskset -c 0): "
               "a hand-off need not be a switch\n");
    printf("# switch_us = round_trip_us / 2, of the median run; each side's "
           "switches in all runs\n"
           "# (/proc/thread-self/status): voluntary (vol) and involuntary "
           "(invol)\n");
    printf("# %-9s %13s %9s %11s %8s %10s %11s %13s\n", "pair", "round_trip_us",
           "switch_us", "round_trips", "main_vol", "main_invol", "partner_vol",
           "partner_invol");

    double rt[2][MAX_REPEATS];
    struct switches total[2][2] = {{{0, 0}, {0, 0}}, {{0, 0}, {0, 0}}};
    for (int r = 0; r < repeats; r++)
        for (int c = 0; c < 2; c++) {
            int k = (c + r) % 2; /* threads first in one round, not the next */
            struct switches m, p;
            rt[k][r] = k == 0 ? ping_pong_threads(rounds, &m, &p)
                              : ping_pong_processes(rounds, &m, &p);
            total[k][0].vol += m.vol;
            total[k][0].invol += m.invol;
            total[k][1].vol += p.vol;
            total[k][1].invol += p.invol;
        }
    for (int k = 0; k < 2; k++) {
        double med = median(rt[k], repeats);
        printf("  %-9s %13.2f %9.2f %11ld %8ld %10ld %11ld %13ld\n",
               k == 0 ? "threads" : "processes", med, med / 2, rounds * repeats,
               total[k][0].vol, total[k][0].invol, total[k][1].vol,
               total[k][1].invol);
    }
    return EXIT_SUCCESS;
}
