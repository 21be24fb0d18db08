/* SPDX-License-Identifier: MIT */
/* Lab 06 "Python's GIL from C": the bench program. Its kernels count the
 * Collatz steps of n items: the kit's serial reference in C, and your
 * module called from P Python threads, each on its share of the items.
 * `released` (graded) calls kitwork.steps_released, `held` steps_held (the
 * threads take turns: expect about 1x), `callback` steps_callback with a
 * callback every 4096 items. Python runs embedded, the same debug build as
 * the tests, started before anything is timed, in the kit's reference
 * build too (which holds none of your code), so that both spend the same
 * outside the timed calls. Kit-owned: nothing to edit here. */
#include "kit_bench.h"
#include "kit_pthread.h" /* kit_die */
#include "kitwork.h"
#include "reference.h"

#include <stdlib.h>

/* The Python side of a parallel run: P threads, each calling `fn` on a
 * memoryview of its share of the items, their counts added. */
static const char driver[] =
    "import threading\n"
    "def run_threads(fn, data, p):\n"
    "    view = memoryview(data)\n"
    "    n = len(view) // 4\n"
    "    cuts = [n * i // p for i in range(p + 1)]\n"
    "    parts, errors = [0] * p, []\n"
    "    def work(i):\n"
    "        try:\n"
    "            parts[i] = fn(view[cuts[i] * 4:cuts[i + 1] * 4])\n"
    "        except BaseException as e:\n"
    "            errors.append(e)\n"
    "    ts = [threading.Thread(target=work, args=(i,)) for i in range(p)]\n"
    "    for t in ts: t.start()\n"
    "    for t in ts: t.join()\n"
    "    if errors: raise errors[0]\n"
    "    return sum(parts)\n"
    "def callback(data):\n"
    "    import kitwork\n"
    "    return kitwork.steps_callback(data, 4096, lambda done: None)\n";

static PyObject *globals; /* the driver's */

/* Start the interpreter (isolated: no environment variable changes it)
 * and load the driver; the main thread holds the GIL from then on. */
static void
python_start(void)
{
    PyConfig config;
    PyStatus status;

#ifndef KIT_REFERENCE
    if (PyImport_AppendInittab("kitwork", PyInit_kitwork) != 0)
        kit_die("cannot add the module kitwork");
#endif
    PyConfig_InitIsolatedConfig(&config);
    status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status))
        kit_die("the Python interpreter did not start: %s",
                status.err_msg != NULL ? status.err_msg : "?");
    globals = PyModule_GetDict(PyImport_AddModule("__main__"));
    PyObject *r = PyRun_String(driver, Py_file_input, globals, globals);
    if (r == NULL) {
        PyErr_Print();
        kit_die("the bench's Python driver did not load");
    }
    Py_DECREF(r);
}

/* The items, in a bytearray that Python threads can slice. */
struct items {
    PyObject *data;
};

static void
items_vary(void *input, long n, uint64_t seed)
{
    struct items *it = input;

    reference_fill(PyByteArray_AS_STRING(it->data), (size_t)n, seed);
}

static void *
items_setup(long n, uint64_t seed)
{
    struct items *it = malloc(sizeof(*it));

    if (it == NULL)
        kit_die("out of memory");
    it->data = PyByteArray_FromStringAndSize(NULL, n * KITWORK_ITEM_BYTES);
    if (it->data == NULL)
        kit_die("out of memory for %ld items", n);
    items_vary(it, n, seed);
    return it;
}

static void
items_teardown(void *input)
{
    struct items *it = input;

    Py_DECREF(it->data);
    free(it);
}

static double
items_serial(void *input, long n)
{
    struct items *it = input;

    return (double)reference_steps(PyByteArray_AS_STRING(it->data), (size_t)n);
}

/* Your side: Python threads calling your module, left out of the kit's
 * reference build (kit_bench.h). */
#ifndef KIT_REFERENCE
static double
threads_calling(const char *fn_source, void *input, int threads)
{
    struct items *it = input;
    PyObject *fn = PyRun_String(fn_source, Py_eval_input, globals, globals);
    PyObject *run = PyDict_GetItemString(globals, "run_threads");
    PyObject *total = NULL;
    unsigned long long steps = 0;

    if (fn != NULL && run != NULL)
        total = PyObject_CallFunction(run, "OOi", fn, it->data, threads);
    if (total != NULL)
        steps = PyLong_AsUnsignedLongLong(total);
    if (total == NULL || PyErr_Occurred()) {
        PyErr_Print();
        kit_die("%s on %d Python threads raised (above)", fn_source, threads);
    }
    Py_DECREF(total);
    Py_DECREF(fn);
    return (double)steps;
}

static double
released_threads(void *input, long n, int threads)
{
    (void)n;
    return threads_calling("__import__('kitwork').steps_released", input,
                           threads);
}

static double
held_threads(void *input, long n, int threads)
{
    (void)n;
    return threads_calling("__import__('kitwork').steps_held", input, threads);
}

static double
callback_threads(void *input, long n, int threads)
{
    (void)n;
    return threads_calling("callback", input, threads);
}
#endif

/* 560000 items: about 200 ms of serial counting on a current core. */
#define ITEMS_KERNEL(kname, what, fn)                                          \
    {                                                                          \
        .name = kname, .summary = what, .default_size = 560000, .bound = NULL, \
        .setup = items_setup, .vary = items_vary, .serial = items_serial,      \
        .parallel = KIT_PARALLEL(fn), .teardown = items_teardown,              \
    }

static const struct kit_bench_kernel kernels[] = {
    ITEMS_KERNEL("released", "Python threads calling kitwork.steps_released",
                 released_threads),
    ITEMS_KERNEL("held", "Python threads calling kitwork.steps_held",
                 held_threads),
    ITEMS_KERNEL("callback",
                 "Python threads calling kitwork.steps_callback, a callback "
                 "every 4096 items",
                 callback_threads),
};

int
main(int argc, char **argv)
{
    const struct kit_bench bench = {
        .program = "bench",
        .summary = "Speedup of Python threads calling your module over the "
                   "kit's serial C loop.",
        .kernels = kernels,
        .nkernels = sizeof(kernels) / sizeof(kernels[0]),
    };

    python_start();
    return kit_bench_main(&bench, argc, argv);
}
