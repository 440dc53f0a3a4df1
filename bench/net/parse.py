#!/usr/bin/env python3
"""parse.py: reads one client's output (stdin) for bench/net/run.sh and prints the numbers it
needs on one line, or exits 1 with the reason on stderr when the output has none.

  parse.py wrk       -> REQ_PER_S AVG_US P99_US REQUESTS ERRORS   (ERRORS: "-" or a phrase)
  parse.py iperf3    -> GBIT_PER_S RETRANSMITS                    (from iperf3 --json)
  parse.py sockperf  -> AVG_US P50_US P99_US P999_US ROUND_TRIPS ERRORS
  parse.py strace    -> CALLS BREAKDOWN                           (strace -c: total, then the
                                                                   four busiest as name=calls,...)
  parse.py stats     -> EXITS FRAMES                              (unikvm --stats on stderr)
"""
import json
import re
import sys

UNITS_US = {"us": 1.0, "ms": 1000.0, "s": 1e6}


def us(text):
    m = re.fullmatch(r"([0-9.]+)(us|ms|s)", text)
    if not m:
        raise ValueError("not a wrk duration: %r" % text)
    return float(m.group(1)) * UNITS_US[m.group(2)]


def wrk(text):
    rps = re.search(r"^Requests/sec:\s+([0-9.]+)", text, re.M)
    avg = re.search(r"^\s+Latency\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    reqs = re.search(r"^\s+([0-9]+) requests in ", text, re.M)
    if not (rps and avg and reqs):
        raise ValueError("no wrk summary")
    errors = []
    sock = re.search(r"Socket errors: (.*)", text)
    if sock:
        errors.append("socket errors: " + sock.group(1).strip())
    non2xx = re.search(r"Non-2xx or 3xx responses: ([0-9]+)", text)
    if non2xx:
        errors.append(non2xx.group(1) + " non-2xx")
    p99_us = "%.1f" % us(p99.group(1)) if p99 else "-"
    return "%s %.1f %s %s %s" % (rps.group(1), us(avg.group(1)), p99_us, reqs.group(1),
                                 ("; ".join(errors) or "-").replace(" ", "_"))


def iperf3(text):
    d = json.loads(text)
    if "error" in d:
        raise ValueError("iperf3: " + d["error"])
    end = d["end"]
    gbps = end["sum_received"]["bits_per_second"] / 1e9
    if gbps <= 0:
        raise ValueError("iperf3 received nothing")
    return "%.3f %s" % (gbps, end["sum_sent"].get("retransmits", "-"))


def sockperf(text):
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    avg = re.search(r"Summary: Latency is ([0-9.]+) usec", text)
    pct = dict(re.findall(r"---> percentile ([0-9.]+) =\s+([0-9.]+)", text))
    trips = re.search(r"\[Total Run\].*ReceivedMessages=([0-9]+)", text)
    if not (avg and trips) or not all(k in pct for k in ("50.000", "99.000", "99.900")):
        raise ValueError("no sockperf summary")
    drops = re.search(r"# dropped messages = ([0-9]+); # duplicated messages = ([0-9]+); "
                      r"# out-of-order messages = ([0-9]+)", text)
    errors = "-"
    if drops and any(int(x) for x in drops.groups()):
        errors = "dropped_%s_duplicated_%s_out-of-order_%s" % drops.groups()
    return "%s %s %s %s %s %s" % (avg.group(1), pct["50.000"], pct["99.000"], pct["99.900"],
                                  trips.group(1), errors)


def strace(text):
    rows = []
    total = None
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 5 and f[-1] == "total":
            total = int(f[3])
        elif len(f) >= 5 and re.fullmatch(r"[0-9.]+", f[0]) and f[3].isdigit():
            rows.append((int(f[3]), f[-1]))
    if total is None:
        raise ValueError("no strace -c summary")
    rows.sort(reverse=True)
    return "%d %s" % (total, ",".join("%s=%d" % (name, n) for n, name in rows[:4]) or "-")


def stats(text):
    exits = re.search(r"unikvm: stats: .* exits=([0-9]+)", text)
    frames = re.search(r"unikvm: stats: net tx_frames=([0-9]+) rx_frames=([0-9]+)", text)
    if not exits:
        raise ValueError("no unikvm --stats lines")
    return "%s %d" % (exits.group(1), int(frames.group(1)) + int(frames.group(2)) if frames else 0)


def main():
    try:
        print(globals()[sys.argv[1]](sys.stdin.read()))
    except (ValueError, KeyError, IndexError, json.JSONDecodeError) as e:
        print(str(e)[:100], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
