// SPDX-License-Identifier: MIT
// mistake: memory or a bitmap that a call allocates and never frees: every call leaks it
// needs: free hwloc_bitmap_free CPU_FREE
// seen by: asan

@initialize:python@
@@
import cocci_site

@m@
identifier F = {free, hwloc_bitmap_free, CPU_FREE};
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
