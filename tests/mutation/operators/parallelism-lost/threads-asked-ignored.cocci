// SPDX-License-Identifier: MIT
// mistake: the count of threads or processes asked for replaced by one: correct, and serial
// timing: yes
// needs: nthreads nprocs nworkers

@initialize:python@
@@
import cocci_site

@m@
identifier F != {kit_die, printf, fprintf, snprintf};
identifier N = {nthreads, nprocs, nworkers};
expression list[k] before;
position p;
@@
F(before, N@p, ...)

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
identifier m.N;
position m.p;
@@
- N@p
+ 1 + 0 * N
