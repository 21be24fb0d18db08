# SPDX-License-Identifier: MIT
# Lab 02: speedup over the serial reference against the number of threads,
# for the compute-bound integrate and the memory-bound dot, with the ideal
# line and Amdahl's law fitted to each kernel on 1..usable threads. Past the
# usable CPUs threads take turns, so both lines stay at their value there.
set title "Speedup of the reference solution of lab 02\n" . subtitle
set xlabel 'threads'
set ylabel 'speedup over the serial reference'
amdahl(p, s) = 1 / (s + (1 - s) / p)
# s = sin(q)**2 keeps the fitted serial fraction between 0 and 1.
cap(p) = p < usable ? p : usable
fi(x) = amdahl(cap(x), sin(qi)**2)
fd(x) = amdahl(cap(x), sin(qd)**2)
qi = 0.2; qd = 0.5
within(p, v) = p <= usable ? v : 1/0
fit fi(x) data using 1:(within($1, $2)) via qi
fit fd(x) data using 1:(within($1, $3)) via qd
stats data using 1 nooutput
pmax = STATS_max
set xrange [0.8:pmax + 0.2]
set yrange [0:cap(pmax) * 1.25 + 0.25]
set xtics 1
if (pmax > 16) { set xtics autofreq }
set arrow from usable, graph 0 to usable, graph 1 nohead ls 9
set label sprintf('%d usable CPUs', usable) at usable, graph 0.95 right offset -0.5,0
set samples 400
plot cap(x) with lines ls 9 title 'ideal: one usable CPU per thread', \
     data using 1:2 with points ls 1 title 'integrate (compute-bound), measured', \
     fi(x) with lines ls 1 dt 4 lw 2 title sprintf('Amdahl fit to integrate: s = %.3f', sin(qi)**2), \
     data using 1:3 with points ls 2 title 'dot (memory-bound), measured', \
     fd(x) with lines ls 2 dt 4 lw 2 title sprintf('Amdahl fit to dot: s = %.3f', sin(qd)**2)
