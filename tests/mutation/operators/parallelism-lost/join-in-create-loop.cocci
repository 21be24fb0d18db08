// SPDX-License-Identifier: MIT
// mistake: each thread joined right after it is created: the threads exist, one at a time
// timing: yes
// needs: Pthread_create

@initialize:python@
@@
import cocci_site

@m@
identifier I;
type Y;
expression E0, E1, E2, E3, T, A, F, X, R;
position p;
@@
for (Y I = E0; I < E1; I++)
    Pthread_create@p(T, A, F, X);
...
for (Y I = E2; I < E3; I++)
    Pthread_join(R, NULL);

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
identifier m.I;
type m.Y;
expression m.E0, m.E1, m.E2, m.E3, m.T, m.A, m.F, m.X, m.R;
position m.p;
@@
  for (Y I = E0; I < E1; I++)
-     Pthread_create@p(T, A, F, X);
+ {
+     Pthread_create(T, A, F, X);
+     Pthread_join(R, NULL);
+ }
  ...
- for (Y I = E2; I < E3; I++)
-     Pthread_join(R, NULL);
