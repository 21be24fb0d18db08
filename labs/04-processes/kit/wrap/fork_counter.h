/* SPDX-License-Identifier: MIT */
/* Lab 04 "Processes": how many processes the code under test has created,
 * counted by a link-time wrapper around fork. */
#ifndef FORK_COUNTER_H
#define FORK_COUNTER_H

/* Successful forks since the program started, made by any process of the
 * test program: the test process, or a child of it that forks again. The
 * test binary is linked with -Wl,--wrap=fork, so every call to fork in its
 * own objects (processes.c included) goes through the counter. */
long processes_created(void);

#endif
