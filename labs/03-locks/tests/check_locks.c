/* SPDX-License-Identifier: MIT */
/* Lab 03 "Races and locks": public tests. Counts are compared with the
 * exact count over many thread counts; the bank is compared, account by
 * account, with a model the tests compute on one thread; the locks a
 * transfer takes are watched by tests/lock_trace.c. No test measures time,
 * so they pass on one core as well as on sixty-four. */
#include "bank.h"
#include "counter.h"
#include "kit_hidden.h"
#include "kit_pthread.h"
#include "kit_sanitizer.h"
#include "ledger.h"
#include "lock_trace.h"
#include "pool.h"

#include <check.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(array) ((int)(sizeof(array) / sizeof((array)[0])))

/* ---- Counters ---- */

/* Each count is tried with each thread count of its list. 64 is far more
 * threads than most machines have CPUs, so threads are also interrupted
 * mid-increment. A race shows in the count only when threads run at the
 * same time for long enough, which they do in the long run of each counter,
 * so that a race is caught even on a busy machine (and tried on 16 threads
 * as well as 64, as a second chance). */
static const int many_threads[] = {1, 2, 3, 4, 7, 8, 16, 64};
static const int few_threads[] = {2, 8, 16, 64};

/* Under a sanitizer, which slows a mutex ten times and an atomic more, the
 * long runs are shorter: there the sanitizer, not the count, finds a race,
 * on the first increments (kit_sanitizer.h). */
#define LONG_RUN_DIVISOR KIT_LONG_RUN(1, 20)

struct count_case {
    long per_thread; /* 0: the counter's long run */
    const int *threads;
    int nthreads;
};

static const struct count_case count_cases[] = {
    {1, many_threads, COUNT(many_threads)},
    {1000, many_threads, COUNT(many_threads)},
    {0, few_threads, COUNT(few_threads)},
};

struct counter_fn {
    const char *name;
    long (*count)(long per_thread, int nthreads);
    long long_run; /* increments per thread of its longest case */
};

/* A mutex increment costs several times an atomic one, and more again when
 * contended: the mutex's long run is shorter, to keep the suite quick. */
static const struct counter_fn counter_fns[] = {
    {"counter_mutex", counter_mutex, 100000 / LONG_RUN_DIVISOR},
    {"counter_atomic", counter_atomic, 1000000 / LONG_RUN_DIVISOR},
    {"counter_local", counter_local, 1000000 / LONG_RUN_DIVISOR},
};

/* Call `c` with the case's increments and each of its thread counts; on a
 * wrong count, describe what went wrong and return false. */
static bool
counts_right(const struct counter_fn *c, const struct count_case *k, char *why,
             size_t whylen)
{
    long per_thread = k->per_thread != 0 ? k->per_thread : c->long_run;
    char tried[128] = "", failed[128] = "", hint[512] = "";
    int nfailed = 0, first_threads = 0;
    long first_got = 0, first_again = 0;
    bool short_on_one = false, unstable = false, over = false;

    for (int i = 0; i < k->nthreads; i++) {
        int threads = k->threads[i];
        long want = per_thread * threads;
        long got = c->count(per_thread, threads), again;
        size_t used = strlen(tried);

        snprintf(tried + used, sizeof(tried) - used, "%s%d", i ? ", " : "",
                 threads);
        if (got == want)
            continue;
        /* A wrong count is asked for once more: a count that changes from
         * call to call on the same input points to a race. */
        again = c->count(per_thread, threads);
        if (nfailed == 0) {
            first_threads = threads;
            first_got = got;
            first_again = again;
        }
        unstable = unstable || again != got;
        over = over || got > want;
        short_on_one = short_on_one || threads == 1;
        used = strlen(failed);
        snprintf(failed + used, sizeof(failed) - used, "%s%d",
                 nfailed ? ", " : "", threads);
        nfailed++;
    }
    if (nfailed == 0)
        return true;

    long want = per_thread * first_threads;
    if (nfailed == k->nthreads && first_got == 0)
        snprintf(hint, sizeof(hint),
                 "; 0 is what the starter returns: not written yet?");
    else if (over)
        snprintf(hint, sizeof(hint),
                 "; a count above per_thread * nthreads: are some increments "
                 "or some threads' counts added twice?");
    else if (first_got == per_thread && first_threads > 1 && !unstable)
        snprintf(hint, sizeof(hint),
                 "; that is one thread's count: are the other threads' counts "
                 "added, after their joins?");
    else if (!short_on_one)
        snprintf(hint, sizeof(hint),
                 "; %ld increments lost, only with several threads%s: "
                 "increments lost to a race (make check MODE=tsan shows "
                 "where)",
                 want - first_got,
                 unstable ? ", the count changing from call to call" : "");
    snprintf(why, whylen,
             "%s(per_thread=%ld, nthreads) is wrong for nthreads = %s (of "
             "%s). With nthreads=%d it returned %ld, expected %ld "
             "(= nthreads x per_thread = %d x %ld); called again, it "
             "returned %ld%s",
             c->name, per_thread, failed, tried, first_threads, first_got, want,
             first_threads, per_thread, first_again, hint);
    return false;
}

/* One test per counter: a race shows only in some cases, and each case
 * stops at its first wrong count. */
START_TEST(counts_exactly)
{
    const struct counter_fn *c = &counter_fns[_i];
    char why[2048];

    for (int k = 0; k < COUNT(count_cases); k++)
        ck_assert_msg(counts_right(c, &count_cases[k], why, sizeof(why)), "%s",
                      why);
}
END_TEST

/* Which mutexes each counter takes, counted by tests/lock_trace.c. */
#define LOCKS_PER_THREAD 5000L
#define LOCKS_THREADS 4

/* Call `c` once with LOCKS_PER_THREAD and LOCKS_THREADS; fail unless the
 * count is right; return the mutexes it locked. */
static long
locks_of(const struct counter_fn *c)
{
    long want = LOCKS_PER_THREAD * LOCKS_THREADS;
    long before = locks_taken();
    long got = c->count(LOCKS_PER_THREAD, LOCKS_THREADS);
    long taken = locks_taken() - before;

    /* The locks of a wrong count mean nothing: the starter takes none. */
    ck_assert_msg(got == want,
                  "%s(per_thread=%ld, nthreads=%d) returned %ld instead of "
                  "%ld; the locks it takes are checked once its count is "
                  "right",
                  c->name, LOCKS_PER_THREAD, LOCKS_THREADS, got, want);
    return taken;
}

START_TEST(mutex_locks_each_increment)
{
    long want = LOCKS_PER_THREAD * LOCKS_THREADS;
    long taken = locks_of(&counter_fns[0]);

    ck_assert_msg(taken >= want,
                  "counter_mutex(per_thread=%ld, nthreads=%d) locked a mutex "
                  "%ld times for %ld increments; expected at least one lock "
                  "per increment: this version takes the mutex around each "
                  "one (counting privately is counter_local's way)",
                  LOCKS_PER_THREAD, LOCKS_THREADS, taken, want);
}
END_TEST

/* counter_mutex's threads must run at the same time: each one's first lock
 * waits (up to 1 s) for the others to come to theirs. */
START_TEST(mutex_threads_run_at_once)
{
    long want = LOCKS_PER_THREAD * LOCKS_THREADS, got;
    bool met;

    lock_rendezvous_start(LOCKS_THREADS, 1000);
    got = counter_mutex(LOCKS_PER_THREAD, LOCKS_THREADS);
    met = lock_rendezvous_stop();
    ck_assert_msg(got == want,
                  "counter_mutex(per_thread=%ld, nthreads=%d) returned %ld "
                  "instead of %ld",
                  LOCKS_PER_THREAD, LOCKS_THREADS, got, want);
    ck_assert_msg(met,
                  "counter_mutex(per_thread=%ld, nthreads=%d): its %d threads "
                  "never ran at the same time (each thread's first lock "
                  "waited 1 s for the others, who never came): is each thread "
                  "joined before the next is created?",
                  LOCKS_PER_THREAD, LOCKS_THREADS, LOCKS_THREADS);
}
END_TEST

START_TEST(atomic_and_local_take_no_lock_per_increment)
{
    const struct counter_fn *c = &counter_fns[1 + _i];
    long taken = locks_of(c);

    ck_assert_msg(taken <= LOCKS_THREADS,
                  "%s(per_thread=%ld, nthreads=%d) locked a mutex %ld times; "
                  "expected at most once per thread (%d): %s",
                  c->name, LOCKS_PER_THREAD, LOCKS_THREADS, taken,
                  LOCKS_THREADS,
                  _i == 0 ? "an atomic increment needs no mutex"
                          : "each thread counts privately, and only its "
                            "final count is shared");
}
END_TEST

/* ---- The bank: a model of what the accounts must hold ---- */

#define MAX_ACCOUNTS 1000
#define OPENING 1000L

/* Accounts as the tests compute them, one transfer after another. */
struct model {
    int n;
    long balance[MAX_ACCOUNTS];
    long transfers[MAX_ACCOUNTS];
    uint64_t ledger[MAX_ACCOUNTS];
};

static struct model model;

static void
model_init(struct model *m, int n, long initial)
{
    m->n = n;
    for (int i = 0; i < n; i++) {
        m->balance[i] = initial;
        m->transfers[i] = 0;
        m->ledger[i] = 0;
    }
}

/* bank.h's definition of a transfer, with nothing in the way. */
static void
model_apply(struct model *m, const struct transfer *t)
{
    uint64_t stamp = bank_stamp(t);

    m->transfers[t->from]++;
    m->ledger[t->from] += stamp;
    if (t->to != t->from) {
        m->balance[t->from] -= t->amount;
        m->balance[t->to] += t->amount;
        m->transfers[t->to]++;
        m->ledger[t->to] += stamp;
    }
}

/* Fill the accounts with a pattern no bank_init leaves, so that an account
 * it forgets is seen. */
static void
scribble(struct account *accounts, int n)
{
    memset(accounts, 0xA5, (size_t)n * sizeof(*accounts));
}

/* What bank_init left in `bank` and `accounts`, against what it must; an
 * empty string when it is right. */
static const char *
init_problem(const struct bank *bank, const struct account *accounts, int n,
             long initial)
{
    static char why[512];

    why[0] = '\0';
    if (bank->accounts != accounts || bank->naccounts != n) {
        snprintf(why, sizeof(why),
                 "bank_init(bank, accounts=%p, naccounts=%d, initial=%ld) "
                 "left bank->accounts = %p and bank->naccounts = %d; "
                 "expected the accounts and the number it was given%s",
                 (const void *)accounts, n, initial,
                 (const void *)bank->accounts, bank->naccounts,
                 bank->accounts == NULL ? " (is bank_init written yet?)" : "");
        return why;
    }
    for (int i = 0; i < n; i++) {
        const struct account *a = &accounts[i];
        const char *field = a->balance != initial ? "balance"
                            : a->transfers != 0   ? "transfers"
                            : a->ledger != 0      ? "ledger"
                                                  : NULL;
        if (field == NULL)
            continue;
        snprintf(why, sizeof(why),
                 "after bank_init(bank, accounts, naccounts=%d, "
                 "initial=%ld), accounts[%d] has balance %ld, transfers %ld, "
                 "ledger %" PRIu64 "; expected balance %ld, transfers 0, "
                 "ledger 0 (the storage holds garbage on entry%s)",
                 n, initial, i, a->balance, a->transfers, a->ledger, initial,
                 i == 0 ? ": is bank_init written yet?" : "");
        return why;
    }
    return why;
}

/* The accounts against the model, after `what`: the total first (money made
 * or lost), then the first account that differs. Empty when they agree. */
static const char *
state_problem(const struct account *accounts, const struct model *m,
              const char *what)
{
    static char why[2048];
    /* Sums in unsigned arithmetic, which wraps: a broken bank may leave
     * any value in an account, and a signed overflow here would be
     * undefined behaviour in the tests themselves. */
    unsigned long total = 0, want_total = 0, all_transfers = 0,
                  want_transfers = 0;
    int differ = 0, first = -1;

    for (int i = 0; i < m->n; i++) {
        const struct account *a = &accounts[i];

        total += (unsigned long)a->balance;
        want_total += (unsigned long)m->balance[i];
        all_transfers += (unsigned long)a->transfers;
        want_transfers += (unsigned long)m->transfers[i];
        if (a->balance != m->balance[i] || a->transfers != m->transfers[i] ||
            a->ledger != m->ledger[i]) {
            differ++;
            if (first < 0)
                first = i;
        }
    }
    why[0] = '\0';
    if (differ == 0)
        return why;

    const struct account *a = &accounts[first];
    char total_note[256] = "", hint[512] = "";
    if (total != want_total)
        snprintf(total_note, sizeof(total_note),
                 "the balances add up to %ld instead of %ld (money was made "
                 "or lost); ",
                 (long)total, (long)want_total);
    if (all_transfers == 0 && want_transfers > 0)
        snprintf(hint, sizeof(hint),
                 ": no transfer was counted at all; is bank_transfer written "
                 "yet?");
    else if (all_transfers < want_transfers)
        snprintf(hint, sizeof(hint),
                 ": %ld of the %ld account updates were lost, the mark of two "
                 "threads updating one account at once without its lock",
                 (long)(want_transfers - all_transfers), (long)want_transfers);
    else if (all_transfers > want_transfers)
        snprintf(hint, sizeof(hint),
                 ": %ld account updates more than the transfers make; is a "
                 "transfer to the same account counted twice?",
                 (long)(all_transfers - want_transfers));
    else if (a->transfers == m->transfers[first] &&
             a->ledger == m->ledger[first])
        snprintf(hint, sizeof(hint),
                 ": every transfer was counted, but a balance is off; is "
                 "the amount taken from `from` and given to `to`, even to a "
                 "balance below zero?");
    else
        snprintf(hint, sizeof(hint),
                 ": a ledger differs; is bank_stamp(t) added to each account "
                 "a transfer touches, once?");
    snprintf(why, sizeof(why),
             "after %s: %s%d of %d accounts differ from bank.h's definition "
             "applied one transfer after another; "
             "the first, accounts[%d], has balance %ld, transfers %ld, "
             "ledger %" PRIu64 "; expected balance %ld, transfers %ld, ledger "
             "%" PRIu64 "%s",
             what, total_note, differ, m->n, first, a->balance, a->transfers,
             a->ledger, m->balance[first], m->transfers[first],
             m->ledger[first], hint);
    return why;
}

/* ---- The bank, on one thread ---- */

/* Storage of the one-thread and lock order tests; a named global, so that
 * a hang report can name the lock a thread waits for. */
/* One more than any test opens: the account after the last is a guard,
 * scribbled, that no function of the bank may touch. */
static struct account one_accounts[MAX_ACCOUNTS + 1];

struct opening {
    int naccounts;
    long initial;
};

static const struct opening openings[] = {
    {1, 0}, {2, 1000}, {10, -5}, {MAX_ACCOUNTS, 123456789}};

START_TEST(init_opens_every_account)
{
    const struct opening *o = &openings[_i];
    struct bank bank = {NULL, 0};
    const char *why;

    struct account guard;

    scribble(one_accounts, o->naccounts + 1);
    guard = one_accounts[o->naccounts];
    bank_init(&bank, one_accounts, o->naccounts, o->initial);
    why = init_problem(&bank, one_accounts, o->naccounts, o->initial);
    ck_assert_msg(why[0] == '\0', "%s", why);
    ck_assert_msg(memcmp(&guard, &one_accounts[o->naccounts], sizeof(guard)) ==
                      0,
                  "bank_init(bank, accounts, naccounts=%d, ...) wrote to "
                  "accounts[%d], one past the last account: a loop that runs "
                  "to i <= naccounts?",
                  o->naccounts, o->naccounts);
    bank_destroy(&bank);
    ck_assert_msg(memcmp(&guard, &one_accounts[o->naccounts], sizeof(guard)) ==
                      0,
                  "bank_destroy(bank) with %d accounts touched accounts[%d], "
                  "one past the last: a loop that runs to i <= naccounts?",
                  o->naccounts, o->naccounts);
}
END_TEST

/* Open 5 accounts of OPENING, apply `t` with bank_transfer, compare. */
static void
one_transfer(const struct transfer *t, const char *about)
{
    struct bank bank = {NULL, 0};
    char what[256];
    const char *why;

    scribble(one_accounts, 5);
    bank_init(&bank, one_accounts, 5, OPENING);
    why = init_problem(&bank, one_accounts, 5, OPENING);
    ck_assert_msg(why[0] == '\0', "%s", why);
    model_init(&model, 5, OPENING);
    bank_transfer(&bank, t);
    model_apply(&model, t);
    snprintf(what, sizeof(what),
             "bank_transfer(from=%d, to=%d, amount=%ld) on 5 accounts of "
             "%ld (%s)",
             t->from, t->to, t->amount, OPENING, about);
    why = state_problem(one_accounts, &model, what);
    bank_destroy(&bank);
    ck_assert_msg(why[0] == '\0', "%s", why);
}

START_TEST(transfer_moves_the_amount)
{
    one_transfer(&(struct transfer){.from = 1, .to = 3, .amount = 40},
                 "40 from accounts[1] to accounts[3], a stamp on each");
}
END_TEST

START_TEST(transfer_to_a_lower_index)
{
    one_transfer(&(struct transfer){.from = 4, .to = 0, .amount = 7},
                 "7 from accounts[4] to accounts[0]");
}
END_TEST

START_TEST(transfer_may_overdraw)
{
    one_transfer(&(struct transfer){.from = 2, .to = 1, .amount = 2500},
                 "accounts[2] goes to -1500: overdrafts are allowed");
}
END_TEST

START_TEST(transfer_to_the_same_account)
{
    struct bank bank = {NULL, 0};
    const struct transfer self = {.from = 2, .to = 2, .amount = 40};
    const struct transfer after = {.from = 2, .to = 0, .amount = 10};
    const char *why;

    scribble(one_accounts, 5);
    bank_init(&bank, one_accounts, 5, OPENING);
    why = init_problem(&bank, one_accounts, 5, OPENING);
    ck_assert_msg(why[0] == '\0', "%s", why);
    model_init(&model, 5, OPENING);
    /* If this call never returns, accounts[2]'s lock was taken twice by one
     * thread; if the next one never returns, it was left locked. */
    bank_transfer(&bank, &self);
    model_apply(&model, &self);
    why = state_problem(one_accounts, &model,
                        "bank_transfer(from=2, to=2, amount=40) on 5 accounts "
                        "of 1000 (the balance stays, one transfer and one "
                        "stamp are counted on accounts[2])");
    ck_assert_msg(why[0] == '\0', "%s", why);
    bank_transfer(&bank, &after);
    model_apply(&model, &after);
    why = state_problem(one_accounts, &model,
                        "bank_transfer(from=2, to=2, amount=40), then "
                        "bank_transfer(from=2, to=0, amount=10)");
    bank_destroy(&bank);
    ck_assert_msg(why[0] == '\0', "%s", why);
}
END_TEST

START_TEST(many_transfers_one_thread)
{
    const int n = 50;
    const long ntransfers = 20000;
    struct transfer *transfers =
        malloc((size_t)ntransfers * sizeof(*transfers));
    struct bank bank = {NULL, 0};
    char what[256];
    const char *why;

    ck_assert_msg(transfers != NULL, "out of memory for %ld transfers",
                  ntransfers);
    bank_random_transfers(transfers, ntransfers, n, 42);
    scribble(one_accounts, n);
    bank_init(&bank, one_accounts, n, OPENING);
    why = init_problem(&bank, one_accounts, n, OPENING);
    if (why[0] == '\0') {
        model_init(&model, n, OPENING);
        for (long i = 0; i < ntransfers; i++) {
            bank_transfer(&bank, &transfers[i]);
            model_apply(&model, &transfers[i]);
        }
        snprintf(what, sizeof(what),
                 "%ld random transfers (seed 42) among %d accounts, one "
                 "after another on one thread",
                 ntransfers, n);
        why = state_problem(one_accounts, &model, what);
        bank_destroy(&bank);
    }
    /* Freed before the verdict: a failed assertion ends the test's process,
     * and LeakSanitizer would blame this test's array. */
    free(transfers);
    ck_assert_msg(why[0] == '\0', "%s", why);
}
END_TEST

/* ---- The locks a transfer takes ---- */

#define ORDER_ACCOUNTS 10

struct pair {
    int from, to;
};

static const struct pair pairs[] = {{2, 5}, {5, 2}, {0, 9},
                                    {9, 0}, {3, 4}, {7, 7}};

/* "accounts[5].lock", or what else the mutex is. */
static const char *
lock_name(const pthread_mutex_t *mutex, char *buf, size_t len)
{
    for (int i = 0; i < ORDER_ACCOUNTS; i++)
        if (mutex == &one_accounts[i].lock) {
            snprintf(buf, len, "accounts[%d].lock", i);
            return buf;
        }
    snprintf(buf, len, "the mutex at %p, no account's lock",
             (const void *)mutex);
    return buf;
}

/* "lock accounts[2].lock, lock accounts[5].lock, unlock ..." */
static const char *
describe_events(const struct lock_event *events, int n)
{
    static char text[1024];
    char name[96];

    text[0] = '\0';
    for (int i = 0; i < n && i < LOCK_TRACE_MAX; i++) {
        size_t used = strlen(text);
        snprintf(text + used, sizeof(text) - used, "%s%s %s", i ? ", " : "",
                 events[i].lock ? "lock" : "unlock",
                 lock_name(events[i].mutex, name, sizeof(name)));
    }
    if (n > LOCK_TRACE_MAX) {
        size_t used = strlen(text);
        snprintf(text + used, sizeof(text) - used, ", ... (%d calls)", n);
    }
    return text;
}

START_TEST(takes_its_accounts_locks_lower_first)
{
    const struct pair *p = &pairs[_i];
    const struct transfer t = {.from = p->from, .to = p->to, .amount = 1};
    const pthread_mutex_t *low =
        &one_accounts[p->from < p->to ? p->from : p->to].lock;
    const pthread_mutex_t *high =
        &one_accounts[p->from < p->to ? p->to : p->from].lock;
    struct lock_event events[LOCK_TRACE_MAX];
    struct bank bank = {NULL, 0};
    char call[128], name[96], other[96];
    const char *why;
    int n, locks = 0, unlocks = 0;
    bool foreign = false;

    scribble(one_accounts, ORDER_ACCOUNTS);
    bank_init(&bank, one_accounts, ORDER_ACCOUNTS, OPENING);
    why = init_problem(&bank, one_accounts, ORDER_ACCOUNTS, OPENING);
    ck_assert_msg(why[0] == '\0', "%s", why);
    lock_trace_start();
    bank_transfer(&bank, &t);
    n = lock_trace_stop(events);
    bank_destroy(&bank);

    snprintf(call, sizeof(call), "bank_transfer(from=%d, to=%d, amount=1)",
             t.from, t.to);
    for (int i = 0; i < n && i < LOCK_TRACE_MAX; i++) {
        locks += events[i].lock;
        unlocks += !events[i].lock;
        foreign =
            foreign || (events[i].mutex != low && events[i].mutex != high);
    }
    ck_assert_msg(n > 0,
                  "%s took no lock; it must hold the lock of each account it "
                  "changes while it changes it",
                  call);
    ck_assert_msg(!foreign,
                  "%s did: %s. It must take its accounts' own locks and no "
                  "other: one lock for the whole bank is the global version "
                  "this lab measures yours against",
                  call, describe_events(events, n));
    if (low == high) {
        ck_assert_msg(n == 2 && events[0].lock && !events[1].lock,
                      "%s did: %s; expected lock %s, then unlock it: one "
                      "account, one lock, taken once",
                      call, describe_events(events, n),
                      lock_name(low, name, sizeof(name)));
        return;
    }
    ck_assert_msg(locks == 2 && n == 4 && events[0].lock && events[1].lock &&
                      events[0].mutex != events[1].mutex,
                  "%s did: %s; expected both accounts' locks taken, then both "
                  "released",
                  call, describe_events(events, n));
    ck_assert_msg(events[0].mutex == low,
                  "%s did: %s. Take the lower index first, whichever way the "
                  "money goes: otherwise a transfer from=%d to=%d, taking "
                  "its `from` first too, can hold %s while this one holds "
                  "%s, each waiting for the other's (a deadlock)",
                  call, describe_events(events, n), t.to, t.from,
                  lock_name(low, name, sizeof(name)),
                  lock_name(high, other, sizeof(other)));
    ck_assert_msg(unlocks == 2 && !events[2].lock && !events[3].lock &&
                      events[2].mutex != events[3].mutex,
                  "%s did: %s; expected both locks released before it "
                  "returns",
                  call, describe_events(events, n));
}
END_TEST

/* ---- Many threads at once ---- */

/* Storage of the stress tests' banks; a named global, so that a hang report
 * names the locks as stress_accounts + offset. */
static struct account stress_accounts[MAX_ACCOUNTS];

struct stress {
    const char *what;
    int naccounts;
    long ntransfers;
    int threads;
};

/* The hot cases first: with two or three accounts, transfers in both
 * directions meet all the time, which is when locks taken in an
 * inconsistent order deadlock. */
static const struct stress stresses[] = {
    {"back and forth between 2 accounts", 2, 50000 / LONG_RUN_DIVISOR, 4},
    {"back and forth between 2 accounts", 2, 50000 / LONG_RUN_DIVISOR, 16},
    {"among 3 accounts, a third of them to the same account", 3,
     50000 / LONG_RUN_DIVISOR, 8},
    {"among 10 accounts", 10, 100000 / LONG_RUN_DIVISOR, 8},
    {"among 1000 accounts", 1000, 100000 / LONG_RUN_DIVISOR, 2},
    {"among 1000 accounts", 1000, 100000 / LONG_RUN_DIVISOR, 4},
    {"among 1000 accounts", 1000, 100000 / LONG_RUN_DIVISOR, 8},
    {"among 1000 accounts", 1000, 100000 / LONG_RUN_DIVISOR, 64},
};

START_TEST(invariants_under_stress)
{
    const struct stress *s = &stresses[_i];
    uint64_t seed = 100 + (uint64_t)_i;
    struct transfer *transfers =
        malloc((size_t)s->ntransfers * sizeof(*transfers));
    struct bank bank = {NULL, 0};
    char what[256];
    const char *why;

    ck_assert_msg(transfers != NULL, "out of memory for %ld transfers",
                  s->ntransfers);
    bank_random_transfers(transfers, s->ntransfers, s->naccounts, seed);
    scribble(stress_accounts, s->naccounts);
    bank_init(&bank, stress_accounts, s->naccounts, OPENING);
    why = init_problem(&bank, stress_accounts, s->naccounts, OPENING);
    if (why[0] == '\0') {
        /* The kit's pool hands each transfer to one of the threads; the
         * model applies them one after another. Transfers commute, so the
         * two must agree exactly. */
        pool_run(&bank, transfers, s->ntransfers, s->threads, bank_transfer);
        bank_destroy(&bank);
        model_init(&model, s->naccounts, OPENING);
        for (long i = 0; i < s->ntransfers; i++)
            model_apply(&model, &transfers[i]);
        snprintf(what, sizeof(what),
                 "%ld random transfers (seed %" PRIu64 ") %s, applied by %d "
                 "threads of the pool",
                 s->ntransfers, seed, s->what, s->threads);
        why = state_problem(stress_accounts, &model, what);
    }
    free(transfers);
    ck_assert_msg(why[0] == '\0', "%s", why);
}
END_TEST

/* ---- Threads that share no lock ---- */

/* Each thread transfers among accounts of its own, a slice of the batch
 * assigned before the threads start; they start together (a barrier) and
 * share no lock and no counter. Nothing but the code under test then
 * orders what one thread does against what another does: code that reads
 * or writes an account without its lock, on whatever path and however
 * rarely, meets the writes of the thread that owns the account with
 * nothing between them, and ThreadSanitizer sees the race every time.
 * (In the stress tests above, the threads share accounts, so their locks
 * order almost every pair of accesses, a racy one included.) */
#define OWN_THREADS 4
#define OWN_ACCOUNTS 8                            /* per thread */
#define OWN_TRANSFERS KIT_LONG_RUN(50000L, 8192L) /* per thread */

struct own_share {
    pthread_t tid;
    struct bank *bank;
    const struct transfer *transfers;
    long n;
    pthread_barrier_t *start;
};

static void *
transfer_own_share(void *arg)
{
    struct own_share *s = arg;

    Pthread_barrier_wait(s->start);
    for (long i = 0; i < s->n; i++)
        bank_transfer(s->bank, &s->transfers[i]);
    return NULL;
}

START_TEST(threads_on_accounts_of_their_own)
{
    const long per_thread = OWN_TRANSFERS, n = OWN_THREADS * per_thread;
    const int naccounts = OWN_THREADS * OWN_ACCOUNTS;
    struct transfer *transfers = malloc((size_t)n * sizeof(*transfers));
    struct own_share shares[OWN_THREADS];
    pthread_barrier_t start;
    struct bank bank = {NULL, 0};
    char what[256];
    const char *why;

    ck_assert_msg(transfers != NULL, "out of memory for %ld transfers", n);
    for (int t = 0; t < OWN_THREADS; t++) {
        struct transfer *slice = transfers + t * per_thread;
        bank_random_transfers(slice, per_thread, OWN_ACCOUNTS,
                              200 + (uint64_t)t);
        for (long i = 0; i < per_thread; i++) {
            slice[i].from += t * OWN_ACCOUNTS;
            slice[i].to += t * OWN_ACCOUNTS;
        }
        shares[t] = (struct own_share){.bank = &bank,
                                       .transfers = slice,
                                       .n = per_thread,
                                       .start = &start};
    }
    scribble(stress_accounts, naccounts);
    bank_init(&bank, stress_accounts, naccounts, OPENING);
    why = init_problem(&bank, stress_accounts, naccounts, OPENING);
    if (why[0] == '\0') {
        Pthread_barrier_init(&start, NULL, OWN_THREADS);
        for (int t = 1; t < OWN_THREADS; t++)
            Pthread_create(&shares[t].tid, NULL, transfer_own_share,
                           &shares[t]);
        transfer_own_share(&shares[0]);
        for (int t = 1; t < OWN_THREADS; t++)
            Pthread_join(shares[t].tid, NULL);
        Pthread_barrier_destroy(&start);
        bank_destroy(&bank);
        model_init(&model, naccounts, OPENING);
        for (long i = 0; i < n; i++)
            model_apply(&model, &transfers[i]);
        snprintf(what, sizeof(what),
                 "%d threads, each making %ld random transfers among %d "
                 "accounts of its own (threads that share no account)",
                 OWN_THREADS, per_thread, OWN_ACCOUNTS);
        why = state_problem(stress_accounts, &model, what);
    }
    free(transfers);
    ck_assert_msg(why[0] == '\0', "%s", why);
}
END_TEST

static Suite *
locks_suite(void)
{
    Suite *s = suite_create("03-locks");
    TCase *counters = tcase_create("counters");
    TCase *bank = tcase_create("bank");
    TCase *order = tcase_create("lock order");
    TCase *stress = tcase_create("stress");

    tcase_add_loop_test(counters, counts_exactly, 0, COUNT(counter_fns));
    tcase_add_test(counters, mutex_locks_each_increment);
    tcase_add_test(counters, mutex_threads_run_at_once);
    tcase_add_loop_test(counters, atomic_and_local_take_no_lock_per_increment,
                        0, 2);
    tcase_add_loop_test(bank, init_opens_every_account, 0, COUNT(openings));
    tcase_add_test(bank, transfer_moves_the_amount);
    tcase_add_test(bank, transfer_to_a_lower_index);
    tcase_add_test(bank, transfer_may_overdraw);
    tcase_add_test(bank, transfer_to_the_same_account);
    tcase_add_test(bank, many_transfers_one_thread);
    tcase_add_loop_test(order, takes_its_accounts_locks_lower_first, 0,
                        COUNT(pairs));
    tcase_add_loop_test(stress, invariants_under_stress, 0, COUNT(stresses));
    tcase_add_test(stress, threads_on_accounts_of_their_own);
    suite_add_tcase(s, counters);
    suite_add_tcase(s, bank);
    suite_add_tcase(s, order);
    suite_add_tcase(s, stress);
    /* The instructor's hidden test cases, where the course has some
     * (kit_hidden.h); none in your kit. */
    kit_hidden_tcases(s);
    return s;
}

int
main(void)
{
    SRunner *runner;
    int failed;

    /* The code under test finds the same environment in every build. */
    kit_sanitizer_options_forget();
    runner = srunner_create(locks_suite());

    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
