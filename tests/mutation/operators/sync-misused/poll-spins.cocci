// SPDX-License-Identifier: MIT
// mistake: poll with a timeout of 0 in a loop: waiting by spinning
// timing: yes
// needs: poll

@initialize:python@
@@
import cocci_site

@m@
expression F, N, T;
position p;
@@
poll@p(F, N, T)

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.F, m.N, m.T;
position m.p;
@@
- poll@p(F, N, T)
+ poll(F, N, 0)
