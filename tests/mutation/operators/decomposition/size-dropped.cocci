// SPDX-License-Identifier: MIT
// mistake: an allocation of n elements that forgets their size: n bytes
// needs: sizeof

@initialize:python@
@@
import cocci_site

@m@
expression N, X;
position p;
@@
 ((size_t)N *@p sizeof(X))

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.N, m.X;
position m.p;
@@
- (size_t)N *@p sizeof(X)
+ (size_t)N
