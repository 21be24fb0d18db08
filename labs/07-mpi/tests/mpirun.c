/* SPDX-License-Identifier: MIT */
/* Lab 07 "Across machines": running and watching the ranks (mpirun.h). */
#define _GNU_SOURCE /* prctl's PR_SET_PDEATHSIG */
#include "mpirun.h"
#include "launch.h"

#include <mpi.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Seconds with every rank waiting in MPI and no call returning: a rank
 * that waits this long for a message on one machine will wait for ever. */
#define STUCK_SECONDS 3.0

static double
now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The folder of this test program, where `ranks` is built too. */
static void
program_dir(char *out, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", out, len - 1);

    out[n > 0 ? n : 0] = '\0';
    char *slash = strrchr(out, '/');
    if (slash != NULL)
        *slash = '\0';
}

static bool
read_notes(const char *dir, int r, struct trace_rank *t)
{
    char path[512];
    int fd;
    ssize_t n;

    snprintf(path, sizeof(path), "%s/rank-%d", dir, r);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    n = pread(fd, t, sizeof(*t), 0);
    close(fd);
    return n == (ssize_t)sizeof(*t);
}

static void
read_returned(struct mpirun *run)
{
    for (int r = 0; r < run->nranks; r++) {
        char path[512];
        FILE *f;
        snprintf(path, sizeof(path), "%s/out-%d", run->dir, r);
        run->returned[r][0] = '\0';
        f = fopen(path, "r");
        if (f == NULL)
            continue;
        size_t got =
            fread(run->returned[r], 1, sizeof(run->returned[r]) - 1, f);
        /* Without the last line's end: a one-line answer compares as is. */
        while (got > 0 && run->returned[r][got - 1] == '\n')
            got--;
        run->returned[r][got] = '\0';
        fclose(f);
    }
}

/* Where in the program an offset is: "mpiwork.c:57 (in heat_run)", from
 * addr2line, or the offset itself. */
static void
where(uint64_t offset, char *out, size_t len)
{
    char exe[4096], cmd[4300], func[256] = "", line[512] = "";
    FILE *p;

    snprintf(out, len, "at offset 0x%llx", (unsigned long long)offset);
    if (offset == 0)
        return;
    program_dir(exe, sizeof(exe));
    /* The return address is just past the call: one byte back is in it. */
    snprintf(cmd, sizeof(cmd), "addr2line -f -e '%s/ranks' 0x%llx 2>/dev/null",
             exe, (unsigned long long)(offset - 1));
    p = popen(cmd, "r");
    if (p == NULL)
        return;
    if (fgets(func, sizeof(func), p) != NULL &&
        fgets(line, sizeof(line), p) != NULL) {
        func[strcspn(func, "\n")] = '\0';
        line[strcspn(line, "\n (")] = '\0';
        const char *base = strrchr(line, '/');
        if (line[0] != '?')
            snprintf(out, len, "at %.120s (in %.120s())",
                     base ? base + 1 : line, func);
    }
    pclose(p);
}

/* A peer of a call, in words. */
static const char *
peer_name(int peer, char *buf, size_t len)
{
    if (peer == MPI_PROC_NULL)
        snprintf(buf, len, "no rank (MPI_PROC_NULL)");
    else if (peer == MPI_ANY_SOURCE)
        snprintf(buf, len, "any rank");
    else
        snprintf(buf, len, "rank %d", peer);
    return buf;
}

/* One rank's wait, in words. */
static void
describe_wait(const struct trace_rank *t, char *out, size_t len)
{
    char at[300], a[40], b[40];

    where(t->caller, at, sizeof(at));
    if (strcmp(t->call, "MPI_Sendrecv") == 0)
        snprintf(out, len,
                 "rank %d waits in MPI_Sendrecv: sending to %s (tag %d) and "
                 "receiving from %s (tag %d), %s",
                 t->rank, peer_name(t->peer, a, sizeof(a)), t->tag,
                 peer_name(t->recv_peer, b, sizeof(b)), t->recv_tag, at);
    else if (strstr(t->call, "send") != NULL || strstr(t->call, "Send"))
        snprintf(out, len, "rank %d waits in %s to %s (tag %d, %ld bytes), %s",
                 t->rank, t->call, peer_name(t->peer, a, sizeof(a)), t->tag,
                 t->bytes, at);
    else if (strcmp(t->call, "MPI_Recv") == 0)
        snprintf(out, len, "rank %d waits in MPI_Recv for %s (tag %d), %s",
                 t->rank, peer_name(t->peer, a, sizeof(a)), t->tag, at);
    else
        snprintf(out, len, "rank %d waits in %s, %s", t->rank, t->call, at);
}

/* Every rank stuck: say who waits for whom, and what usually causes it. */
static void
diagnose(struct mpirun *run)
{
    size_t used = 0;
    int sends = 0, waiting = 0;
    char one[600];

    used += (size_t)snprintf(run->why, sizeof(run->why),
                             "deadlock: after %.0f s every rank still waits "
                             "in an MPI call, and none has returned since: ",
                             STUCK_SECONDS);
    for (int r = 0; r < run->nranks && used < sizeof(run->why); r++) {
        const struct trace_rank *t = &run->notes[r];
        if (!run->noted[r])
            continue;
        if (!t->in_call)
            snprintf(one, sizeof(one), "rank %d %s; ", r,
                     t->finished ? "has finished" : "runs outside MPI");
        else {
            describe_wait(t, one, sizeof(one) - 2);
            strcat(one, "; ");
            waiting++;
            sends += strcmp(t->call, "MPI_Send") == 0 ||
                     strcmp(t->call, "MPI_Ssend") == 0;
        }
        used += (size_t)snprintf(run->why + used, sizeof(run->why) - used, "%s",
                                 one);
    }
    /* A receive whose sender waits to send it something else. */
    for (int r = 0; r < run->nranks && used < sizeof(run->why); r++) {
        const struct trace_rank *t = &run->notes[r];
        bool sendrecv = strcmp(t->call, "MPI_Sendrecv") == 0;
        int from = sendrecv ? t->recv_peer : t->peer;
        int want = sendrecv ? t->recv_tag : t->tag;
        if (!run->noted[r] || !t->in_call ||
            (!sendrecv && strcmp(t->call, "MPI_Recv") != 0) || from < 0 ||
            from >= run->nranks || !run->noted[from])
            continue;
        const struct trace_rank *u = &run->notes[from];
        if (u->in_call && u->peer == r && u->tag != want &&
            strstr(u->call, "end") != NULL)
            used += (size_t)snprintf(
                run->why + used, sizeof(run->why) - used,
                "Rank %d waits for tag %d from rank %d, which sends it tag "
                "%d: the tags do not match. ",
                r, want, from, u->tag);
    }
    if (used >= sizeof(run->why))
        return;
    if (sends == waiting && sends >= 2)
        snprintf(run->why + used, sizeof(run->why) - used,
                 "Each rank sends first: a blocking send of a message this "
                 "large waits until its receive is posted, and every "
                 "receive comes after a send that waits. Exchange with "
                 "MPI_Sendrecv, or post the receives first (MPI_Irecv, "
                 "MPI_Isend, MPI_Waitall).");
    else
        snprintf(run->why + used, sizeof(run->why) - used,
                 "No rank will send what another waits for: check that "
                 "each receive names the rank and the tag of its send "
                 "(MPIWORK_TAG_UP for a row sent up, MPIWORK_TAG_DOWN for "
                 "one sent down), and that every rank takes part in each "
                 "collective.");
}

void
mpirun_ranks(int np, const char *const *args, struct mpirun *out)
{
    char exe[4096], ranks[4200], np_arg[16];
    const char *argv[LAUNCH_ARGS + 40];
    int n = 0, out_pipe[2], status;
    char output[2048] = "";
    size_t olen = 0;
    pid_t pid;

    memset(out, 0, sizeof(*out));
    out->nranks = np;
    snprintf(out->dir, sizeof(out->dir), "/tmp/kit-mpi-XXXXXX");
    if (mkdtemp(out->dir) == NULL) {
        snprintf(out->why, sizeof(out->why), "mkdtemp: %s", strerror(errno));
        return;
    }
    program_dir(exe, sizeof(exe));
    snprintf(ranks, sizeof(ranks), "%s/ranks", exe);
    snprintf(np_arg, sizeof(np_arg), "%d", np);
    n = (int)launch_argv((char **)argv, np_arg, ranks);
    for (int i = 0; args[i] != NULL && n < LAUNCH_ARGS + 38; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    if (pipe(out_pipe) != 0) {
        snprintf(out->why, sizeof(out->why), "pipe: %s", strerror(errno));
        return;
    }
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        setpgid(0, 0);
        dup2(out_pipe[1], 1);
        dup2(out_pipe[1], 2);
        close(out_pipe[0]);
        close(out_pipe[1]);
        setenv(TRACE_DIR_VAR, out->dir, 1);
        launch_allow_root();
        execvp("mpirun", (char *const *)argv);
        fprintf(stderr, "cannot run mpirun: %s\n", strerror(errno));
        _exit(127);
    }
    close(out_pipe[1]);
    if (pid < 0) {
        close(out_pipe[0]);
        snprintf(out->why, sizeof(out->why), "fork: %s", strerror(errno));
        return;
    }
    fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
    uint64_t last_progress = 0;
    double last_change = now_s();
    for (;;) {
        struct pollfd pfd = {.fd = out_pipe[0], .events = POLLIN};
        char buf[1024];
        ssize_t got;
        if (poll(&pfd, 1, 100) > 0) {
            got = read(out_pipe[0], buf, sizeof(buf));
            if (got > 0) {
                /* Keep the end: mpirun's last words say most. */
                if (olen + (size_t)got >= sizeof(output)) {
                    size_t keep = sizeof(output) / 2;
                    memmove(output, output + olen - (olen < keep ? olen : keep),
                            olen < keep ? olen : keep);
                    olen = olen < keep ? olen : keep;
                }
                size_t take = (size_t)got < sizeof(output) - 1 - olen
                                  ? (size_t)got
                                  : sizeof(output) - 1 - olen;
                memcpy(output + olen, buf, take);
                olen += take;
                output[olen] = '\0';
            }
        }
        if (waitpid(pid, &status, WNOHANG) == pid) {
            out->exited = true;
            break;
        }
        /* Progress is any call returning, on any rank. */
        uint64_t progress = 0;
        int stuck = 0, present = 0;
        for (int r = 0; r < np && r < MPIRUN_MAX_RANKS; r++) {
            out->noted[r] = read_notes(out->dir, r, &out->notes[r]);
            if (!out->noted[r])
                continue;
            present++;
            progress += out->notes[r].completed;
            stuck += out->notes[r].in_call || out->notes[r].finished;
        }
        if (progress != last_progress || present < np || stuck < np) {
            last_progress = progress;
            last_change = now_s();
        } else if (now_s() - last_change > STUCK_SECONDS) {
            out->deadlocked = true;
            diagnose(out);
            /* mpirun stops its ranks when told to end; then nothing of
             * the run may be left. */
            kill(pid, SIGTERM);
            for (int i = 0; i < 30 && waitpid(pid, &status, WNOHANG) != pid;
                 i++)
                usleep(100000);
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
    }
    close(out_pipe[0]);
    out->status = WIFEXITED(status)     ? WEXITSTATUS(status)
                  : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                        : 255;
    for (int r = 0; r < np && r < MPIRUN_MAX_RANKS; r++)
        out->noted[r] = read_notes(out->dir, r, &out->notes[r]);
    read_returned(out);
    if (!out->deadlocked && out->status != 0)
        snprintf(out->why, sizeof(out->why),
                 "mpirun -np %d ranks ... exited with status %d; its output "
                 "ended with: %s",
                 np, out->status, olen > 0 ? output : "(nothing)");
}

void
mpirun_clean(struct mpirun *run)
{
    char path[512];

    if (run->dir[0] == '\0')
        return;
    for (int r = 0; r < MPIRUN_MAX_RANKS; r++) {
        snprintf(path, sizeof(path), "%s/rank-%d", run->dir, r);
        unlink(path);
        snprintf(path, sizeof(path), "%s/out-%d", run->dir, r);
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s/grid", run->dir);
    unlink(path);
    rmdir(run->dir);
}
