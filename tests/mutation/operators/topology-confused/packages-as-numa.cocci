// SPDX-License-Identifier: MIT
// mistake: NUMA nodes counted where packages (sockets) are asked for
// needs: HWLOC_OBJ_PACKAGE

@initialize:python@
@@
import cocci_site

@m@
position p;
@@
HWLOC_OBJ_PACKAGE@p

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
position m.p;
@@
- HWLOC_OBJ_PACKAGE@p
+ HWLOC_OBJ_NUMANODE
