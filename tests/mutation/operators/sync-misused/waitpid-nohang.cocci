// SPDX-License-Identifier: MIT
// mistake: a non-blocking waitpid whose 0 (still running) is taken for an end
// needs: waitpid

@initialize:python@
@@
import cocci_site

@m@
expression P, S;
position p;
@@
waitpid@p(P, S, 0)

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.P, m.S;
position m.p;
@@
- waitpid@p(P, S, 0)
+ waitpid(P, S, WNOHANG)
