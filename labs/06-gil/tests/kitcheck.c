/* SPDX-License-Identifier: MIT */
/* Lab 06 "Python's GIL from C": the tests' own module, kitcheck, which the
 * test code imports beside kitwork: the kit's items and serial reference,
 * what the GIL wrappers saw (kit/wrap/gil.h), and a callback that notes
 * whether it was called with the GIL. */
#include "gil.h"
#include "reference.h"

PyMODINIT_FUNC PyInit_kitcheck(void);

/* The callback's notes: (done, PyGILState_Check(), in a let-go region). */
static PyObject *hook_calls;

/* items(n, seed): a bytearray of n items made from seed. */
static PyObject *
items(PyObject *self, PyObject *args)
{
    Py_ssize_t n;
    unsigned long long seed;
    PyObject *b;

    (void)self;
    if (!PyArg_ParseTuple(args, "nK", &n, &seed))
        return NULL;
    b = PyByteArray_FromStringAndSize(NULL, n * KITWORK_ITEM_BYTES);
    if (b != NULL)
        reference_fill(PyByteArray_AS_STRING(b), (size_t)n, seed);
    return b;
}

/* reference(data): the kit's serial count of data's items. */
static PyObject *
reference(PyObject *self, PyObject *data)
{
    Py_buffer view;
    uint64_t total;

    (void)self;
    if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) != 0)
        return NULL;
    total = reference_steps(view.buf, (size_t)view.len / KITWORK_ITEM_BYTES);
    PyBuffer_Release(&view);
    return PyLong_FromUnsignedLongLong(total);
}

/* reset(probe=None): forget what the wrappers saw, and the hook's notes. */
static PyObject *
reset(PyObject *self, PyObject *args)
{
    static PyObject *kept; /* the probe stays alive while it is looked at */
    PyObject *probe = Py_None;

    (void)self;
    if (!PyArg_ParseTuple(args, "|O", &probe))
        return NULL;
    if (probe != Py_None && !PyByteArray_Check(probe)) {
        PyErr_SetString(PyExc_TypeError, "the probe must be a bytearray");
        return NULL;
    }
    Py_XDECREF(kept);
    kept = probe == Py_None ? NULL : Py_NewRef(probe);
    gil_reset(kept);
    Py_CLEAR(hook_calls);
    Py_RETURN_NONE;
}

/* stats(): what the wrappers saw, as a dict. */
static PyObject *
stats(PyObject *self, PyObject *unused)
{
    struct gil_stats s;

    (void)self;
    (void)unused;
    gil_read(&s);
    return Py_BuildValue("{s:l,s:L,s:l,s:l,s:l}", "releases", s.releases,
                         "released_ns", s.released_ns, "takes_back",
                         s.takes_back, "probe_checks", s.probe_checks,
                         "probe_exports_min", s.probe_exports_min);
}

/* hook(done): a callback that notes how it was called. */
static PyObject *
hook(PyObject *self, PyObject *done)
{
    PyObject *note;
    int rc;

    (void)self;
    if (hook_calls == NULL && (hook_calls = PyList_New(0)) == NULL)
        return NULL;
    note = Py_BuildValue("(Oii)", done, PyGILState_Check(),
                         (int)gil_released_here());
    if (note == NULL)
        return NULL;
    rc = PyList_Append(hook_calls, note);
    Py_DECREF(note);
    if (rc != 0)
        return NULL;
    Py_RETURN_NONE;
}

/* hook_calls(): the hook's notes so far, a list. */
static PyObject *
calls(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    if (hook_calls == NULL)
        return PyList_New(0);
    return PyList_GetSlice(hook_calls, 0, PyList_GET_SIZE(hook_calls));
}

static PyMethodDef methods[] = {
    {"items", items, METH_VARARGS, "items(n, seed): a bytearray of items"},
    {"reference", reference, METH_O, "reference(data): the kit's count"},
    {"reset", reset, METH_VARARGS, "reset(probe=None)"},
    {"stats", stats, METH_NOARGS, "stats(): what the wrappers saw"},
    {"hook", hook, METH_O, "hook(done): a callback that takes notes"},
    {"hook_calls", calls, METH_NOARGS, "hook_calls(): the notes"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "kitcheck",
    .m_doc = "Lab 06's test hooks.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit_kitcheck(void)
{
    return PyModule_Create(&module);
}
