# SPDX-License-Identifier: MIT
# Python threads, processes and asyncio (slides/demos/gil_demo.py): speedup
# over the same job run serially, against the number of workers, for a job
# that computes (data block 0) and a job that waits (data block 1).
set title "Python workers on a job that computes and on one that waits\n" . \
    python . "\n" . subtitle
set key top left box opaque
set xlabel 'workers (threads, processes or asyncio tasks)'
set ylabel 'speedup over the job run serially'
stats data index 0 using 1 nooutput
set xrange [0.5:STATS_max + 0.5]
set yrange [0:STATS_max + 0.5]
set xtics 1
set arrow from usable, graph 0 to usable, graph 1 nohead ls 9
set label sprintf('%d usable CPUs', usable) at usable, graph 0.05 left offset 0.5,0
plot (x >= 1 ? x : 1/0) with lines lc rgb '#bbbbbb' dt 3 lw 2 title 'ideal for waiting: one worker per wait', \
     (x < 1 ? 1/0 : x < usable ? x : usable) with lines ls 9 title 'ideal for computing: one CPU per worker', \
     data index 1 using 1:5 with linespoints ls 4 title 'waiting, threads (time.sleep)', \
     data index 1 using 1:6 with linespoints ls 1 pt 6 title 'waiting, asyncio tasks (asyncio.sleep)', \
     data index 0 using 1:6 with linespoints ls 3 title 'computing, processes (multiprocessing.Pool)', \
     data index 0 using 1:5 with linespoints ls 2 title 'computing, threads (threading.Thread)'
