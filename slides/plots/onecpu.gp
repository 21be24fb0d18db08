# SPDX-License-Identifier: MIT
# Concurrency without parallelism (slides/demos/overlap.c and ctxswitch.c,
# pinned by taskset to CPU `cpu`): W jobs of `job_ms` on W threads against
# the same jobs one after another, when they compute and when they wait; the
# label gives the cost of one switch, from a pipe ping-pong on the same CPU.
set title sprintf("W jobs of %d ms each, every thread on CPU %d (taskset -c %d)\n", job_ms, cpu, cpu) . subtitle
set key top left box opaque
set xlabel 'jobs (W), on W threads or on one'
set ylabel 'elapsed time (ms)'
stats data using 1 nooutput
set xrange [0.5:STATS_max + 0.5]
set yrange [0:*]
set xtics 1
set label sprintf("a context switch (pipe ping-pong, round trip / 2):\n%.2f µs between two threads, %.2f µs between two processes", \
    switch_threads, switch_processes) at graph 0.98, graph 0.3 right
# The W-thread lines first, thick; the one-thread lines over them, dashed.
plot data using 1:3 with linespoints ls 2 title 'computing, W threads', \
     data using 1:5 with linespoints ls 1 title 'waiting (nanosleep), W threads', \
     data using 1:2 with linespoints lc rgb '#333333' dt 2 lw 2 pt 4 ps 1.4 title 'computing, one thread', \
     data using 1:4 with linespoints lc rgb '#5599dd' dt 2 lw 2 pt 6 ps 1.4 title 'waiting (nanosleep), one thread'
