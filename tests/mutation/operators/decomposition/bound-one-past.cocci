// SPDX-License-Identifier: MIT
// mistake: a loop that runs to its bound inclusive, one past the end

@initialize:python@
@@
import cocci_site

@m@
identifier I;
expression E, E0;
statement S;
type T;
position p;
@@
(
for (...; I <@p E; ...) S
|
for (T I = E0; I <@p E; ...) S
)

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
identifier m.I;
expression m.E;
position m.p;
@@
- I <@p E
+ I <= E
