// SPDX-License-Identifier: MIT
// mistake: a long loop index made an int: past 2^31 items it overflows
// needs: long

@initialize:python@
@@
import cocci_site

@m@
identifier I;
expression E;
statement S;
position p;
@@
for (long I@p = E; ...; ...) S

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
identifier m.I;
expression m.E;
statement S;
position m.p;
@@
- for (long I@p = E;
+ for (int I = E;
  ...; ...) S
