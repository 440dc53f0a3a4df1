#!/usr/bin/env bash
# plot.sh: PNG plots of the latest bench results with gnuplot: per suite, each platform's speed
# relative to native (ratios-SUITE.png), and the network latencies per platform (latency.png).
# Reads the SUITE-medians.tsv files the suites write to RESULTS (default bench/results); without
# gnuplot it says so and draws nothing (the tables and CSVs do not need it).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
RESULTS=${RESULTS:-bench/results}
PLATFORMS=(native native-1cpu unikvm qemu-tcg qemu-kvm)

if ! command -v gnuplot >/dev/null; then
  echo "bench/plot: gnuplot not installed (apt-get install gnuplot-nox): no plots drawn" >&2
  exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# matrix PLATFORMS TSV VALUE FILTER: one line per benchmark name (in first-seen order), one
# column per platform of PLATFORMS that has any value, NaN where it has none for that name. VALUE is awk that sets v from $3 (median), $4
# (ratio) and $5 (direction), leaving it empty for none; FILTER an awk condition on the row.
matrix() {
  local prog
  prog='NR > 1 && ('"$4"') { v = ""; '"$3"'; if (v != "") val[$1, $2] = v
      if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
    END { k = split(plats, all, " "); m = 0
      for (j = 1; j <= k; j++) for (i = 1; i <= n; i++) if ((order[i], all[j]) in val) { p[++m] = all[j]; break }
      printf "name"; for (j = 1; j <= m; j++) printf " %s", p[j]; print ""
      for (i = 1; i <= n; i++) { printf "%s", order[i]
        for (j = 1; j <= m; j++) printf " %s", ((order[i], p[j]) in val) ? val[order[i], p[j]] : "NaN"
        print "" } }'
  awk -F'\t' -v plats="$1" "$prog" "$2"
}

# bars DATA PNG TITLE YLABEL [REFERENCE]: a clustered bar chart on a log scale, one cluster per
# line of DATA, one bar per platform; REFERENCE draws a dashed line at that y (1 for ratios), which
# the y range then always includes.
bars() {
  local n cols colors ref=""
  [ -n "${5:-}" ] && ref=", $5 with lines dashtype 2 lw 1.5 lc rgb \"black\" notitle"
  n=$(($(wc -l <"$1") - 1))
  cols=$(head -1 "$1" | wc -w)
  # One colour per platform, the same in every plot.
  colors=$(head -1 "$1" | tr ' ' '\n' | tail -n +2 | sed 's/^native$/#7f7f7f/; s/^native-1cpu$/#c7c7c7/; s/^unikvm$/#1f77b4/;
    s/^qemu-tcg$/#ff7f0e/; s/^qemu-kvm$/#2ca02c/' | paste -sd' ')
  [ "$n" -gt 0 ] && [ "$cols" -gt 1 ] || return 1
  gnuplot <<GP
set terminal pngcairo size $((420 + 70 * n)),560 font "sans,10"
set output "$2"
set title "$3"
set ylabel "$4"
set logscale y
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -35 left noenhanced
set key top left noenhanced
set grid ytics
set datafile missing "NaN"
set rmargin 10
set offsets 0, 0, graph 0.08, 0
colors = "$colors"
plot for [c=2:$cols] "$1" using c:xtic(1) title columnheader(c) lc rgb word(colors, c - 1)$ref
GP
}

drawn=0
for f in "$RESULTS"/*-medians.tsv; do
  [ -f "$f" ] || continue
  suite=$(basename "$f" -medians.tsv)
  # Speed relative to native, higher is better: the ratio, or its inverse for times.
  matrix "unikvm qemu-tcg qemu-kvm" "$f" 'if ($4 == "–" || $4 == 0) v = ""; else v = ($5 == "lower" ? 1 / $4 : $4)' \
    '$1 !~ /retransmits|^fio-/' >"$TMP/$suite.dat"
  if bars "$TMP/$suite.dat" "$RESULTS/ratios-$suite.png" \
    "$suite: speed relative to native (native = 1, higher is better; log scale)" "× native" 1; then
    drawn=$((drawn + 1))
  fi
done
if [ -f "$RESULTS/net-medians.tsv" ]; then
  matrix "${PLATFORMS[*]}" "$RESULTS/net-medians.tsv" 'v = $3' \
    '$1 ~ /^sockperf-.*-(p50|p99|p999)-us$/ || $1 ~ /^http-.*-(avg|p99)-us$/' >"$TMP/latency.dat"
  sed -i '2,$s/-us / /' "$TMP/latency.dat"
  bars "$TMP/latency.dat" "$RESULTS/latency.png" \
    "network latency: sockperf p50/p99/p99.9, wrk average/p99 (lower is better; log scale)" "µs" &&
    drawn=$((drawn + 1))
fi
echo "bench/plot: $drawn plot(s) in $RESULTS/" >&2
