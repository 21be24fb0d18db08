// SPDX-License-Identifier: MIT
// mistake: the parent waits for each child to end before it forks the next: the processes exist, one at a time
// timing: yes
// needs: fork

@initialize:python@
@@
import cocci_site

@m@
expression P;
position p;
@@
P =@p fork();

@script:python@
p << m.p;
@@
cocci_site.keep(p, cocci)

@@
typedef id_t, siginfo_t;
expression m.P;
position m.p;
@@
  P =@p fork();
+ if (P > 0) {
+     siginfo_t ended;
+     (void)waitid(P_PID, (id_t)P, &ended, WEXITED | WNOWAIT);
+ }
