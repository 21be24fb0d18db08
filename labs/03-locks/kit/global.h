/* SPDX-License-Identifier: MIT */
/**
 * @file global.h
 * @brief Lab 03 "Races and locks": the kit's global-lock bank, the base your
 * fine-grained locking is measured against.
 *
 * One mutex, `global_bank_lock`, guards every account of every bank:
 * bank_transfer_global() holds it for the whole transfer, work included. That
 * is correct and simple, and it is what CPython does with its global
 * interpreter lock (the GIL): a thread runs Python code only while it holds
 * the one lock, so however many threads there are, one of them works at a
 * time. Kit-owned, in global.c.
 */
#ifndef GLOBAL_H
#define GLOBAL_H

#include "bank.h"

/**
 * Set up @p bank over @p accounts as bank_init() does, except that the
 * accounts' own locks are left alone: the global lock replaces them, so they
 * are never initialised and only bank_transfer_global() may run on the bank.
 *
 * @param bank      the bank to set up
 * @param accounts  storage for @p naccounts accounts, owned by the caller
 * @param naccounts number of accounts, at least 1
 * @param initial   every account's opening balance
 */
void bank_global_init(struct bank *bank, struct account *accounts,
                      int naccounts, long initial);

/**
 * Apply transfer @p t as bank_transfer() specifies, holding the one global
 * lock from before the first read of an account to after the last write.
 * Safe from any number of threads; never two transfers at a time.
 *
 * @param bank a bank set up by bank_global_init()
 * @param t    the transfer; its accounts are valid indexes of @p bank
 */
void bank_transfer_global(struct bank *bank, const struct transfer *t);

/**
 * Done with a bank of bank_global_init(); nothing to free, as the accounts
 * have no locks of their own. Present so the two banks are used alike.
 *
 * @param bank a bank set up by bank_global_init()
 */
void bank_global_destroy(struct bank *bank);

#endif
