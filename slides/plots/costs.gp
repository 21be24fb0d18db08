# SPDX-License-Identifier: MIT
# Lab 04: what creating and waiting for one thread, or one process, costs,
# against how much memory the parent has touched (log scale: a fork copies
# the parent's page tables, and a child that writes copies its pages).
set title "Creating a thread or a process (lab 04's costs)\n" . subtitle
set xlabel "memory the parent has touched (MiB)"
set ylabel 'microseconds each (log scale)'
set logscale y
set format y '%.0f'
set key top left
set xrange [-0.3:*]
plot data using 0:2:xtic(1) with linespoints ls 1 title 'thread: pthread_create + pthread_join', \
     data using 0:3 with linespoints ls 2 title 'process: fork + _exit + waitpid', \
     data using 0:4 with linespoints ls 4 title 'process whose child writes every page'
