/* SPDX-License-Identifier: MIT */
/* Lab 06 "Python's GIL from C": reference solution. Every function holds
 * its buffer through the buffer protocol from start to end; the released
 * versions let the GIL go only around loops that touch nothing of
 * Python's, and take it back (Py_END_ALLOW_THREADS) before any Python
 * call or object. */
#include "kitwork.h"

/* The buffer of `data`, checked to hold whole items. 0, or -1 with an
 * exception set and no buffer held. */
static int
get_items(PyObject *data, Py_buffer *view, const char *fname)
{
    if (PyObject_GetBuffer(data, view, PyBUF_SIMPLE) != 0) {
        if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError,
                         "kitwork.%s: data must be a bytes-like object of "
                         "32-bit items, not %.100s",
                         fname, Py_TYPE(data)->tp_name);
        }
        return -1;
    }
    if (view->len % KITWORK_ITEM_BYTES != 0) {
        PyErr_Format(PyExc_ValueError,
                     "kitwork.%s: data holds %zd bytes, not a whole number "
                     "of %d-byte items",
                     fname, view->len, KITWORK_ITEM_BYTES);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* Items lo to hi of buf: plain C, no Python, safe without the GIL. */
static uint64_t
count(const void *buf, Py_ssize_t lo, Py_ssize_t hi)
{
    uint64_t total = 0;

    for (Py_ssize_t i = lo; i < hi; i++)
        total += kitwork_steps(kitwork_item(buf, i));
    return total;
}

static PyObject *
steps_held(PyObject *self, PyObject *data)
{
    Py_buffer view;
    uint64_t total;

    (void)self;
    if (get_items(data, &view, "steps_held") != 0)
        return NULL;
    total = count(view.buf, 0, view.len / KITWORK_ITEM_BYTES);
    PyBuffer_Release(&view);
    return PyLong_FromUnsignedLongLong(total);
}

static PyObject *
steps_released(PyObject *self, PyObject *data)
{
    Py_buffer view;
    uint64_t total;

    (void)self;
    if (get_items(data, &view, "steps_released") != 0)
        return NULL;
    /* The buffer stays held: no other thread can resize or free it while
     * this one reads it without the GIL. */
    Py_BEGIN_ALLOW_THREADS
        total = count(view.buf, 0, view.len / KITWORK_ITEM_BYTES);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    return PyLong_FromUnsignedLongLong(total);
}

static PyObject *
steps_callback(PyObject *self, PyObject *args)
{
    PyObject *data, *callback;
    Py_ssize_t every, n, done = 0;
    Py_buffer view;
    uint64_t total = 0;

    (void)self;
    if (!PyArg_ParseTuple(args, "OnO:steps_callback", &data, &every, &callback))
        return NULL;
    if (every < 1) {
        PyErr_Format(PyExc_ValueError,
                     "kitwork.steps_callback: every must be 1 or more, not "
                     "%zd",
                     every);
        return NULL;
    }
    if (!PyCallable_Check(callback)) {
        PyErr_Format(PyExc_TypeError,
                     "kitwork.steps_callback: callback must be callable, not "
                     "%.100s",
                     Py_TYPE(callback)->tp_name);
        return NULL;
    }
    if (get_items(data, &view, "steps_callback") != 0)
        return NULL;
    n = view.len / KITWORK_ITEM_BYTES;
    while (done < n) {
        Py_ssize_t hi = n - done > every ? done + every : n;
        uint64_t part;

        Py_BEGIN_ALLOW_THREADS
            part = count(view.buf, done, hi);
        Py_END_ALLOW_THREADS
        /* The GIL is back: a Python call may run. */
        total += part;
        done = hi;
        PyObject *r = PyObject_CallFunction(callback, "n", done);
        if (r == NULL) {
            PyBuffer_Release(&view);
            return NULL;
        }
        Py_DECREF(r);
    }
    PyBuffer_Release(&view);
    return PyLong_FromUnsignedLongLong(total);
}

static PyMethodDef methods[] = {
    {"steps_held", steps_held, METH_O,
     "steps_held(data): the Collatz steps of data's items; holds the GIL."},
    {"steps_released", steps_released, METH_O,
     "steps_released(data): the same, the GIL released while counting."},
    {"steps_callback", steps_callback, METH_VARARGS,
     "steps_callback(data, every, callback): the same, callback(done) after "
     "every `every` items."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "kitwork",
    .m_doc = "Lab 06: the Collatz steps of a buffer's items, three ways.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit_kitwork(void)
{
    return PyModule_Create(&module);
}
