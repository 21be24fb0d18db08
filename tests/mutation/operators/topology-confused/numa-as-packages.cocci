// SPDX-License-Identifier: MIT
// mistake: packages (sockets) counted where NUMA nodes are asked for
// needs: HWLOC_OBJ_NUMANODE

@initialize:python@
@@
import cocci_site

@m@
position p;
@@
HWLOC_OBJ_NUMANODE@p

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
position m.p;
@@
- HWLOC_OBJ_NUMANODE@p
+ HWLOC_OBJ_PACKAGE
