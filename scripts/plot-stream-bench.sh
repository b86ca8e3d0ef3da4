#!/usr/bin/env bash
# Draws the chart an operator sizes from: stream rows/s per setting (median of the rounds, with the
# min–max spread), next to the LOAD DATA ceiling, from the Markdown report of scripts/bench-stream.sh
# (gnuplot, PNG).
#
#   scripts/plot-stream-bench.sh REPORT.md [OUT.png]      # default OUT: docs/stream-throughput.png
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
report=${1:?usage: plot-stream-bench.sh REPORT.md [OUT.png]}
out=${2:-$here/docs/stream-throughput.png}
command -v gnuplot >/dev/null || { echo "plot: gnuplot missing; run scripts/install-deps.sh" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ceiling=$(grep -o 'LOAD DATA LOCAL INFILE[^*]*\*\*[0-9]*' "$report" | grep -o '[0-9]*$' | head -1)
[ -n "$ceiling" ] || { echo "plot: no LOAD DATA ceiling in $report" >&2; exit 1; }
# "| setting | median | min – max | × ceiling | ..." -> index, median, min, max, label
awk -F'|' '/^\| / && $3 ~ /^ *[0-9]+ *$/ && $4 ~ / – / {
  split($4, mm, " – "); gsub(/\*/, "", $2); gsub(/^ +| +$/, "", $2);
  printf "%d %d %d %d \"%s\"\n", ++n, $3, mm[1], mm[2], $2 }' "$report" >"$work/runs.dat"
[ -s "$work/runs.dat" ] || { echo "plot: no stream settings in $report" >&2; exit 1; }
gnuplot <<GP
set terminal pngcairo size 1000,560 font 'DejaVu Sans,10' noenhanced
set output '$out'
set title 'walmart-etl stream → MariaDB: rows/s per setting (median, min–max over the rounds)'
set ylabel 'rows/s'
set grid ytics
set key top left
set yrange [0:*]
set xrange [0.4:*]
set boxwidth 0.5
set style fill solid 0.6
set xtics rotate by -15 offset 0,0
plot '$work/runs.dat' using 1:2:xtic(5) with boxes title 'stream (median)', \
     '' using 1:2:3:4 with yerrorbars lc rgb 'black' pt 0 title 'min – max', \
     $ceiling with lines dt 2 lw 2 lc rgb 'black' title 'LOAD DATA LOCAL INFILE ceiling ($ceiling rows/s)', \
     $ceiling*0.85 with lines dt 3 lc rgb 'gray' title '0.85 x ceiling'
GP
echo "plot: wrote $out"
