// SPDX-License-Identifier: MIT
// mistake: the lock let go one statement too soon: the section's last statement runs unprotected
// needs: Pthread_mutex_unlock

@initialize:python@
@@
import cocci_site

@m@
statement S;
expression L;
position p;
@@
S
Pthread_mutex_unlock@p(L);

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
statement m.S;
expression m.L;
position m.p;
@@
- S
  Pthread_mutex_unlock@p(L);
+ S
