// SPDX-License-Identifier: MIT
// mistake: the remainder of a split forgotten: the last n % parts items are never computed

@initialize:python@
@@
import cocci_site

@m@
expression A, B;
position p;
@@
A %@p B

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.A, m.B;
position m.p;
@@
- A %@p B
+ 0
