/* SPDX-License-Identifier: MIT */
/**
 * @file kitwork.h
 * @brief Lab 06 "Python's GIL from C": the module `kitwork` you write in
 * kitwork.c, and the work its functions do.
 *
 * `kitwork` is a CPython extension module. Its three functions count the
 * same thing, the steps of the Collatz sequence (x -> x / 2 when x is
 * even, 3x + 1 when it is odd) from each item of a buffer down to 1, and
 * return the total as a Python int. They differ in what they do with the
 * global interpreter lock (GIL) meanwhile:
 *
 * - `kitwork.steps_held(data)` holds the GIL from start to end. It is
 *   correct, and Python threads that call it take turns: one counts, the
 *   others wait for the lock.
 * - `kitwork.steps_released(data)` lets the GIL go around its counting
 *   loop (Py_BEGIN_ALLOW_THREADS ... Py_END_ALLOW_THREADS) and touches no
 *   Python object while it is let go, so that Python threads calling it
 *   count on several cores at once.
 * - `kitwork.steps_callback(data, every, callback)` counts like
 *   steps_released, and after each `every` items (and after the last,
 *   shorter run of them) calls `callback(done)`, `done` the number of
 *   items counted so far: a Python call, which needs the GIL back for its
 *   duration. No items, no call. If the callback raises, the count stops
 *   there and the exception is the function's.
 *
 * `data` is any object with the buffer protocol (bytes, bytearray,
 * memoryview, array.array('I')) holding unsigned 32-bit items in the
 * machine's byte order, at any alignment: read item i with kitwork_item().
 * Each function holds the buffer (PyObject_GetBuffer, or "y*" in
 * PyArg_ParseTuple) for as long as it reads it and lets it go
 * (PyBuffer_Release) before it returns, on every path: while the buffer is
 * held, Python cannot resize or free it, also while the GIL is let go.
 *
 * Bad arguments raise, and never crash the interpreter: a `data` without
 * the buffer protocol, a `callback` that is not callable, or an `every`
 * that is not an int raise TypeError; a buffer whose length is not a whole
 * number of items, or an `every` below 1, raise ValueError; each with a
 * message that names the function and what was wrong.
 */
#ifndef KITWORK_H
#define KITWORK_H

/** Python.h first: it sets the feature macros of the C library. With this
 * defined, every length the C API takes or gives is a Py_ssize_t. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>

/** The bytes of one item of `data`. */
#define KITWORK_ITEM_BYTES 4

/** The steps of the Collatz sequence from @p x down to 1; 0 for 0 and 1.
 * About 100 to 200 steps for the items the kit makes (below 2^24). */
static inline uint64_t
kitwork_steps(uint32_t x)
{
    uint64_t v = x, steps = 0;

    while (v > 1) {
        v = (v & 1) ? 3 * v + 1 : v / 2;
        steps++;
    }
    return steps;
}

/** Item @p i of a buffer of items, whatever the buffer's alignment (a
 * memoryview may start at any byte). */
static inline uint32_t
kitwork_item(const void *buf, Py_ssize_t i)
{
    uint32_t x;

    memcpy(&x, (const unsigned char *)buf + i * KITWORK_ITEM_BYTES, sizeof(x));
    return x;
}

/** The module's init function, which `import kitwork` calls. */
PyMODINIT_FUNC PyInit_kitwork(void);

#endif
