/* SPDX-License-Identifier: MIT */
/**
 * @file ledger.h
 * @brief Lab 03 "Races and locks": the kit's helpers around a bank, for
 * its bench program and tests: a checksum of a bank's state, and random
 * batches of transfers. Kit-owned, in ledger.c (with bank_stamp() of
 * bank.h).
 */
#ifndef LEDGER_H
#define LEDGER_H

#include "bank.h"

#include <stdint.h>

/**
 * A checksum of the state of every account of @p bank: it changes when a
 * balance, a transfer count or a ledger does, and not with the order in which
 * a batch of transfers was applied. Kit-owned. Read once no transfer runs.
 *
 * @param bank the bank
 * @return a whole number below 2^53, so that a double holds it exactly
 */
double bank_checksum(const struct bank *bank);

/**
 * Fill @p out with @p n transfers drawn from @p seed: both accounts uniform
 * among @p naccounts (so some transfers go from an account to itself), the
 * amount uniform from 1 to 1000. Kit-owned.
 *
 * @param out       room for @p n transfers
 * @param n         how many
 * @param naccounts number of accounts, at least 1
 * @param seed      the same seed gives the same transfers on every machine
 */
void bank_random_transfers(struct transfer *out, long n, int naccounts,
                           uint64_t seed);

#endif
