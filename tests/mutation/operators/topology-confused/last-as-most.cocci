// SPDX-License-Identifier: MIT
// mistake: the count of the last object kept, not the largest
// needs: if

@initialize:python@
@@
import cocci_site

@m@
expression N, M;
position p;
@@
if (N >@p M)
    M = N;

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.N, m.M;
position m.p;
@@
- if (N >@p M)
      M = N;
+ M = N;
