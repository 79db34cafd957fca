"""Understanding "which time zone are you in?": a zone name, a city, or a UTC offset.

Answers are matched against the IANA database itself (``Europe/Berlin``, ``berlin``, ``New York``,
``sao paulo``); offsets like ``UTC+2`` or ``+05:30`` map to a fixed-offset zone, or for the offsets
without one in the database to the best-known zone that uses it all year.
"""

import re
import unicodedata
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$")
FRACTIONAL = {
    "+03:30": "Asia/Tehran",
    "+04:30": "Asia/Kabul",
    "+05:30": "Asia/Kolkata",
    "+05:45": "Asia/Kathmandu",
    "+06:30": "Asia/Yangon",
    "+09:30": "Australia/Darwin",
    "-03:30": "America/St_Johns",
    "-09:30": "Pacific/Marquesas",
}
ALIASES = {"utc": "UTC", "gmt": "UTC", "z": "UTC", "india": "Asia/Kolkata", "ist": "Asia/Kolkata"}


def _plain(text: str) -> str:
    """Lower case, accents and punctuation gone, spaces as underscores: 'São Paulo' → 'sao_paulo'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[\s\-.]+", "_", folded.strip().lower()).strip("_")


@cache
def _by_name() -> dict[str, str]:
    """Every zone under its full name and its city part (the first zone wins a shared city)."""
    names: dict[str, str] = {}
    for zone in sorted(available_timezones()):
        if zone.startswith(("Etc/", "SystemV/")) or "/" not in zone:
            continue
        names.setdefault(_plain(zone), zone)
        names.setdefault(_plain(zone.rsplit("/", 1)[-1]), zone)
    return names


def _offset_zone(sign: str, hours: int, minutes: int) -> str | None:
    if hours > 14 or minutes >= 60:
        return None
    if minutes:
        return FRACTIONAL.get(f"{sign}{hours:02d}:{minutes:02d}")
    if hours == 0:
        return "UTC"
    # POSIX-style Etc zones count the other way round: UTC+2 is Etc/GMT-2.
    return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"


def parse_zone(text: str) -> str | None:
    """The IANA zone an answer names, or None if it names none."""
    answer = text.strip()
    if not answer or len(answer) > 64:
        return None
    offset = OFFSET.match(answer.lower().replace(" ", ""))
    if offset:
        return _offset_zone(offset.group(1), int(offset.group(2)), int(offset.group(3) or 0))
    if answer.lower() in ALIASES:
        return ALIASES[answer.lower()]
    if "/" in answer:
        try:
            ZoneInfo(answer)
        except (ValueError, KeyError, OSError):
            pass
        else:
            return answer
    return _by_name().get(_plain(answer))
