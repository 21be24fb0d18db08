/* SPDX-License-Identifier: MIT */
/* Lab 03 "Races and locks": the kit's global-lock bank. One lock for every
 * account of every bank, held for a whole transfer: correct, and never
 * faster on many threads than on one. bench measures your fine-grained bank
 * against this one run on a single thread. Kit-owned. */
#include "global.h"

#include "kit_pthread.h"

/* The one lock, like CPython's global interpreter lock: whoever holds it may
 * touch any account; nobody else may touch any. A named global, so that a
 * debugger (and the grader's hang report) can call it by its name. */
static pthread_mutex_t global_bank_lock = PTHREAD_MUTEX_INITIALIZER;

void
bank_global_init(struct bank *bank, struct account *accounts, int naccounts,
                 long initial)
{
    bank->accounts = accounts;
    bank->naccounts = naccounts;
    for (int i = 0; i < naccounts; i++) {
        accounts[i].balance = initial;
        accounts[i].transfers = 0;
        accounts[i].ledger = 0;
    }
}

void
bank_transfer_global(struct bank *bank, const struct transfer *t)
{
    struct account *from = &bank->accounts[t->from];
    struct account *to = &bank->accounts[t->to];

    /* Everything a transfer does happens under the one lock, its work
     * (the stamp) included, as all of a Python thread's bytecode runs under
     * the GIL. So two transfers never overlap, even on two accounts they do
     * not share. */
    Pthread_mutex_lock(&global_bank_lock);
    uint64_t stamp = bank_stamp(t);
    from->transfers++;
    from->ledger += stamp;
    if (to != from) {
        from->balance -= t->amount;
        to->balance += t->amount;
        to->transfers++;
        to->ledger += stamp;
    }
    Pthread_mutex_unlock(&global_bank_lock);
}

void
bank_global_destroy(struct bank *bank)
{
    (void)bank;
}
