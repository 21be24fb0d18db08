/* SPDX-License-Identifier: MIT */
/**
 * @file pool.h
 * @brief Lab 03 "Races and locks": the kit's worker pool, which applies a
 * batch of transfers to a bank with several threads at once.
 *
 * The pool knows nothing about locks: it hands each transfer of the batch to
 * exactly one thread, which calls the transfer function it was given. Called
 * with bank_transfer() it runs your fine-grained bank; with
 * bank_transfer_global(), the kit's global-lock bank. Kit-owned, in pool.c.
 */
#ifndef POOL_H
#define POOL_H

#include "bank.h"

/**
 * Apply `transfers[0]` to `transfers[ntransfers - 1]` to @p bank by calling
 * `transfer(bank, &transfers[i])` once for each i, from @p nthreads threads
 * at once (the calling thread is one of them; with @p nthreads = 1 it does
 * everything and no thread is created). Threads claim the transfers in small
 * chunks, in no fixed order, so which thread applies which transfer, and in
 * what order, changes from run to run. Returns when every transfer is done
 * and every thread it created is joined.
 *
 * @param bank       the bank, set up for @p transfer
 * @param transfers  the batch; read only
 * @param ntransfers number of transfers, at least 0
 * @param nthreads   threads to apply them with, at least 1
 * @param transfer   bank_transfer() or bank_transfer_global()
 */
void pool_run(struct bank *bank, const struct transfer *transfers,
              long ntransfers, int nthreads,
              void (*transfer)(struct bank *bank, const struct transfer *t));

#endif
