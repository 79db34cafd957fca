"""Team aggregation: who must be free, who may be free, and who gets a round-robin booking.

Fixed hosts (``group`` None) must all be free: a collective event is a team of fixed hosts, a
one-person event a team of one. Round-robin hosts are grouped; every group needs one free member, and
a slot must fit in that member's own free time (together with the fixed hosts'), never in time
stitched from two members. The slot grid is the first fixed host's clock for collective slots and each
round-robin member's own clock for theirs.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from engine.host import Bounds, HostCalendar, host_time, slot_starts
from engine.intervals import Span, intersect
from engine.rules import EventRules

NEVER = datetime.min.replace(tzinfo=UTC)


def groups_of(hosts: Sequence[HostCalendar]) -> dict[str, list[HostCalendar]]:
    """Round-robin members by group, in the order given."""
    groups: dict[str, list[HostCalendar]] = {}
    for calendar in hosts:
        if calendar.group is not None:
            groups.setdefault(calendar.group, []).append(calendar)
    return groups


def team_starts(
    hosts: Sequence[HostCalendar], rules: EventRules, bounds: Bounds
) -> dict[int, tuple[str, ...]]:
    """Every bookable start (epoch seconds) with the hosts free for it, fixed hosts first."""
    fixed = [calendar for calendar in hosts if calendar.group is None]
    shared: list[Span] | None = None
    cap = bounds.window[1]
    horizons: set[int] = set()
    for calendar in fixed:
        time = host_time(calendar, rules, bounds)
        shared = time.free if shared is None else intersect(shared, time.free)
        cap = min(cap, time.start_cap)
        horizons.update(() if time.horizon is None else (time.horizon,))
    fixed_ids = tuple(calendar.host for calendar in fixed)
    groups = groups_of(hosts)
    if not groups:
        assert shared is not None  # a query always has at least one host
        starts = slot_starts(shared, rules, fixed[0].tz, (bounds.window[0], cap), frozenset(horizons))
        return dict.fromkeys(starts, fixed_ids)
    result: dict[int, tuple[str, ...]] | None = None
    for members in groups.values():
        free_in_group: dict[int, list[str]] = {}
        for calendar in members:
            time = host_time(calendar, rules, bounds)
            free = time.free if shared is None else intersect(shared, time.free)
            own = horizons | ({time.horizon} if time.horizon is not None else set())
            span = (bounds.window[0], min(cap, time.start_cap))
            for start in slot_starts(free, rules, calendar.tz, span, frozenset(own)):
                free_in_group.setdefault(start, []).append(calendar.host)
        if result is None:
            result = {start: fixed_ids + tuple(ids) for start, ids in free_in_group.items()}
        else:
            result = {
                start: ids + tuple(free_in_group[start])
                for start, ids in result.items()
                if start in free_in_group
            }
    assert result is not None
    return dict(sorted(result.items()))


def choose_hosts(hosts: Sequence[HostCalendar], free: Sequence[str]) -> tuple[str, ...]:
    """Who takes a booking: every fixed host, and per group the least recently booked free member.

    Ties (including never booked) go to the smallest host id, so the choice is deterministic.
    """
    free_ids = set(free)
    chosen = [calendar.host for calendar in hosts if calendar.group is None]
    for members in groups_of(hosts).values():
        candidates = [calendar for calendar in members if calendar.host in free_ids]
        pick = min(candidates, key=lambda c: (c.last_booked_at or NEVER, c.host))
        chosen.append(pick.host)
    return tuple(chosen)
