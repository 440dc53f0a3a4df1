# stats.sh: medians, table cells and CSV rows for bench/cpu/run.sh (sourced; reads $TMP, $RESULTS,
# $now). Values live one per line in $TMP/BENCH.INDEX.PLATFORM; failures in $TMP/BENCH.PLATFORM.fail.
# shellcheck shell=bash disable=SC2154 # $now, $TMP and $RESULTS come from run.sh

# median FILE: the median of the numbers in FILE (mean of the middle two for an even count).
median() {
  sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
    else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# cell BENCH INDEX PLATFORM FMT: "median [min–max]", and why runs failed if any did.
cell() {
  local values=$TMP/$1.$2.$3 fail=$TMP/$1.$3.fail text=""
  if [ -s "$values" ]; then
    text=$(sort -g "$values" | awk -v fmt="$4" -v med="$(median "$values")" \
      '{ v[NR] = $1 } END { printf fmt " [" fmt "–" fmt "]", med, v[1], v[NR] }')
  fi
  if [ -f "$fail" ]; then text="${text:+$text; }$(cat "$fail")"; fi
  echo "${text:-no data}"
}

# ratio BENCH INDEX: unikvm median / native median, or – when either is missing.
ratio() {
  local n=$TMP/$1.$2.native u=$TMP/$1.$2.unikvm
  if [ -s "$n" ] && [ -s "$u" ]; then
    awk -v u="$(median "$u")" -v n="$(median "$n")" 'BEGIN { printf "%.3f", u / n }'
  else
    echo "–"
  fi
}

# target RATIO DIRECTION LIMIT: the issue's goal for this row and whether it was met.
target() {
  [ -n "$3" ] || { echo "–" && return; }
  local sign="≥" met
  [ "$2" = lower ] && sign="≤"
  if [ "$1" = "–" ]; then
    echo "$sign $3× (not measured)"
    return
  fi
  met=$(awk -v r="$1" -v t="$3" -v d="$2" \
    'BEGIN { ok = d == "lower" ? r <= t : r >= t; print ok ? "met" : "NOT met" }')
  echo "$sign $3× ($met)"
}

# row BENCH INDEX LABEL FMT DIRECTION TARGET CSV: one table line; appends each platform's median to
# $RESULTS/CSV-PLATFORM.csv in the seed reports' time,value format.
row() {
  local bench=$1 i=$2 exits="–" r
  r=$(ratio "$bench" "$i")
  [ -s "$TMP/$bench.exits" ] && [ "$i" = 0 ] && exits=$(median "$TMP/$bench.exits")
  echo "| $3 | $(cell "$bench" "$i" native "$4") | $(cell "$bench" "$i" unikvm "$4") | $r |" \
    "$(target "$r" "$5" "$6") | $exits |"
  [ -n "$7" ] || return 0
  for platform in native unikvm; do
    [ -s "$TMP/$bench.$i.$platform" ] &&
      echo "$now,$(median "$TMP/$bench.$i.$platform")" >>"$RESULTS/$7-$platform.csv"
  done
  return 0
}

# first_touch_note: what first-touching the 8096 pages costs per page, and how much of the guest's
# memsweep time it is.
first_touch_note() {
  local line="" sep=""
  for platform in native unikvm; do
    local touch=$TMP/memsweep-p.0.$platform sweep=$TMP/memsweep.0.$platform
    if [ ! -s "$touch" ] || [ ! -s "$sweep" ]; then continue; fi
    line+=$sep$(awk -v t="$(median "$touch")" -v s="$(median "$sweep")" -v p="$platform" \
      'BEGIN { printf "%s %.2f µs per page (%.1f ms, %.1f%% of its memsweep time)",
        p, t * 1e6 / 8096, t * 1e3, 100 * t / s }')
    sep="; "
  done
  echo "First touch of a 4 KiB page: ${line:-not measured}"
  echo
}
