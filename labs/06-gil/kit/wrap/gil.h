/* SPDX-License-Identifier: MIT */
/* Lab 06 "Python's GIL from C": what the tests see of the GIL in your
 * code. In the test program only, the linker sends your code's calls that
 * let the GIL go or take it back (PyEval_SaveThread and
 * PyEval_RestoreThread, which Py_BEGIN_ALLOW_THREADS and
 * Py_END_ALLOW_THREADS call; PyEval_ReleaseThread and PyEval_AcquireThread;
 * PyGILState_Ensure and PyGILState_Release) to
 * the __wrap_ functions of gil.c, which note them and call the real ones.
 * Kit-owned: nothing to edit here. */
#ifndef GIL_H
#define GIL_H

#include "kitwork.h"

#include <stdbool.h>

/* What the wrappers saw since gil_reset(). */
struct gil_stats {
    long releases;          /* times your code let the GIL go */
    long long released_ns;  /* wall time it stayed let go, all threads */
    long takes_back;        /* PyGILState_Ensure calls while let go */
    long probe_checks;      /* releases at which the probe was looked at */
    long probe_exports_min; /* the probe's fewest buffer exports then */
};

/* Forget what was seen; from now on look, at each release, at how many
 * buffers @p probe (a bytearray, or NULL: none) has handed out. Call with
 * the GIL held. */
void gil_reset(PyObject *probe);

/* What was seen so far. */
void gil_read(struct gil_stats *out);

/* Whether the calling thread is inside a region where your code let the
 * GIL go. Safe in a signal handler. */
bool gil_released_here(void);

#endif
