#!/usr/bin/env python3
"""bench/update_readme.py [MACHINE]: rewrites README.md's "## Benchmarks" section from the tables
`make bench` left in bench/results/ (boot, cpu, disk, net, snapshot), so the README shows exactly
what the last run measured. MACHINE describes where it ran (one sentence)."""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SUITES = [
    ("Boot", "boot.md"),
    ("CPU and memory", "cpu.md"),
    ("Disk", "disk.md"),
    ("Network", "net.md"),
    ("Snapshots, per-request reset and clones", "snapshot.md"),
]
PLOTS = ["ratios-boot.png", "ratios-cpu.png", "ratios-disk.png", "ratios-net.png", "latency.png"]


def main():
    machine = sys.argv[1] if len(sys.argv) > 1 else (
        "a 2-core AMD EPYC VM whose KVM is nested (`kvm_pvm`, shadow paging: every VM exit costs "
        "about 28 µs here, 1–3 µs on bare metal)")
    results = os.path.join(ROOT, "bench", "results")
    parts = [
        "## Benchmarks\n",
        "`make bench` (about 25 minutes; `make bench-quick` for a short run) runs each benchmark on "
        "each platform side by side — `native` (the same app built for Linux), `unikvm`, and the "
        "same kernel under QEMU (`qemu-tcg`; `qemu-kvm` where QEMU's KVM works, which it does not "
        "on these hosts) — interleaved run by run so machine drift hits all alike, and writes "
        "Markdown tables, one `time,value` CSV per benchmark and platform, and PNG plots "
        f"(gnuplot) to `bench/results/`. The tables below are from the last `make bench`, on "
        f"{machine}. Each cell is `median [min–max] (ratio to native)`; how each row is measured "
        "is in `bench/*/run.sh`, `bench/README.md` and under each table.\n",
    ]
    plots = [p for p in PLOTS if os.path.exists(os.path.join(results, p))]
    if plots:
        parts.append("Plots: " + ", ".join(f"[{p}](bench/results/{p})" for p in plots) + ".\n")
    for title, name in SUITES:
        path = os.path.join(results, name)
        if not os.path.exists(path):
            continue
        with open(path) as f:
            parts.append(f"### {title}\n\n{f.read().strip()}\n")
    section = "\n".join(parts)
    readme = os.path.join(ROOT, "README.md")
    with open(readme) as f:
        text = f.read()
    # The section runs to the next level-2 heading or the end of the file.
    new, n = re.subn(r"## Benchmarks\n.*?(?=\n## |\Z)", lambda m: section, text, flags=re.S)
    if n != 1:
        sys.exit("update_readme: README.md has no '## Benchmarks' section")
    with open(readme, "w") as f:
        f.write(new if new.endswith("\n") else new + "\n")


if __name__ == "__main__":
    main()
