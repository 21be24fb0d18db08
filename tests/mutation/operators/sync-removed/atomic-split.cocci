// SPDX-License-Identifier: MIT
// mistake: an atomic increment written as an atomic load and an atomic store: each is atomic, the increment is not
// needs: atomic_fetch_add_explicit

@initialize:python@
@@
import cocci_site

@m@
expression A, V, O;
position p;
@@
atomic_fetch_add_explicit@p(A, V, O)

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.A, m.V, m.O;
position m.p;
@@
- atomic_fetch_add_explicit@p(A, V, O)
+ atomic_store_explicit(A, atomic_load_explicit(A, O) + V, O)
