"""Benchmark of the working-calendar arithmetic (eiso.calendars.clock).

Generates 1,000,000 random reception moments in 2025–2027 (seeded) with limits of 1–30 working days,
then times on one core:

* the vectorised `add_working_days_bulk` in "days" and "hours" mode (target ≥ 500k due moments/s);
* `np.busday_offset` on the same whole-day problem (days mode without the swapped Saturdays, which it
  cannot express) as a reference, with the ratio;
* one scalar `WorkingCalendar.add` call (mean over many calls, best of the repeats; target < 20 µs).

Run: .venv/bin/python benchmarks/calendar_bench.py [--n 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import timeit
from collections.abc import Callable
from datetime import datetime

import numpy as np

from eiso.calendars.clock import VN_TZ, add_working_days_bulk, national_calendar

SEED = 20260105
BULK_TARGET_PER_S = 500_000
SCALAR_TARGET_US = 20.0


def make_problem(n: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` random local reception moments (second resolution) in 2025–2027 and 1–30 working days."""
    rng = np.random.default_rng(SEED)
    lo = np.datetime64("2025-01-01T00:00:00", "s").astype(np.int64)
    hi = np.datetime64("2028-01-01T00:00:00", "s").astype(np.int64)
    starts = rng.integers(lo, hi, n).astype("datetime64[s]")
    amounts = rng.integers(1, 31, n)
    return starts, amounts


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """Best wall time of `repeat` runs (the least disturbed by other processes)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scalar-calls", type=int, default=200_000)
    args = parser.parse_args()

    cal = national_calendar()
    starts, amounts = make_problem(args.n)
    add_working_days_bulk(cal, starts[:10], amounts[:10])  # build the day tables outside the timing

    # The reference: numpy's own business-day arithmetic on the dates, same holidays and weekmask.
    busdaycal = np.busdaycalendar(
        weekmask=cal.weekmask, holidays=np.array(sorted(cal.non_working_dates), dtype="datetime64[D]")
    )
    dates = starts.astype("datetime64[D]")

    rows: list[tuple[str, float, float]] = []
    for label, fn in [
        ("bulk, days mode", lambda: add_working_days_bulk(cal, starts, amounts, mode="days")),
        ("bulk, hours mode", lambda: add_working_days_bulk(cal, starts, amounts, mode="hours")),
        (
            "np.busday_offset (days, no swaps)",
            lambda: np.busday_offset(dates, amounts, roll="backward", busdaycal=busdaycal),
        ),
    ]:
        seconds = best_of(args.repeat, fn)
        rows.append((label, seconds, args.n / seconds))

    # Same answers where numpy can express the calendar (dates not affected by a swapped Saturday).
    ours = add_working_days_bulk(cal, starts, amounts, mode="days").astype("datetime64[D]")
    reference = np.busday_offset(dates, amounts, roll="backward", busdaycal=busdaycal)
    agree = float(np.mean(ours == reference))

    start = datetime(2026, 3, 12, 9, 17, tzinfo=VN_TZ)
    calls = args.scalar_calls
    scalar_s = min(timeit.repeat(lambda: cal.add(start, 3, "working_days"), number=calls, repeat=args.repeat))
    scalar_us = scalar_s / calls * 1e6

    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs; n = {args.n:,}; best of {args.repeat}"
    )
    print()
    print(f"| {'computation':<36} | {'time (ms)':>10} | {'due moments/s':>15} |")
    print(f"|{'-' * 38}|{'-' * 12}|{'-' * 17}|")
    for label, seconds, rate in rows:
        print(f"| {label:<36} | {seconds * 1e3:>10.1f} | {rate:>15,.0f} |")
    print()
    days_rate, hours_rate, numpy_rate = (rate for _label, _s, rate in rows)
    print(
        f"bulk days / np.busday_offset time ratio : {numpy_rate / days_rate:.2f}× "
        f"(bulk is {days_rate / numpy_rate:.2f}× the speed of numpy)"
    )
    print(f"bulk hours / np.busday_offset time ratio: {numpy_rate / hours_rate:.2f}×")
    print(f"agreement with np.busday_offset (days)  : {agree:.4%} (the rest involve swapped Saturdays)")
    print(
        f"scalar WorkingCalendar.add              : {scalar_us:.2f} µs/call (target < {SCALAR_TARGET_US:.0f} µs)"
    )
    worst = min(days_rate, hours_rate)
    verdict = "OK" if worst >= BULK_TARGET_PER_S and scalar_us < SCALAR_TARGET_US else "BELOW TARGET"
    print(f"targets (bulk ≥ {BULK_TARGET_PER_S:,}/s, scalar < {SCALAR_TARGET_US:.0f} µs): {verdict}")


if __name__ == "__main__":
    main()
