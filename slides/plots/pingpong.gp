# SPDX-License-Identifier: MIT
# Lab 07: half the round trip of a message between two MPI ranks on one
# machine, against its size (log scales): latency for small messages,
# bandwidth for large ones.
set title "The cost of an MPI message between two ranks on one machine\n" . subtitle
set xlabel 'message size, bytes (log scale)'
set ylabel 'one-way time, microseconds (log scale)'
set logscale xy
set format x '%.0s%c'
set format y '%g'
set key top left
f(x) = a + x / b
a = 0.3; b = 10000
# Each point weighed by its own size (relative errors): the small messages
# fix the latency, the large ones the bandwidth.
fit f(x) data using 1:2:2 yerror via a, b
plot data using 1:2 with linespoints ls 1 title 'measured (make pingpong)', \
     f(x) with lines ls 9 title sprintf('latency + size / bandwidth: %.2f us + bytes / %.0f MB/s', a, b)
