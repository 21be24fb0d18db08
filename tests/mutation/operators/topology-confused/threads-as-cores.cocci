// SPDX-License-Identifier: MIT
// mistake: cores counted where hardware threads (PUs) are asked for
// needs: HWLOC_OBJ_PU

@initialize:python@
@@
import cocci_site

@m@
position p;
@@
HWLOC_OBJ_PU@p

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
position m.p;
@@
- HWLOC_OBJ_PU@p
+ HWLOC_OBJ_CORE
