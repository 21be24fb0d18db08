/* SPDX-License-Identifier: MIT */
/* A test program of the grader's runner: each mode misbehaves in one way
 * (crashes, hangs, floods output, escapes, forks without end, spins) or
 * reports what it was given (environment, descriptors). */
#define _GNU_SOURCE
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void
die(const char *what)
{
    perror(what);
    exit(3);
}

static void
write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, p, n);

        if (w < 0)
            die("write");
        p += w;
        n -= (size_t)w;
    }
}

/* Exactly `megabytes` MiB: a head marker, filler, a tail marker. */
static int
flood(long megabytes)
{
    static char block[65536];
    const char *head = "HEAD-MARKER\n", *tail = "TAIL-MARKER\n";
    size_t total = (size_t)megabytes << 20, done = 0;

    memset(block, 'x', sizeof(block));
    write_all(head, strlen(head));
    done = strlen(head);
    while (done < total - strlen(tail)) {
        size_t n = total - strlen(tail) - done;

        if (n > sizeof(block))
            n = sizeof(block);
        write_all(block, n);
        done += n;
    }
    write_all(tail, strlen(tail));
    return 0;
}

/* A grandchild in a session of its own, outliving its parents; it tells its
 * PID before the main process exits, so the test can look for it. */
static int
escape(void)
{
    int ready[2];
    pid_t child, grandchild;
    int status;

    if (pipe(ready) != 0)
        die("pipe");
    child = fork();
    if (child < 0)
        die("fork");
    if (child == 0) {
        if (fork() == 0) {
            pid_t me;

            if (setsid() < 0)
                die("setsid");
            me = getpid();
            if (write(ready[1], &me, sizeof(me)) != (ssize_t)sizeof(me))
                die("write");
            for (;;)
                pause();
        }
        _exit(0);
    }
    if (waitpid(child, &status, 0) != child)
        die("waitpid");
    if (read(ready[0], &grandchild, sizeof(grandchild)) !=
        (ssize_t)sizeof(grandchild))
        die("read");
    printf("escaped %d\n", (int)grandchild);
    return 0;
}

/* A fork bomb, bounded (2^10 processes) in case the grader fails to stop
 * it. */
static _Noreturn void
fork_bomb(void)
{
    for (int i = 0; i < 10; i++)
        if (fork() < 0)
            break;
    for (;;)
        pause();
}

static volatile unsigned long spins;

static _Noreturn void
spin_forever(void)
{
    for (;;)
        spins++;
}

/* The environment, then each open descriptor and what it points to. */
static int
show_environment(void)
{
    DIR *dir;
    struct dirent *e;
    char path[300], target[300];

    for (char **v = environ; *v != NULL; v++)
        printf("env %s\n", *v);
    dir = opendir("/proc/self/fd");
    if (dir == NULL)
        die("opendir");
    while ((e = readdir(dir)) != NULL) {
        ssize_t n;

        if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(dir))
            continue;
        snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
        n = readlink(path, target, sizeof(target) - 1);
        target[n > 0 ? n : 0] = '\0';
        printf("fd %s %s\n", e->d_name, target);
    }
    closedir(dir);
    return 0;
}

int
main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    if (strcmp(mode, "exit") == 0 && argc > 2)
        return atoi(argv[2]);
    if (strcmp(mode, "segv") == 0) {
        volatile int *nowhere = NULL;

        *nowhere = 1;
        return 0;
    }
    if (strcmp(mode, "sleep") == 0)
        for (;;)
            pause();
    if (strcmp(mode, "timed-wait") == 0)
        for (;;)
            poll(NULL, 0, 600 * 1000); /* a timeout of its own: 10 min */
    if (strcmp(mode, "nap") == 0)
        for (;;)
            usleep(200 * 1000); /* wakes five times a second, for nothing */
    if (strcmp(mode, "flood") == 0 && argc > 2)
        return flood(atol(argv[2]));
    if (strcmp(mode, "escape") == 0)
        return escape();
    if (strcmp(mode, "forkbomb") == 0)
        fork_bomb();
    if (strcmp(mode, "spin") == 0)
        spin_forever();
    if (strcmp(mode, "env") == 0)
        return show_environment();
    fprintf(stderr, "usage: misbehave exit N | segv | sleep | timed-wait | nap "
                    "| flood MB | "
                    "escape | "
                    "forkbomb | spin | env\n");
    return 2;
}
