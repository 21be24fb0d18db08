// SPDX-License-Identifier: MIT
// mistake: two locks taken in the order the operation names them, not in one global order: opposite operations deadlock
// needs: Pthread_mutex_lock

@initialize:python@
@@
import cocci_site

@m@
type T;
identifier first, second;
expression C, A, B;
position p;
@@
T *first@p = C ? A : B;
T *second = C ? B : A;

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
type m.T;
identifier m.first, m.second;
expression m.C, m.A, m.B;
position m.p;
@@
- T *first@p = C ? A : B;
- T *second = C ? B : A;
+ T *first = A;
+ T *second = B;
