// SPDX-License-Identifier: MIT
// mistake: a block's start computed without its share of the remainder

@initialize:python@
@@
import cocci_site

@m@
expression X, A, B, C;
position p;
@@
X = A * B +@p C

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.X, m.A, m.B, m.C;
position m.p;
@@
- X = A * B +@p C
+ X = A * B
