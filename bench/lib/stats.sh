# stats.sh: medians, table cells, rows and result files shared by the bench suites (sourced; reads
# $TMP, $RESULTS, $SUITE and, when the table is written, $now). Values live one per line in
# $TMP/BENCH.INDEX.PLATFORM; why a platform's runs failed in $TMP/BENCH.PLATFORM.fail; what was
# reduced for it (e.g. "qemu-tcg: n=1, 64 MiB") in $TMP/BENCH.PLATFORM.note; why a platform is
# not measured at all in this run in $TMP/PLATFORM.na; $TMP/BENCH.PLATFORM.noratio says that its
# values are of a different size than native's, so no ratio is shown or saved.
# shellcheck shell=bash disable=SC2154 # $now, $TMP, $RESULTS and $SUITE come from the suite

# The platforms in table order; native is the baseline every ratio is to.
ALL_PLATFORMS=(native unikvm qemu-tcg qemu-kvm)
# PLATFORMS (environment, space-separated) narrows a run, e.g. PLATFORMS="native unikvm".
read -r -a RUN_PLATFORMS <<<"${PLATFORMS:-${ALL_PLATFORMS[*]}}"

# measures PLATFORM: true when this run measures PLATFORM (selected, and not n/a here).
measures() { [[ " ${RUN_PLATFORMS[*]} " == *" $1 "* ]] && [ ! -f "$TMP/$1.na" ]; }

# platform_na PLATFORM WHY: PLATFORM cannot be measured in this run; its cells say WHY.
platform_na() { echo "$2" >"$TMP/$1.na"; }

# median FILE: the median of the numbers in FILE (mean of the middle two for an even count).
median() {
  sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
    else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio BENCH INDEX [PLATFORM [BASE]]: PLATFORM's median / BASE's (defaults unikvm and native),
# or – when either is missing or BASE's is 0.
ratio() {
  local n=$TMP/$1.$2.${4:-native} u=$TMP/$1.$2.${3:-unikvm}
  if [ -s "$n" ] && [ -s "$u" ]; then
    awk -v u="$(median "$u")" -v n="$(median "$n")" 'BEGIN { if (n == 0) print "–"; else printf "%.3f", u / n }'
  else
    echo "–"
  fi
}

# cell BENCH INDEX PLATFORM FMT: "median [min–max] (ratio×)", what was reduced, and why runs
# failed if any did; for a platform not measured here, why not.
cell() {
  local values=$TMP/$1.$2.$3 fail=$TMP/$1.$3.fail note=$TMP/$1.$3.note text="" r
  if [ -s "$values" ]; then
    text=$(sort -g "$values" | awk -v fmt="$4" -v med="$(median "$values")" \
      '{ v[NR] = $1 } END { printf fmt " [" fmt "–" fmt "]", med, v[1], v[NR] }')
    if [ "$3" != native ] && [ ! -f "$TMP/$1.$3.noratio" ]; then
      r=$(ratio "$1" "$2" "$3")
      [ "$r" = "–" ] || text+=" (${r}×)"
    fi
  fi
  if [ -s "$fail" ]; then text="${text:+$text; }$(cat "$fail")"; fi
  [ -n "$text" ] && [ -s "$note" ] && text+=" *$(cat "$note")*"
  if [ -z "$text" ] && [ -f "$TMP/$3.na" ]; then text="n/a ($(cut -d'(' -f1 "$TMP/$3.na" | sed 's/[ :;]*$//'))"; fi
  if [ -z "$text" ] && ! [[ " ${RUN_PLATFORMS[*]} " == *" $3 "* ]]; then text="not run (PLATFORMS)"; fi
  echo "${text:-no data}"
}

# cells BENCH INDEX FMT: one table cell per platform, "|"-separated.
cells() {
  local p sep=""
  for p in "${ALL_PLATFORMS[@]}"; do
    printf '%s%s' "$sep" "$(cell "$1" "$2" "$p" "$3")"
    sep=" | "
  done
}

# platform_header: the platform columns' titles and separators for a table header.
platform_header() {
  local p
  for p in "${ALL_PLATFORMS[@]}"; do
    if [ "$p" = native ]; then printf ' native median [min–max] |'; else printf ' %s (×native) |' "$p"; fi
  done
}
platform_rule() { for _ in "${ALL_PLATFORMS[@]}"; do printf ' --- |'; done; }

# platform_notes: one line per platform this run could not measure, with the whole reason.
platform_notes() {
  local p
  for p in "${ALL_PLATFORMS[@]}"; do
    [ -f "$TMP/$p.na" ] && echo "$p not measured: $(cat "$TMP/$p.na")"$'\n'
  done
  return 0
}

# target RATIO DIRECTION LIMIT: the issue's goal for this row (unikvm/native) and whether it was met.
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

# results_reset: starts this suite's medians file for the plots ($RESULTS/SUITE-medians.tsv).
results_reset() {
  printf 'name\tplatform\tmedian\tratio\tdirection\n' >"$RESULTS/$SUITE-medians.tsv"
}

# save BENCH INDEX NAME DIRECTION: appends each platform's median to $RESULTS/NAME-PLATFORM.csv
# (the seed reports' time,value format; $TMP/BENCH.PLATFORM.csv renames a reduced-size platform's
# file) and to the suite's medians file with its ratio to native.
save() {
  local p name r
  [ -n "$3" ] || return 0
  for p in "${ALL_PLATFORMS[@]}"; do
    [ -s "$TMP/$1.$2.$p" ] || continue
    r=$(ratio "$1" "$2" "$p")
    [ -f "$TMP/$1.$p.noratio" ] && r="–"
    name=$3
    [ -s "$TMP/$1.$p.csv" ] && name=$(cat "$TMP/$1.$p.csv")
    echo "$now,$(median "$TMP/$1.$2.$p")" >>"$RESULTS/$name-$p.csv"
    printf '%s\t%s\t%s\t%s\t%s\n' "$3" "$p" "$(median "$TMP/$1.$2.$p")" "$r" "$4" \
      >>"$RESULTS/$SUITE-medians.tsv"
  done
  return 0
}

# row BENCH INDEX LABEL FMT DIRECTION TARGET CSV: one table line (label, the platforms, the
# target, unikvm's VM exits per run) and its result files.
row() {
  local bench=$1 i=$2 exits="–"
  [ -s "$TMP/$bench.exits" ] && [ "$i" = 0 ] && exits=$(median "$TMP/$bench.exits")
  echo "| $3 | $(cells "$bench" "$i" "$4") | $(target "$(ratio "$bench" "$i")" "$5" "$6") | $exits |"
  save "$bench" "$i" "$7" "$5"
}
