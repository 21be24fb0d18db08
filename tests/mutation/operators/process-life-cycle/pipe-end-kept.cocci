// SPDX-License-Identifier: MIT
// mistake: a pipe end that is never closed: the reader waits for an end of file that a copy of the write end holds back
// needs: close_fd

@initialize:python@
@@
import cocci_site

@m@
expression D;
position p;
@@
close_fd@p(D);

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.D;
position m.p;
@@
- close_fd@p(D);
