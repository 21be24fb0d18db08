// SPDX-License-Identifier: MIT
// mistake: an object counted only when all of its PUs are usable, not when any is
// needs: hwloc_bitmap_intersects

@initialize:python@
@@
import cocci_site

@m@
expression A, B;
position p;
@@
hwloc_bitmap_intersects@p(A, B)

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.A, m.B;
position m.p;
@@
- hwloc_bitmap_intersects@p(A, B)
+ hwloc_bitmap_isincluded(A, B)
