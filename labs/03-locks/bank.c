/* SPDX-License-Identifier: MIT */
/* Lab 03 "Races and locks", part 2: the bank's fine-grained locking, one
 * mutex per account. One of the two files you edit. bank.h says what each
 * function must do; global.c is the kit's one-lock version to compare with;
 * bench measures yours against it. */
#include "bank.h"

#include "kit_pthread.h" /* Pthread_mutex_init, Pthread_mutex_lock, ... */

void
bank_init(struct bank *bank, struct account *accounts, int naccounts,
          long initial)
{
    /* TODO(student): point bank at the accounts, and give each account an
     * initialised lock, the initial balance, and no transfers yet (the
     * storage holds anything on entry). */
    (void)bank;
    (void)accounts;
    (void)naccounts;
    (void)initial;
}

void
bank_transfer(struct bank *bank, const struct transfer *t)
{
    /* TODO(student): apply t as bank.h specifies, holding the locks of the
     * accounts it changes and no other: the lower index first, each lock
     * released before returning, and a transfer from an account to itself
     * handled (a default mutex locked twice by one thread never returns). */
    (void)bank;
    (void)t;
}

void
bank_destroy(struct bank *bank)
{
    /* TODO(student): destroy every account's lock. */
    (void)bank;
}
