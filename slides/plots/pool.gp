# SPDX-License-Identifier: MIT
# Lab 05: what a small task costs in the caller, in a thread of its own
# (pthread_create + pthread_join per task), and through a pool of two
# workers started once, against the task's size (log scales).
set title "A thread per task against a pool (lab 05's costs)\n" . subtitle
set xlabel "terms of work per task"
set ylabel 'microseconds per task (log scale)'
set logscale y
set format y '%g'
set key bottom right
set xrange [-0.3:*]
plot data using 0:3:xtic(1) with linespoints ls 2 title 'a thread per task: create + join', \
     data using 0:4 with linespoints ls 1 title 'a pool of 2 workers: submit + wait', \
     data using 0:2 with linespoints ls 4 title 'the work alone, in the caller'
