/* SPDX-License-Identifier: MIT */
/**
 * @file bank.h
 * @brief Lab 03 "Races and locks": a bank whose accounts many threads update
 * at once, and the three functions you write in bank.c.
 *
 * A bank is an array of accounts; a transfer moves an amount from one
 * account to another. The kit's worker pool (pool.h) applies a batch of
 * transfers with several threads at once, calling one transfer function per
 * transfer: either your bank_transfer(), which locks only the two accounts it
 * touches, or the kit's bank_transfer_global() (global.h), which holds one
 * lock for the whole bank, the way CPython's interpreter holds its global
 * interpreter lock.
 *
 * Transfers are unconditional: a balance may go below zero (the bank allows
 * overdrafts). So transfers commute: a batch leaves the accounts in the same
 * state whatever order its transfers run in, and a run on many threads can be
 * checked exactly against a run on one.
 *
 * The header, the structs and bank_stamp() (in kit/ledger.c) are
 * kit-owned: they are the contract your bank.c fulfils.
 */
#ifndef BANK_H
#define BANK_H

#include <pthread.h>
#include <stdint.h>

/** The size of a cache line on the machines the kit targets. */
#define BANK_CACHE_LINE 64

/** One transfer: move `amount` from account `from` to account `to`. */
struct transfer {
    int from;    /**< the account the amount leaves, 0 to naccounts - 1 */
    int to;      /**< the account it reaches; may be the same as `from` */
    long amount; /**< how much moves; any value, taken as it is */
};

/**
 * One account. Its `lock` guards every other field: a thread that may run
 * alongside transfers reads or writes them only while holding it.
 *
 * Aligned to a cache line, so that no two accounts share one: two threads
 * working on two different accounts would otherwise still pull the same
 * line back and forth between their cores (false sharing).
 */
struct account {
    /** The account's mutex: initialised by bank_init(), destroyed by
     * bank_destroy(), held by bank_transfer() while it updates the account. */
    _Alignas(BANK_CACHE_LINE) pthread_mutex_t lock;
    long balance;    /**< may go below zero */
    long transfers;  /**< the transfers that touched this account, each once */
    uint64_t ledger; /**< the sum, modulo 2^64, of the bank_stamp() of each
                          transfer that touched this account, each once */
};

/** A bank: `naccounts` accounts, in storage its caller provides. */
struct bank {
    struct account *accounts; /**< accounts[0] to accounts[naccounts - 1] */
    int naccounts;            /**< at least 1 */
};

/**
 * Make @p bank the bank of the @p naccounts accounts at @p accounts: set
 * `bank->accounts` and `bank->naccounts`, and for every account initialise
 * its lock, set its balance to @p initial, and its `transfers` and `ledger`
 * to 0. Yours, in bank.c. Called before any transfer, by one thread.
 *
 * @param bank      the bank to set up
 * @param accounts  storage for @p naccounts accounts, owned by the caller and
 *                  holding anything on entry
 * @param naccounts number of accounts, at least 1
 * @param initial   every account's opening balance
 */
void bank_init(struct bank *bank, struct account *accounts, int naccounts,
               long initial);

/**
 * Apply transfer @p t, safely while other threads apply other transfers to
 * the same bank. Yours, in bank.c.
 *
 * With `t->from != t->to`: subtract `t->amount` from the balance of
 * `accounts[t->from]` and add it to that of `accounts[t->to]`; count one more
 * transfer on each of the two accounts, and add bank_stamp(t) to each one's
 * ledger. With `t->from == t->to`: the balance stays as it is; count one
 * transfer on that account, and add bank_stamp(t) to its ledger once.
 *
 * Locking: hold the lock of every account you change while you change it,
 * and no other lock. With two accounts, take the lock of the lower index
 * first: two transfers in opposite directions then cannot each hold one lock
 * while waiting for the other (a deadlock). Release every lock you took
 * before returning.
 *
 * @param bank a bank set up by bank_init()
 * @param t    the transfer; its accounts are valid indexes of @p bank
 */
void bank_transfer(struct bank *bank, const struct transfer *t);

/**
 * Destroy the lock of every account of @p bank. Yours, in bank.c. Called once
 * every transfer is done, by one thread; the accounts' storage stays the
 * caller's, and their balances, counts and ledgers stay readable.
 *
 * @param bank a bank set up by bank_init()
 */
void bank_destroy(struct bank *bank);

/**
 * The stamp of transfer @p t, for the ledgers: a hash of the transfer, which
 * stands for the work a real bank does while it holds the accounts (checking
 * a limit, computing a fee, signing the journal entry). It takes a few
 * hundred nanoseconds of arithmetic, so a lock held around it holds up real
 * work. Kit-owned. Reads only @p t; any number of threads may call it at once.
 *
 * @param t the transfer
 * @return the same 64 bits for the same transfer, on every machine
 */
uint64_t bank_stamp(const struct transfer *t);

#endif
