/* SPDX-License-Identifier: MIT */
/**
 * @file racy.h
 * @brief Lab 03 "Races and locks": the kit's counter that loses updates,
 * the one the `race` program times against yours. Kit-owned, in racy.c.
 */
#ifndef RACY_H
#define RACY_H

/**
 * The unsynchronised counter (kit-owned): every thread does load, add 1,
 * store on one shared variable, so two threads that load the same value
 * both store the same sum and one increment is lost. Its threads wait at a
 * barrier until all of them exist, so that they do overlap. Its result is
 * usually below `per_thread * nthreads` with two threads or more, and different
 * on each run. It is a data race: ThreadSanitizer reports it, which is why the
 * tests never call it.
 *
 * @param per_thread increments each thread makes, at least 0
 * @param nthreads   threads that increment at once, at least 1
 * @return the count after every thread has finished
 */
long counter_racy(long per_thread, int nthreads);

#endif
