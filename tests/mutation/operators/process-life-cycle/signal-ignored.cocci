// SPDX-License-Identifier: MIT
// mistake: a child killed by a signal counted as a success: its WEXITSTATUS reads 0
// needs: WEXITSTATUS

@initialize:python@
@@
import cocci_site

@m@
expression S;
position p;
@@
WIFEXITED(S) &&@p WEXITSTATUS(S) == 0

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.S;
position m.p;
@@
- WIFEXITED(S) &&@p WEXITSTATUS(S) == 0
+ WEXITSTATUS(S) == 0
