// SPDX-License-Identifier: MIT
// mistake: a critical section without its lock: the lock and its unlock both gone
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
+ (void)(L);
  ...
- Pthread_mutex_unlock(L);
