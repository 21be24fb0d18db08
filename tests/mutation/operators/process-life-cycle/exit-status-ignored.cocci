// SPDX-License-Identifier: MIT
// mistake: a child that exited with a failure status counted as a success
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
+ WIFEXITED(S)
