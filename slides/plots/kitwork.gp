# SPDX-License-Identifier: MIT
# Lab 06: Python threads calling kitwork's three versions, and processes,
# each splitting one count of Collatz steps: speedup over steps_held on one
# thread, against the number of workers.
set title "Python threads and a C extension: the GIL held, let go, taken back\n" . \
    python . ', measured on ' . machine
set key below width 2 spacing 1.1
set bmargin 10
set xlabel 'workers (Python threads or processes)'
set ylabel 'speedup over steps_held on 1 thread'
stats data using 1 nooutput
set xrange [0.5:STATS_max + 0.5]
set yrange [0:*]
set xtics 1
set arrow from usable, graph 0 to usable, graph 1 nohead ls 9
set label sprintf('%d usable CPUs', usable) at usable, graph 0.95 right offset -0.5,0
plot (x < usable ? x : usable) with lines ls 9 title 'ideal: one CPU per worker', \
     data using 1:3 with linespoints ls 1 title 'threads, steps_released (GIL let go)', \
     data using 1:4 with linespoints ls 4 title 'threads, steps_callback (GIL back per callback)', \
     data using 1:5 with linespoints ls 3 title 'processes, steps_held (multiprocessing.Pool)', \
     data using 1:2 with linespoints ls 2 title 'threads, steps_held (GIL held)'
