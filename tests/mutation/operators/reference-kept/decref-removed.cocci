// SPDX-License-Identifier: MIT
// mistake: a Py_DECREF left out: every call keeps a reference to an object it is done with
// needs: Py_DECREF

@initialize:python@
@@
import cocci_site

@m@
identifier F = {Py_DECREF, Py_XDECREF};
expression X;
position p;
@@
F@p(X);

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
identifier m.F;
expression m.X;
position m.p;
@@
- F@p(X);
