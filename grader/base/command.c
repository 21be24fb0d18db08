/* SPDX-License-Identifier: MIT */
/* The grader's base: a helper program's output (see command.h). */
#define _GNU_SOURCE /* pipe2 */
#include "base/command.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int
command_output(const char *cwd, const char *const *argv, bool with_stderr,
               char *out, size_t len)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none;
    int fds[2], status, rc;
    size_t got = 0;
    char sink[512];
    ssize_t n;
    pid_t pid;

    if (len > 0)
        out[0] = '\0';
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    sigemptyset(&none);
    if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
        close(fds[0]);
        close(fds[1]);
        errno = rc;
        return -1;
    }
    if ((rc = posix_spawnattr_init(&attr)) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        close(fds[0]);
        close(fds[1]);
        errno = rc;
        return -1;
    }
    if ((rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
                                               O_RDONLY, 0)) == 0 &&
        (rc = posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO)) ==
            0 &&
        (rc = with_stderr
                  ? posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO)
                  : posix_spawn_file_actions_addopen(
                        &fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0)) == 0 &&
        (cwd == NULL ||
         (rc = posix_spawn_file_actions_addchdir_np(&fa, cwd)) == 0) &&
        (rc = posix_spawnattr_setsigmask(&attr, &none)) == 0 &&
        (rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK)) == 0)
        rc = posix_spawnp(&pid, argv[0], &fa, &attr, (char *const *)argv,
                          environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        errno = rc;
        return -1;
    }
    for (;;) {
        bool keep = got + 1 < len;
        n = read(fds[0], keep ? out + got : sink,
                 keep ? len - 1 - got : sizeof(sink));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (keep)
            got += (size_t)n;
    }
    if (len > 0)
        out[got] = '\0';
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
