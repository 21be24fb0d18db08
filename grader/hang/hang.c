/* The grader's hang diagnosis (see hang.h): /proc first, a CPU sample,
 * the wait-for graph, gdb, then the words. */
#include "hang/hang.h"
#include "base/text.h"
#include "hang/explain.h"
#include "hang/gdb.h"
#include "hang/threads.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

char *
hang_diagnose(const struct hang_request *req)
{
    struct diag d;
    struct text b = TEXT_INIT;
    struct timespec sample = {.tv_sec = 0, .tv_nsec = SAMPLE_NS};
    size_t gdb_runs = 0, shown = 0;

    memset(&d, 0, sizeof(d));
    d.student_files = req->student_files;
    d.clk_tck = sysconf(_SC_CLK_TCK);
    d.procs = calloc(req->npids > 0 ? req->npids : 1, sizeof(*d.procs));
    if (d.procs == NULL)
        return NULL;
    for (size_t i = 0; i < req->npids; i++) {
        struct hproc *p = &d.procs[d.nprocs];
        char path[64];

        if (d.nprocs == MAX_PROCESSES) {
            d.more_procs = req->npids - i;
            break;
        }
        p->pid = req->pids[i];
        p->memfd = -1;
        snprintf(path, sizeof(path), "/proc/%d/comm", (int)p->pid);
        threads_read_line(path, p->comm, sizeof(p->comm));
        if (threads_list(p) != 0) {
            free(p->threads);
            memset(p, 0, sizeof(*p));
            continue; /* it ended meanwhile */
        }
        d.nprocs++;
    }
    /* EINTR: a signal came; sleep the rest of the sample. */
    while (nanosleep(&sample, &sample) != 0 && errno == EINTR)
        continue;
    for (size_t i = 0; i < d.nprocs; i++)
        for (size_t j = 0; j < d.procs[i].nthreads; j++)
            threads_inspect(&d.procs[i].threads[j]);
    threads_link(&d);

    /* A process all of whose threads wait for children (a test runner's
     * parent, a shell) only waits for the rest of the story. */
    for (size_t i = 0; i < d.nprocs; i++) {
        struct hproc *p = &d.procs[i];
        bool waits = p->nthreads > 0;

        for (size_t j = 0; j < p->nthreads; j++)
            waits = waits && (p->threads[j].kind == WAIT_CHILD ||
                              p->threads[j].kind == WAIT_GONE);
        p->skip = waits;
        shown += !waits;
    }
    if (shown == 0)
        for (size_t i = 0; i < d.nprocs; i++)
            d.procs[i].skip = false;

    /* gdb stops the threads it attaches to: /proc was read first. */
    gdb_find(&d, req->gdb);
    for (size_t i = 0; i < d.nprocs && d.gdb_path[0] != '\0'; i++) {
        if (d.procs[i].skip || d.procs[i].nthreads == 0)
            continue;
        if (gdb_runs++ == MAX_GDB_PROCESSES)
            break;
        gdb_backtraces(&d, &d.procs[i]);
    }

    explain_hang(&b, &d, req->seconds);
    for (size_t i = 0; i < d.nprocs; i++) {
        for (size_t j = 0; j < d.procs[i].nthreads; j++)
            free(d.procs[i].threads[j].frames);
        free(d.procs[i].threads);
        if (d.procs[i].memfd >= 0 && close(d.procs[i].memfd) != 0) {
            /* Read-only: a failed close loses nothing. */
        }
    }
    free(d.procs);
    if (b.failed) {
        text_free(&b);
        return NULL;
    }
    return text_steal(&b);
}

char *
hang_hook(void *options, const pid_t *pids, size_t npids, double seconds)
{
    const struct hang_options *o = options;
    struct hang_request req = {
        .pids = pids,
        .npids = npids,
        .seconds = seconds,
        .student_files = o != NULL ? o->student_files : NULL,
        .gdb = o != NULL ? o->gdb : NULL,
    };

    return hang_diagnose(&req);
}
