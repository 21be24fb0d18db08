/* SPDX-License-Identifier: MIT */
/* Lab 06 "Python's GIL from C": the module kitwork, three ways to count
 * the Collatz steps of a buffer's items (kitwork.h says what each must
 * do). Write the three functions; the method table and the init function
 * are done. Until then each raises NotImplementedError. */
#include "kitwork.h"

/* Raise NotImplementedError for a function not written yet. */
static PyObject *
not_written(const char *fname)
{
    PyErr_Format(PyExc_NotImplementedError,
                 "kitwork.%s is not written yet (kitwork.c)", fname);
    return NULL;
}

/* steps_held(data): hold the GIL all the way. */
static PyObject *
steps_held(PyObject *self, PyObject *data)
{
    (void)self;
    (void)data;
    return not_written("steps_held");
}

/* steps_released(data): the GIL let go around the counting loop. */
static PyObject *
steps_released(PyObject *self, PyObject *data)
{
    (void)self;
    (void)data;
    return not_written("steps_released");
}

/* steps_callback(data, every, callback): callback(done) after every
 * `every` items, with the GIL taken back for each call. */
static PyObject *
steps_callback(PyObject *self, PyObject *args)
{
    (void)self;
    (void)args;
    return not_written("steps_callback");
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
