// SPDX-License-Identifier: MIT
// mistake: a try-lock whose failure is not looked at: the section runs without the lock whenever another thread holds it
// needs: Pthread_mutex_lock

@initialize:python@
@@
import cocci_site

@m@
expression L;
position p;
@@
Pthread_mutex_lock@p(L);

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.L;
position m.p;
@@
- Pthread_mutex_lock@p(L);
+ pthread_mutex_trylock(L);
