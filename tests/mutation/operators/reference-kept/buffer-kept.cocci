// SPDX-License-Identifier: MIT
// mistake: a PyBuffer_Release left out: the object stays locked (it cannot be resized) and referenced after the call
// needs: PyBuffer_Release

@initialize:python@
@@
import cocci_site

@m@
expression X;
position p;
@@
PyBuffer_Release@p(X);

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
expression m.X;
position m.p;
@@
- PyBuffer_Release@p(X);
