# SPDX-License-Identifier: MIT
# Lab 01: throughput of spin's CPU-bound loop against the number of threads.
# Vertical lines mark the physical cores, the logical CPUs and the usable
# CPUs; the dashed line is one core's throughput times the threads.
set title "spin: throughput of a CPU-bound loop (lab 01)\n" . subtitle
set xlabel 'threads running the loop'
set ylabel 'million loop steps per second, all threads'
stats data every ::0::0 using 3 nooutput
one = STATS_max
set xrange [0.5:*]
set yrange [0:*]
set xtics 1
set arrow from physical, graph 0 to physical, graph 1 nohead ls 9
if (logical == physical) {
    set label sprintf('%d cores, 1 hardware thread each', physical) at physical, graph 0.06 right offset -0.5,0
} else {
    set label sprintf('%d physical cores', physical) at physical, graph 0.06 right offset -0.5,0
}
if (logical != physical) {
    set arrow from logical, graph 0 to logical, graph 1 nohead ls 9
    set label sprintf('%d logical CPUs', logical) at logical, graph 0.12 right offset -0.5,0
}
if (usable != logical && usable != physical) {
    set arrow from usable, graph 0 to usable, graph 1 nohead lc rgb '#cc0000' dt 3
    set label sprintf('%d usable', usable) at usable, graph 0.18 right offset -0.5,0
}
plot data using 1:3 with linespoints ls 1 title 'measured throughput', \
     (x >= 1 ? one * x : 1/0) with lines ls 9 title 'one core per thread'
