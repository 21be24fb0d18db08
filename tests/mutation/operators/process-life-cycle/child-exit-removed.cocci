// SPDX-License-Identifier: MIT
// mistake: a child that does not exit: it returns into the parent's code and goes on as a second parent
// needs: _exit

@initialize:python@
@@
import cocci_site

@m@
expression C;
position p;
@@
_exit@p(C);

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.C;
position m.p;
@@
- _exit@p(C);
+ (void)(C);
