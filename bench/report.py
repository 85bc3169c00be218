"""
The Markdown report of bench/run.sh: reads "label|req/s p50 p99 requests non-2xx errors" lines on standard
input and prints the table, each page's share of the ceiling and the issue's goals.

The ceiling is measured first and again last (labels starting with "ceiling"): shares are of the higher of the
two, so that a ceiling measured while the machine was busy with something else cannot flatter the pages.
"""

import argparse
import sys
from datetime import datetime, timezone

GOALS = [
    # (label prefix, description, test on (share of ceiling, p99 in ms))
    ("article page, warm", "article page warm at 80% or more of the ceiling", lambda share, p99: share >= 0.80),
    ("article page, cold", "article page cold at 25% or more of the ceiling", lambda share, p99: share >= 0.25),
    ("search latency", "search p99 under 50 ms", lambda share, p99: p99 < 50),
]


def main():
    parser = argparse.ArgumentParser()
    for option in ("articles", "commit", "cpu", "setup", "two-instances"):
        parser.add_argument(f"--{option}", default="")
    parser.add_argument("--seconds", type=int, default=0)
    options = parser.parse_args()

    rows = []
    for line in sys.stdin:
        if "|" in line:
            label, numbers = line.rstrip("\n").split("|", 1)
            rps, p50, p99, requests, bad_status, errors = numbers.split()
            rows.append((label, float(rps), float(p50), float(p99), int(requests), int(bad_status), int(errors)))
    ceiling = max((row[1] for row in rows if row[0].startswith("ceiling")), default=0.0) or 1.0

    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"# Benchmark, {when}\n")
    print(f"- Code: {options.commit}; {int(options.articles or 0):,} articles in PostgreSQL, Redis cache")
    print(f"- Machine: {options.cpu}")
    print(f"- {options.setup}\n")
    print("| target | requests/s | p50 | p99 | share of ceiling | failed |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, rps, p50, p99, requests, bad_status, errors in rows:
        if not requests:
            print(f"| {label} | 0 | – | – | 0% | no response within the run |")
            continue
        failed = f"{bad_status + errors} of {requests:,}" if bad_status or errors else "0"
        print(f"| {label} | {rps:,.0f} | {p50:.1f} ms | {p99:.1f} ms | {rps / ceiling:.0%} | {failed} |")

    print("\nGoals:\n")
    for prefix, description, test in GOALS:
        row = next((row for row in rows if row[0].startswith(prefix)), None)
        if row:
            verdict = "met" if row[4] and test(row[1] / ceiling, row[3]) and not (row[5] or row[6]) else "NOT met"
            print(f"- {description}: {verdict} ({row[1] / ceiling:.0%} of the ceiling, p99 {row[3]:.1f} ms)")

    print("\nTwo instances sharing PostgreSQL and Redis (bench/two_instances.py):\n")
    print("```")
    print(options.two_instances.strip())
    print("```")
    print(f"\n`make bench` took {options.seconds // 60} min {options.seconds % 60} s.")


if __name__ == "__main__":
    main()
