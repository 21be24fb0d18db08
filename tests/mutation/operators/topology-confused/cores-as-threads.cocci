// SPDX-License-Identifier: MIT
// mistake: hardware threads (PUs) counted where cores are asked for
// needs: HWLOC_OBJ_CORE

@initialize:python@
@@
import cocci_site

@m@
position p;
@@
HWLOC_OBJ_CORE@p

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
position m.p;
@@
- HWLOC_OBJ_CORE@p
+ HWLOC_OBJ_PU
