/* SPDX-License-Identifier: MIT */
/**
 * @file processes.h
 * @brief Lab 04 "Processes": the functions you write in processes.c.
 *
 * Four ways to put child processes to work, from the bare system calls to a
 * process pool like Python's `multiprocessing.Pool.map`:
 *
 * - run_children() starts children with fork(), lets each run a function,
 *   and collects every exit status with waitpid();
 * - sum_pipes() and sum_shared() split a sum among children and bring the
 *   partial sums back, through pipes or through shared memory;
 * - pool_map() keeps a fixed number of worker processes busy, handing out
 *   items one at a time as workers become free, and reports a worker that
 *   dies instead of waiting for it forever.
 *
 * Rules for all four:
 *
 * - every child is waited for before the function returns, whatever went
 *   wrong: no zombie, and no process of yours left running;
 * - a child ends with `_exit()`, never by returning into the caller's code
 *   (it would go on running the caller's program) and never with `exit()`
 *   (it would run the parent's exit handlers and flush the parent's stdio
 *   buffers a second time);
 * - every call to fork, pipe, read, write, waitpid, mmap and munmap is
 *   checked, and reads and writes on a pipe are looped until every byte has
 *   gone through;
 * - no busy waiting: a process that waits for another blocks in read(),
 *   poll() or waitpid() and uses no CPU meanwhile.
 */
#ifndef PROCESSES_H
#define PROCESSES_H

/**
 * Start @p nprocs children at once; child `i` calls `body(i, arg)` and exits
 * with what it returns as its exit status (only the low 8 bits survive, as
 * for any exit status). Then wait for every child and store its wait status,
 * as waitpid() reports it, in `statuses[i]`: `WIFEXITED(statuses[i])` and
 * `WEXITSTATUS(statuses[i])` tell what child `i` returned,
 * `WIFSIGNALED(statuses[i])` and `WTERMSIG(statuses[i])` which signal
 * killed it.
 *
 * All children must run at the same time: start them all before waiting for
 * any. Each child has its own copy of the parent's memory, so what `body`
 * writes is never seen by the parent.
 *
 * @param nprocs   number of children, at least 1
 * @param body     what each child runs; its return value is the exit status
 * @param arg      passed to every call of @p body as is
 * @param statuses @p nprocs entries; receives the wait status of each child,
 *                 by index, whichever order they end in
 * @return 0 when every child was started and waited for; -1 when a fork
 *         failed (the children already started are still waited for)
 */
int run_children(int nprocs, int (*body)(int index, void *arg), void *arg,
                 int *statuses);

/**
 * The sum of `f(i)` for i = 0, ..., n - 1, split among @p nprocs processes,
 * each partial sum sent back to the parent through a pipe. The result must
 * match sum_serial(f, n) (serial.h) up to the order of the additions (to
 * within the reordering bound of the sum, kit_bench_sum_bound()).
 *
 * Create either @p nprocs children, or @p nprocs - 1 while the parent sums
 * one share itself; the tests accept both and nothing else.
 *
 * @param f      the function to sum; called only in the children (and in
 *               the parent, if it takes a share)
 * @param n      number of terms, at least 1; may be smaller than @p nprocs
 * @param nprocs number of processes that compute, at least 1
 * @param sum    receives the sum on success; untouched on failure
 * @return 0 on success; -1 when a system call failed or a child did not
 *         deliver its partial sum (it crashed, or exited with a status other
 *         than 0)
 */
int sum_pipes(double (*f)(long), long n, int nprocs, double *sum);

/**
 * The same sum as sum_pipes(), with the partial sums brought back through
 * memory shared by the parent and its children: a mapping made with
 * `mmap(MAP_SHARED | MAP_ANONYMOUS)` before the children are forked, which
 * each child writes its partial sum into and the parent reads after waiting
 * for them. The mapping is unmapped before the function returns.
 *
 * @param f      the function to sum
 * @param n      number of terms, at least 1
 * @param nprocs number of processes that compute, at least 1
 * @param sum    receives the sum on success; untouched on failure
 * @return 0 on success; -1 when a system call failed or a child did not end
 *         with exit status 0 (then its share of the memory may never have
 *         been written)
 */
int sum_shared(double (*f)(long), long n, int nprocs, double *sum);

/** Why pool_map() failed: filled in when it returns -1. */
struct pool_error {
    /** Index in `items` of the item whose worker died while computing it;
     * -1 when the failure was tied to no item (a fork or a pipe failed, or
     * a worker died while it had no item). */
    long item;
    /** The signal that killed that worker, or 0 if no signal did. */
    int signal;
    /** The worker's exit status if it exited by itself (say `_exit(3)` in
     * the work function), or -1 if it did not exit by itself. */
    int exit_status;
    /** One line in words, naming the item and the signal or status, e.g.
     * "item 7: worker 4242 was killed by signal 9 (Killed)". */
    char message[256];
};

/**
 * Like Python's `multiprocessing.Pool(nworkers).map(f, items)`: compute
 * `results[i] = f(items[i])` for every i in [0, @p nitems), in
 * min(@p nworkers, @p nitems) worker processes started for this call.
 *
 * The parent hands out items one at a time, over a pipe to each worker, and
 * each worker sends back each result over a pipe of its own; a worker that
 * sends a result gets the next item not yet handed out. So a worker that
 * draws a slow item does not hold up the others: items of uneven cost still
 * keep every worker busy, which a fixed split made in advance cannot do.
 *
 * When a worker dies (killed by a signal, or exiting without sending its
 * result), the call stops every other worker, waits for all of them, fills
 * in @p err and returns -1, promptly: it neither waits for the items still
 * to come nor hangs. Every worker has been waited for when the call returns,
 * on success and on failure.
 *
 * @param f        the work function; called only in the workers
 * @param items    @p nitems inputs; read by the workers from their copy of
 *                 the parent's memory, so only an item's index needs to
 *                 cross a pipe
 * @param nitems   number of items, 0 or more (0: return 0 at once)
 * @param results  @p nitems entries; `results[i]` receives `f(items[i])`
 * @param nworkers number of worker processes, at least 1
 * @param err      receives what went wrong when the call returns -1; may be
 *                 NULL
 * @return 0 when every result is in @p results; -1 on failure, with @p err
 *         filled in
 */
int pool_map(double (*f)(long), const long *items, long nitems, double *results,
             int nworkers, struct pool_error *err);

#endif
