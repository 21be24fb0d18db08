/* SPDX-License-Identifier: MIT */
/* The grader's runner: the limits one run of a program gets. Every run of
 * student code has them; which values a test kind uses is the kinds
 * table's (kinds/kinds.c), the build's is prepare/build.c's. */
#ifndef GRADER_RUN_LIMITS_H
#define GRADER_RUN_LIMITS_H

#include <stddef.h>

/* Limits on one run; 0 leaves a limit unset. */
struct run_limits {
    double wall_seconds; /* killed (with its whole tree) after this */
    long cpu_seconds;    /* RLIMIT_CPU */
    long memory_mb;      /* RLIMIT_AS; leave 0 for sanitizer builds, whose
                            shadow memory reserves terabytes of addresses */
    long processes;      /* most live processes in the tree at once; more is
                            a fork bomb: the tree is killed. Where a pids
                            cgroup can be made (as root), threads count too
                            and the kernel refuses the fork past it */
    long tree_memory_mb; /* resident memory of the whole tree, where a memory
                            cgroup can be made (as root): past it the
                            kernel kills a process of the run. The bound
                            for sanitizer builds, which memory_mb cannot be */
    long file_size_mb;   /* RLIMIT_FSIZE */
    long open_files;     /* RLIMIT_NOFILE */
    size_t output_bytes; /* output kept: its head and tail, this much in all;
                            0 keeps RUN_DEFAULT_OUTPUT_BYTES (output is held
                            in memory, so it is never unbounded) */
};

#define RUN_DEFAULT_OUTPUT_BYTES (1024 * 1024)

#endif
