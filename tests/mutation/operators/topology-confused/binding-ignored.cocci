// SPDX-License-Identifier: MIT
// mistake: a core's hardware threads counted whole when any is usable, not only those the process may use
// needs: hwloc_bitmap_and

@initialize:python@
@@
import cocci_site

@m@
expression D, A, B;
position p;
@@
hwloc_bitmap_and@p(D, A, B);

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.D, m.A, m.B;
position m.p;
@@
- hwloc_bitmap_and@p(D, A, B);
+ if (!hwloc_bitmap_intersects(A, B))
+     continue;
+ hwloc_bitmap_copy(D, A);
