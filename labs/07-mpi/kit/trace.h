/* SPDX-License-Identifier: MIT */
/**
 * @file trace.h
 * @brief Lab 07 "Across machines": what the kit sees of your MPI calls.
 * The kit
 * defines MPI_Send, MPI_Recv and the other calls your code makes, through
 * MPI's profiling interface: each notes the call and hands it to the real
 * one (PMPI_Send, ...). The kit's own code calls PMPI_ directly, so only
 * your calls are counted. With KIT_MPI_TRACE naming a folder, each rank
 * keeps its notes in a file of it, rank-R, which the tests read while the
 * ranks run (a rank waiting in a call for ever is a deadlock they can
 * name) and after. Kit-owned: nothing to edit here.
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdint.h>

/** The longest name of an MPI call noted, with its NUL. */
#define TRACE_CALL_NAME 24

/** One rank's notes. */
struct trace_rank {
    int rank;     /**< in MPI_COMM_WORLD */
    int size;     /**< of MPI_COMM_WORLD */
    int finished; /**< MPI_Finalize was called */
    int in_call;  /**< in a blocking call (the fields below say which) */
    char call[TRACE_CALL_NAME]; /**< its name */
    int peer;                   /**< sends: to; receives: from; -2: none */
    int tag;                    /**< its tag */
    int recv_peer;              /**< MPI_Sendrecv's receive half: from */
    int recv_tag;               /**< and its tag */
    long bytes;                 /**< the message's size */
    int64_t since_ns;           /**< when the call began (CLOCK_MONOTONIC) */
    uint64_t caller;        /**< offset of the return address in the program */
    uint64_t completed;     /**< calls returned so far: progress */
    long sends;             /**< point-to-point messages your code sent */
    long bytes_sent;        /**< their bytes */
    long recvs;             /**< point-to-point messages it received */
    long sendrecvs;         /**< MPI_Sendrecv calls */
    long nonblocking;       /**< MPI_Isend and MPI_Irecv calls */
    long waits;             /**< MPI_Wait and MPI_Waitall calls */
    long reduces;           /**< MPI_Reduce calls */
    long allreduces;        /**< MPI_Allreduce calls */
    long other_collectives; /**< MPI_Barrier, MPI_Bcast, MPI_Gather calls */
};

/** This rank's notes so far (the kit's measurements read its counts). */
struct trace_rank *trace_notes(void);

/** The environment variable that names the folder of the notes. */
#define TRACE_DIR_VAR "KIT_MPI_TRACE"

#endif
