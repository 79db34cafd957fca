"""Slot-engine benchmark on the shared workloads of ``shared/bench/engine-workloads.md``.

Prints, per workload, the slots found and min / median / max milliseconds over the timed runs, so the
figures compare with other engines fed the identical inputs. Run: ``make bench`` or
``python -m bench.engine [--runs N]``.
"""

import argparse
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as wall
from functools import partial

from engine import (
    EventRules,
    HostCalendar,
    Interval,
    Schedule,
    Slot,
    SlotQuery,
    TimeRange,
    WeeklyWindow,
    find_slots,
)

MASK = 0xFFFFFFFF
W0 = datetime(2026, 1, 5, tzinfo=UTC)
NOW = W0
WINDOW = Interval(W0, datetime(2026, 2, 4, tzinfo=UTC))
HOURS = ((9, 12), (13, 17), (18, 20))


def splitmix32(seed: int) -> Iterator[int]:
    """The workload file's generator: unsigned 32-bit splitmix variant."""
    state = seed & MASK
    while True:
        state = (state + 0x9E3779B9) & MASK
        z = state
        z = ((z ^ (z >> 16)) * 0x21F0AAAD) & MASK
        z = ((z ^ (z >> 15)) * 0x735A2D97) & MASK
        yield z ^ (z >> 15)


def busy_intervals(seed: int, count: int) -> tuple[Interval, ...]:
    """``count`` busy intervals in generation order (start drawn before duration)."""
    numbers = splitmix32(seed)
    intervals = []
    for _ in range(count):
        minute = next(numbers) % 43_200
        length = 30 + next(numbers) % 61
        start = W0 + timedelta(minutes=minute)
        intervals.append(Interval(start, start + timedelta(minutes=length)))
    return tuple(intervals)


def berlin_schedule() -> Schedule:
    """Mon–Fri 09–12, 13–17, 18–20 in Europe/Berlin."""
    windows = tuple(
        WeeklyWindow(day, TimeRange(wall(start), wall(end))) for day in range(1, 6) for start, end in HOURS
    )
    return Schedule("Europe/Berlin", weekly=windows)


def query(hosts: tuple[HostCalendar, ...]) -> SlotQuery:
    """The common query: 30-minute event, no buffers, notice or limits, invitee in Berlin."""
    return SlotQuery(EventRules(duration=30, interval=30), hosts, WINDOW, NOW, "Europe/Berlin")


def workloads() -> dict[str, tuple[SlotQuery, int]]:
    """Each workload's query and the slot count the workload file expects."""
    schedule = berlin_schedule()
    team = tuple(
        HostCalendar(f"host-{h}", schedule, busy=busy_intervals(1000 + h, 200), group="rr") for h in range(50)
    )
    return {
        "(a) 1 host, 1,000 busy": (
            query((HostCalendar("a", schedule, busy=busy_intervals(1, 1000)),)),
            39,
        ),
        "(b) 50-host round-robin, 200 busy each": (query(team), 396),
        "(c) 1 host, 10,000 busy": (
            query((HostCalendar("c", schedule, busy=busy_intervals(1, 10_000)),)),
            0,
        ),
    }


def measure(run: Callable[[], list[Slot]], runs: int) -> list[float]:
    """Milliseconds per run after three warm-up runs."""
    for _ in range(3):
        run()
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        run()
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def main() -> None:
    """Run every workload and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50, help="timed runs per workload (≥ 30)")
    runs = max(parser.parse_args().runs, 30)
    medians: dict[str, float] = {}
    for name, (workload, expected) in workloads().items():
        found = len(find_slots(workload))
        timings = measure(partial(find_slots, workload), runs)
        medians[name] = statistics.median(timings)
        status = "ok" if found == expected else f"MISMATCH, expected {expected}"
        print(
            f"{name:42} slots {found:4} ({status})  ms min {min(timings):7.2f}  "
            f"median {medians[name]:7.2f}  max {max(timings):7.2f}  runs {runs}"
        )
    a, c = medians["(a) 1 host, 1,000 busy"], medians["(c) 1 host, 10,000 busy"]
    print(f"(c) / (a) median ratio: {c / a:.1f}x")


if __name__ == "__main__":
    main()
