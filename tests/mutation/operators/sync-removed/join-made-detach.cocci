// SPDX-License-Identifier: MIT
// mistake: threads detached instead of joined: their results are read before they are written
// needs: Pthread_join

@initialize:python@
@@
import cocci_site

@m@
expression T, R;
position p;
@@
Pthread_join@p(T, R);

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.T, m.R;
position m.p;
@@
- Pthread_join@p(T, R);
+ Pthread_detach(T);
