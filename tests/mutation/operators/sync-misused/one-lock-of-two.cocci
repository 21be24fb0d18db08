// SPDX-License-Identifier: MIT
// mistake: an operation on two objects that locks only one of them
// needs: Pthread_mutex_lock

@initialize:python@
@@
import cocci_site

@m@
expression L1, L2;
position p;
@@
Pthread_mutex_lock(L1);
Pthread_mutex_lock@p(L2);

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.L2;
position m.p;
@@
- Pthread_mutex_lock@p(L2);
+ (void)(L2);
  ...
- Pthread_mutex_unlock(L2);
