// SPDX-License-Identifier: MIT
// mistake: the CPUs the system was configured with counted as the CPUs online
// needs: _SC_NPROCESSORS_ONLN

@initialize:python@
@@
import cocci_site

@m@
position p;
@@
_SC_NPROCESSORS_ONLN@p

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
position m.p;
@@
- _SC_NPROCESSORS_ONLN@p
+ _SC_NPROCESSORS_CONF
