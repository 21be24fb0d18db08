// SPDX-License-Identifier: MIT
// mistake: a private mapping where a shared one is needed: the children's writes stay in their own copies
// needs: MAP_SHARED

@initialize:python@
@@
import cocci_site

@m@
position p;
@@
MAP_SHARED@p

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
position m.p;
@@
- MAP_SHARED@p
+ MAP_PRIVATE
