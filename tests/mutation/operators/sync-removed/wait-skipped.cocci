// SPDX-License-Identifier: MIT
// mistake: a child's end never waited for: waitpid's call gone, its pid taken as the answer
// needs: waitpid

@initialize:python@
@@
import cocci_site

@m@
expression P, S, O;
position p;
@@
waitpid@p(P, S, O)

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.P, m.S, m.O;
position m.p;
@@
- waitpid@p(P, S, O)
+ ((void)(S), (void)(O), (P))
