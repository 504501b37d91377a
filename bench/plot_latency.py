"""Draws the latency scenario of bench/run.sh: calls in flight against the time to the last
callback, one line per client (first round dashed: it starts the workers and connections).

    python bench/plot_latency.py RESULTS/latency OUT.png
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

NS = [1, 16, 64, 256, 1024]
CLIENTS = [("c", "this library, C ABI (defaults)", "tab:blue"),
           ("cs", "this library, C# Task API (defaults)", "tab:green"),
           ("ts", "official TypeScript SDK (one Node thread)", "tab:red")]


def kv(path):
    try:
        with open(path) as f:
            line = f.read().strip().splitlines()[-1]
    except (OSError, IndexError):
        return {}
    return dict(p.split("=", 1) for p in line.split() if "=" in p)


def main(lat, out):
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for key, label, color in CLIENTS:
        xs, warm, first = [], [], []
        for n in NS:
            d = kv(os.path.join(lat, "%s-%d.out" % (key, n)))
            if "warm_s" in d:
                xs.append(n)
                warm.append(float(d["warm_s"]))
                first.append(float(d["first_s"]))
        if xs:
            ax.plot(xs, warm, marker="o", color=color, label=label + ", warm")
            ax.plot(xs, first, marker=".", linestyle="--", color=color, alpha=0.6, label=label + ", first round")
    ax.axhline(0.1, color="grey", linewidth=0.8, linestyle=":")
    ax.text(1, 0.102, "one round trip (100 ms)", color="grey", fontsize=8, va="bottom")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(NS)
    ax.set_xticklabels([str(n) for n in NS])
    ax.set_xlabel("GetConnectionInfo calls in flight (submitted at once)")
    ax.set_ylabel("time to the last callback (s)")
    ax.set_title("Emulator with --latency-ms 100")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
