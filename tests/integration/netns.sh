# netns.sh: network namespaces for the networked tests: every address they use lives inside one.
# The caller sets NS_PREFIX (unique per script) and deletes the namespaces on exit (ns_cleanup).

NS_COUNT=0
declare -a NAMESPACES PIDS # (kept if the caller made them already)

# ns_cleanup [FILES...]: stops the background PIDS, deletes the NAMESPACES, removes FILES (for
# `trap 'ns_cleanup ...' EXIT`).
ns_cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  for ns in "${NAMESPACES[@]}"; do [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null; done
  rm -rf "$@"
}

# make_ns [notap]: a fresh namespace $NS with lo up and, unless notap, tap0 at 10.77.0.1/24.
make_ns() {
  NS_COUNT=$((NS_COUNT + 1))
  NS=$NS_PREFIX$$-$NS_COUNT
  ip netns add "$NS" || { echo "FATAL: cannot create network namespace $NS" >&2; exit 1; }
  NAMESPACES+=("$NS")
  ip netns exec "$NS" ip link set lo up
  [ "${1:-}" = notap ] && return 0
  ip netns exec "$NS" ip tuntap add tap0 mode tap &&
    ip netns exec "$NS" ip link set tap0 up &&
    ip netns exec "$NS" ip addr add 10.77.0.1/24 dev tap0 ||
    { echo "FATAL: cannot set up tap0 in $NS" >&2; exit 1; }
}
