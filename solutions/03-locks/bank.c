/* SPDX-License-Identifier: MIT */
/* Lab 03 "Races and locks", part 2: reference solution. One mutex per
 * account; a transfer holds the locks of its two accounts, taken in index
 * order, and no other, so transfers on four different accounts run at the
 * same time. */
#include "bank.h"

#include "kit_pthread.h"

void
bank_init(struct bank *bank, struct account *accounts, int naccounts,
          long initial)
{
    bank->accounts = accounts;
    bank->naccounts = naccounts;
    for (int i = 0; i < naccounts; i++) {
        Pthread_mutex_init(&accounts[i].lock, NULL);
        accounts[i].balance = initial;
        accounts[i].transfers = 0;
        accounts[i].ledger = 0;
    }
}

void
bank_transfer(struct bank *bank, const struct transfer *t)
{
    struct account *from = &bank->accounts[t->from];
    struct account *to = &bank->accounts[t->to];

    /* One account: one lock. Taking it "twice", as the general case below
     * would, never returns: a default mutex does not know its owner is
     * asking again. */
    if (from == to) {
        Pthread_mutex_lock(&from->lock);
        from->transfers++;
        from->ledger += bank_stamp(t);
        Pthread_mutex_unlock(&from->lock);
        return;
    }

    /* Lower index first, whichever way the money goes. Every transfer then
     * waits only for locks of higher index than one it holds, so no cycle
     * of transfers each waiting for the next can form: no deadlock. */
    struct account *first = t->from < t->to ? from : to;
    struct account *second = t->from < t->to ? to : from;

    Pthread_mutex_lock(&first->lock);
    Pthread_mutex_lock(&second->lock);
    /* The stamp is the transfer's work, done under its accounts' locks as
     * the global version does it under the global lock: what differs is
     * only which transfers must wait. */
    uint64_t stamp = bank_stamp(t);
    from->balance -= t->amount;
    to->balance += t->amount;
    from->transfers++;
    to->transfers++;
    from->ledger += stamp;
    to->ledger += stamp;
    Pthread_mutex_unlock(&second->lock);
    Pthread_mutex_unlock(&first->lock);
}

void
bank_destroy(struct bank *bank)
{
    for (int i = 0; i < bank->naccounts; i++)
        Pthread_mutex_destroy(&bank->accounts[i].lock);
}
