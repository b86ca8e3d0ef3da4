#!/usr/bin/env bash
# Draws the chart an operator sizes from: stream rows/s for each batch_size x parallelism, next to
# the LOAD DATA ceiling, from the Markdown report of scripts/bench-stream.sh (gnuplot, PNG).
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
# "| stream parallelism=P batch_size=B batch_interval_ms=I | s | wall | rows/s | ..."
grep -E '^\| stream parallelism=' "$report" |
  sed -E 's/^\| stream parallelism=([0-9]+) batch_size=([0-9]+) batch_interval_ms=([0-9]+) \| [^|]+\| [^|]+\| ([0-9]+) .*/\2 \1 \4/' |
  sort -n -k1,1 -k2,2 >"$work/runs.dat"
[ -s "$work/runs.dat" ] || { echo "plot: no stream runs in $report" >&2; exit 1; }
for p in $(awk '{print $2}' "$work/runs.dat" | sort -un); do
  awk -v p="$p" '$2 == p {print $1, $3}' "$work/runs.dat" >"$work/p$p.dat"
done
plots=""
for f in "$work"/p*.dat; do
  p=$(basename "$f" .dat); p=${p#p}
  plots+="'$f' using 1:2 with linespoints lw 2 pt 7 title 'stream, parallelism $p', "
done
plots+="$ceiling with lines dt 2 lw 2 lc rgb 'black' title 'LOAD DATA LOCAL INFILE ceiling ($ceiling rows/s)', "
plots+="$ceiling*0.7 with lines dt 3 lc rgb 'gray' title '0.7 x ceiling'"
gnuplot <<GP
set terminal pngcairo size 900,520 font 'DejaVu Sans,11' noenhanced
set output '$out'
set title 'walmart-etl stream → MariaDB: rows/s by batch_size and parallelism'
set xlabel 'stream.batch_size (rows per transaction)'
set ylabel 'rows/s'
set logscale x
set grid
set key bottom right
set yrange [0:*]
plot $plots
GP
echo "plot: wrote $out"
