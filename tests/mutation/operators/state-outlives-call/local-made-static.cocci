// SPDX-License-Identifier: MIT
// mistake: a local accumulator made static: it keeps its value from one call to the next

@initialize:python@
@@
import cocci_site

@m@
type T = {double, long, int};
identifier x;
constant C;
position p;
@@
T x@p = C;

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
type m.T;
identifier m.x;
constant m.C;
position m.p;
@@
- T x@p = C;
+ static T x = C;
