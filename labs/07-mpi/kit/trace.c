/* SPDX-License-Identifier: MIT */
/* Lab 07 "Across machines": the MPI calls of your code, noted (trace.h). */
#define _GNU_SOURCE /* dladdr */
#include "trace.h"

#include <mpi.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* Where the notes go: a shared mapping of rank-R when KIT_MPI_TRACE is
 * set, else memory of this process only. */
static struct trace_rank own;
static struct trace_rank *notes = &own;

static int64_t
now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void
open_notes(void)
{
    const char *dir = getenv(TRACE_DIR_VAR);
    char path[4096];
    int rank, size, fd;
    void *map;

    PMPI_Comm_rank(MPI_COMM_WORLD, &rank);
    PMPI_Comm_size(MPI_COMM_WORLD, &size);
    own.rank = rank;
    own.size = size;
    if (dir == NULL || dir[0] == '\0')
        return;
    snprintf(path, sizeof(path), "%s/rank-%d", dir, rank);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ftruncate(fd, sizeof(struct trace_rank)) != 0) {
        if (fd >= 0)
            close(fd);
        return;
    }
    map = mmap(NULL, sizeof(struct trace_rank), PROT_READ | PROT_WRITE,
               MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return;
    notes = map;
    *notes = own;
}

struct trace_rank *
trace_notes(void)
{
    return notes;
}

/* The offset in the program of the code that called: what addr2line
 * turns into a file and line. */
static uint64_t
offset_of(const void *ret)
{
    Dl_info info;

    if (dladdr(ret, &info) == 0 || info.dli_fbase == NULL)
        return 0;
    return (uint64_t)((const char *)ret - (const char *)info.dli_fbase);
}

static void
entering(const char *call, int peer, int tag, long bytes, const void *ret)
{
    snprintf(notes->call, sizeof(notes->call), "%s", call);
    notes->peer = peer;
    notes->tag = tag;
    notes->recv_peer = -2;
    notes->recv_tag = 0;
    notes->bytes = bytes;
    notes->caller = offset_of(ret);
    notes->since_ns = now_ns();
    __atomic_store_n(&notes->in_call, 1, __ATOMIC_RELEASE);
}

static int
leaving(int rc)
{
    __atomic_store_n(&notes->in_call, 0, __ATOMIC_RELEASE);
    __atomic_add_fetch(&notes->completed, 1, __ATOMIC_RELEASE);
    return rc;
}

static long
bytes_of(int count, MPI_Datatype type)
{
    int size = 0;

    PMPI_Type_size(type, &size);
    return (long)count * size;
}

int
MPI_Init(int *argc, char ***argv)
{
    int rc = PMPI_Init(argc, argv);

    if (rc == MPI_SUCCESS)
        open_notes();
    return rc;
}

int
MPI_Finalize(void)
{
    notes->finished = 1;
    return PMPI_Finalize();
}

int
MPI_Send(const void *buf, int count, MPI_Datatype type, int dest, int tag,
         MPI_Comm comm)
{
    notes->sends++;
    notes->bytes_sent += bytes_of(count, type);
    entering("MPI_Send", dest, tag, bytes_of(count, type),
             __builtin_return_address(0));
    return leaving(PMPI_Send(buf, count, type, dest, tag, comm));
}

int
MPI_Ssend(const void *buf, int count, MPI_Datatype type, int dest, int tag,
          MPI_Comm comm)
{
    notes->sends++;
    notes->bytes_sent += bytes_of(count, type);
    entering("MPI_Ssend", dest, tag, bytes_of(count, type),
             __builtin_return_address(0));
    return leaving(PMPI_Ssend(buf, count, type, dest, tag, comm));
}

int
MPI_Recv(void *buf, int count, MPI_Datatype type, int source, int tag,
         MPI_Comm comm, MPI_Status *status)
{
    notes->recvs++;
    entering("MPI_Recv", source, tag, bytes_of(count, type),
             __builtin_return_address(0));
    return leaving(PMPI_Recv(buf, count, type, source, tag, comm, status));
}

int
MPI_Sendrecv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
             int dest, int sendtag, void *recvbuf, int recvcount,
             MPI_Datatype recvtype, int source, int recvtag, MPI_Comm comm,
             MPI_Status *status)
{
    notes->sendrecvs++;
    if (dest != MPI_PROC_NULL) {
        notes->sends++;
        notes->bytes_sent += bytes_of(sendcount, sendtype);
    }
    if (source != MPI_PROC_NULL)
        notes->recvs++;
    entering("MPI_Sendrecv", dest, sendtag, bytes_of(sendcount, sendtype),
             __builtin_return_address(0));
    notes->recv_peer = source;
    notes->recv_tag = recvtag;
    return leaving(PMPI_Sendrecv(sendbuf, sendcount, sendtype, dest, sendtag,
                                 recvbuf, recvcount, recvtype, source, recvtag,
                                 comm, status));
}

int
MPI_Isend(const void *buf, int count, MPI_Datatype type, int dest, int tag,
          MPI_Comm comm, MPI_Request *request)
{
    if (dest != MPI_PROC_NULL) {
        notes->sends++;
        notes->bytes_sent += bytes_of(count, type);
    }
    notes->nonblocking++;
    return PMPI_Isend(buf, count, type, dest, tag, comm, request);
}

int
MPI_Irecv(void *buf, int count, MPI_Datatype type, int source, int tag,
          MPI_Comm comm, MPI_Request *request)
{
    if (source != MPI_PROC_NULL)
        notes->recvs++;
    notes->nonblocking++;
    return PMPI_Irecv(buf, count, type, source, tag, comm, request);
}

int
MPI_Wait(MPI_Request *request, MPI_Status *status)
{
    notes->waits++;
    entering("MPI_Wait", -2, 0, 0, __builtin_return_address(0));
    return leaving(PMPI_Wait(request, status));
}

int
MPI_Waitall(int count, MPI_Request requests[], MPI_Status statuses[])
{
    notes->waits++;
    entering("MPI_Waitall", -2, 0, count, __builtin_return_address(0));
    return leaving(PMPI_Waitall(count, requests, statuses));
}

int
MPI_Reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype type,
           MPI_Op op, int root, MPI_Comm comm)
{
    notes->reduces++;
    entering("MPI_Reduce", root, 0, bytes_of(count, type),
             __builtin_return_address(0));
    return leaving(PMPI_Reduce(sendbuf, recvbuf, count, type, op, root, comm));
}

int
MPI_Allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype type,
              MPI_Op op, MPI_Comm comm)
{
    notes->allreduces++;
    entering("MPI_Allreduce", -2, 0, bytes_of(count, type),
             __builtin_return_address(0));
    return leaving(PMPI_Allreduce(sendbuf, recvbuf, count, type, op, comm));
}

int
MPI_Barrier(MPI_Comm comm)
{
    notes->other_collectives++;
    entering("MPI_Barrier", -2, 0, 0, __builtin_return_address(0));
    return leaving(PMPI_Barrier(comm));
}

int
MPI_Bcast(void *buf, int count, MPI_Datatype type, int root, MPI_Comm comm)
{
    notes->other_collectives++;
    entering("MPI_Bcast", root, 0, bytes_of(count, type),
             __builtin_return_address(0));
    return leaving(PMPI_Bcast(buf, count, type, root, comm));
}

int
MPI_Gather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
           void *recvbuf, int recvcount, MPI_Datatype recvtype, int root,
           MPI_Comm comm)
{
    notes->other_collectives++;
    entering("MPI_Gather", root, 0, bytes_of(sendcount, sendtype),
             __builtin_return_address(0));
    return leaving(PMPI_Gather(sendbuf, sendcount, sendtype, recvbuf, recvcount,
                               recvtype, root, comm));
}
