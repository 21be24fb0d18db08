# SPDX-License-Identifier: MIT
# Shared look of the kit's figures; plots.sh sets `out` (the PNG) and
# `machine` (the CPU the figure was measured on) before this file.
set terminal pngcairo size 1280,720 font 'DejaVu Sans,17' linewidth 2 noenhanced
set output out
set key top left box opaque
set grid ytics lc rgb '#dddddd' lw 1
set border 3 lw 1
set tics nomirror
set style line 1 lc rgb '#1f6fb4' pt 7 ps 1.6 lw 3
set style line 2 lc rgb '#d2691e' pt 5 ps 1.6 lw 3
set style line 3 lc rgb '#2e8b57' pt 9 ps 1.8 lw 3
set style line 4 lc rgb '#8b2e8b' pt 11 ps 1.8 lw 3
set style line 9 lc rgb '#888888' dt 2 lw 2
set fit quiet
set fit logfile '/dev/null'
subtitle = 'Measured on ' . machine
