// SPDX-License-Identifier: MIT
// mistake: the first cache of a level, instruction caches included, taken for the data cache
// needs: hwloc_obj_type_is_dcache

@initialize:python@
@@
import cocci_site

@m@
expression T;
position p;
@@
hwloc_obj_type_is_dcache@p(T)

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.T;
position m.p;
@@
- hwloc_obj_type_is_dcache@p(T)
+ hwloc_obj_type_is_cache(T)
