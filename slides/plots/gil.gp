# SPDX-License-Identifier: MIT
# Python threads against Python processes: speedup over one thread of the
# same job, against the number of workers.
set title "One CPU-bound Python job on threads and on processes\n" . \
    python . ', measured on ' . machine
set key below width 2
set xlabel 'workers (threads or processes)'
set ylabel 'speedup over the job run serially'
stats data using 1 nooutput
set xrange [0.5:STATS_max + 0.5]
set yrange [0:*]
set xtics 1
set arrow from usable, graph 0 to usable, graph 1 nohead ls 9
set label sprintf('%d usable CPUs', usable) at usable, graph 0.95 right offset -0.5,0
plot (x < usable ? x : usable) with lines ls 9 title 'ideal: one CPU per worker', \
     data using 1:6 with linespoints ls 3 title 'processes (multiprocessing.Pool)', \
     data using 1:5 with linespoints ls 2 title 'threads (threading.Thread)'
