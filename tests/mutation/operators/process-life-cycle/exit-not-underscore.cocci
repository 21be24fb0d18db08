// SPDX-License-Identifier: MIT
// mistake: exit instead of _exit in a child: the parent's stdio buffers and exit handlers run again in it
// needs: _exit

@initialize:python@
@@
import cocci_site

@m@
expression C;
position p;
@@
_exit@p(C)

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.C;
position m.p;
@@
- _exit@p(C)
+ exit(C)
