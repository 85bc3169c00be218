"""
The Markdown report of bench/run.sh: reads "round|label|req/s p50 p99 requests non-2xx errors" lines on
standard input and prints the table, each page's share of the ceiling and the issue's goals.

Each round measures the ceiling (the label starting with "ceiling") and then the pages. A page's share in a
round is of that round's ceiling, so that a machine busier in one round than in another moves both; the table
shows the median over the rounds of each figure and of the shares, and each round's share.
"""

import argparse
import sys
from datetime import datetime, timezone
from statistics import median

GOALS = [
    # (label prefix, description, test on (share of ceiling, p99 in ms))
    ("article page, warm", "article page warm at 80% or more of the ceiling", lambda share, p99: share >= 0.80),
    ("article page, cold", "article page cold at 25% or more of the ceiling", lambda share, p99: share >= 0.25),
    # Every search run in full (no result cache), the slowest case: the first row of search latency.
    ("search latency", "search p99 under 50 ms, each search in full", lambda share, p99: p99 < 50),
]


def main():
    parser = argparse.ArgumentParser()
    for option in ("articles", "commit", "cpu", "setup", "two-instances"):
        parser.add_argument(f"--{option}", default="")
    parser.add_argument("--seconds", type=int, default=0)
    parser.add_argument("--relevance", default="", help="the Markdown of bench/relevance.py, a file")
    options = parser.parse_args()

    runs = {}  # label: {round: (req/s, p50, p99, requests, non-2xx, errors)}
    for line in sys.stdin:
        if "|" in line:
            round_, label, numbers = line.rstrip("\n").split("|", 2)
            rps, p50, p99, requests, bad_status, errors = numbers.split()
            runs.setdefault(label, {})[round_] = (
                float(rps), float(p50), float(p99), int(requests), int(bad_status), int(errors)
            )
    ceilings = next((measured for label, measured in runs.items() if label.startswith("ceiling")), {})

    rows = []
    for label, measured in runs.items():
        shares = [rps / ceilings[round_][0] for round_, (rps, *_) in measured.items() if ceilings.get(round_, (0,))[0]]
        rows.append(
            (
                label,
                median(run[0] for run in measured.values()),
                median(run[1] for run in measured.values()),
                median(run[2] for run in measured.values()),
                sum(run[3] for run in measured.values()),
                sum(run[4] for run in measured.values()),
                sum(run[5] for run in measured.values()),
                median(shares) if shares else 0.0,
                shares,
            )
        )

    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"# Benchmark, {when}\n")
    print(f"- Code: {options.commit}; {int(options.articles or 0):,} articles in PostgreSQL, Redis cache")
    print(f"- Machine: {options.cpu}")
    print(f"- {options.setup}")
    print("- Each figure is the median of the rounds; a share is of the ceiling of the same round.\n")
    print("| target | requests/s | p50 | p99 | share of ceiling | share in each round | failed |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, rps, p50, p99, requests, bad_status, errors, share, shares in rows:
        if not requests:
            print(f"| {label} | 0 | – | – | 0% | – | no response within the run |")
            continue
        failed = f"{bad_status + errors} of {requests:,}" if bad_status or errors else "0"
        each = " ".join(f"{value:.0%}" for value in shares)
        print(f"| {label} | {rps:,.0f} | {p50:.1f} ms | {p99:.1f} ms | {share:.0%} | {each} | {failed} |")

    print("\nGoals:\n")
    for prefix, description, test in GOALS:
        row = next((row for row in rows if row[0].startswith(prefix)), None)
        if row:
            label, rps, p50, p99, requests, bad_status, errors, share, shares = row
            verdict = "met" if requests and test(share, p99) and not (bad_status or errors) else "NOT met"
            print(f"- {description}: {verdict} ({share:.0%} of the ceiling, p99 {p99:.1f} ms)")

    if options.relevance:
        with open(options.relevance, encoding="utf-8") as relevance:
            print("\nSearch relevance (bench/relevance.py):\n")
            print(relevance.read().strip())

    print("\nTwo instances sharing PostgreSQL and Redis (bench/two_instances.py):\n")
    print("```")
    print(options.two_instances.strip())
    print("```")
    print(f"\n`make bench` took {options.seconds // 60} min {options.seconds % 60} s.")


if __name__ == "__main__":
    main()
