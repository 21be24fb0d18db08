# SPDX-License-Identifier: MIT
# Lab 03: nanoseconds per increment of one shared counter, four ways,
# against the number of threads.
set title "Cost of one increment (lab 03's race)\n" . subtitle
set key below width 2
set xlabel 'threads'
set ylabel 'nanoseconds per increment, wall time'
set yrange [0:*]
set xtics 1
stats data using 1 nooutput
if (STATS_max > 16) { set xtics autofreq }
set xrange [0.5:STATS_max + 0.5]
plot data using 1:2 with linespoints ls 2 title 'racy: no synchronisation (loses updates)', \
     data using 1:3 with linespoints ls 4 title 'mutex: lock, add 1, unlock', \
     data using 1:4 with linespoints ls 1 title 'atomic: one atomic add', \
     data using 1:5 with linespoints ls 3 title 'local: own count, summed at the end'
