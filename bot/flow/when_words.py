"""What a time request says, word by word: the vocabulary, and the scan that records each phrase heard.

Recognising phrases is kept apart from what they mean (``bot.flow.when`` resolves the record into one
request) so adding a word or an abbreviation never touches the rules that combine them. Each reader
looks at one position of the token list and returns how many tokens it took (0: not its phrase).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date


def _numbered(groups: str) -> dict[str, int]:
    """``"a b | c"`` → ``{"a": 1, "b": 1, "c": 2}``: synonym groups numbered from one."""
    return {word: n for n, group in enumerate(groups.split("|"), start=1) for word in group.split()}


def _phrases(table: str) -> dict[tuple[str, ...], str]:
    """``"a b, c = x"`` lines → ``{("a", "b"): "x", ("c",): "x"}``, in the order written."""
    rows = (line.split("=") for line in table.strip().splitlines())
    return {tuple(p.split()): m.strip() for ps, m in rows for p in ps.split(",")}


WEEKDAYS = _numbered(
    "monday mon mondays | tuesday tue tues tuesdays | wednesday wed weds wednesdays"
    " | thursday thu thur thurs thursdays | friday fri fridays | saturday sat saturdays | sunday sun sundays"
)
MONTHS = _numbered(
    "january jan | february feb | march mar | april apr | may | june jun | july jul | august aug"
    " | september sep sept | october oct | november nov | december dec"
)
NUMBER_WORDS = _numbered(
    "one | two | three | four | five | six | seven | eight | nine | ten | eleven | twelve"
)

DAY_PHRASES = _phrases("""
    day after tomorrow, overmorrow = overmorrow
    tomorrow, tmrw, tomorow = tomorrow
    today = today
    tonight = tonight
    later this week = later this week
    this week = this week
    next week = next week
    this weekend, weekend = this weekend
    next weekend = next weekend
    this month = this month
    next month = next month
    weekends = weekends
    weekdays, weekday = weekdays
    anytime, any time, whenever, asap, as soon as possible = anytime
""")
"""Longer phrases before their prefixes: the scan takes the first that matches."""

PARTS_OF_DAY = {
    phrase: (int(span[:2]) * 60 + int(span[3:5]), int(span[6:8]) * 60 + int(span[9:]))
    for phrase, span in _phrases("""
        early morning = 06:00-09:00
        late morning = 09:00-12:00
        morning = 06:00-12:00
        early afternoon = 12:00-15:00
        late afternoon = 15:00-17:00
        afternoon = 12:00-17:00
        early evening = 17:00-19:00
        late evening = 19:00-21:00
        evening = 17:00-21:00
        night = 18:00-23:00
        lunch, lunchtime = 11:30-14:00
    """).items()
}
"""Minutes after midnight, [start, end). Plurals ("mornings") count too."""
NIGHT = PARTS_OF_DAY[("night",)]

EXCLUDING = frozenset(["but", "except", "excluding", "not", "besides", "apart", "other", "without"])
LIST_FILLERS = frozenset(["or", "and", "nor", "on", "the", "from", "than", "for", "&"])
WEEKDAY_SPANS = frozenset(["to", "-", "through", "thru", "till", "until"])
CLOCK_LEADS = _phrases("""
    at, @, how about, what about = at
    around, about, approx, approximately, circa, ca = around
    after, since, not before, no earlier than = after
    before, by, until, till, til, not after, no later than = before
    from = from
    between = between
""")
RANGE_JOINERS = frozenset(["to", "-", "till", "until", "and"])

_TOKEN = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,4}/[0-9]{1,4}|[0-9]{1,2}[:.][0-9]{2}"
    r"|[0-9]{1,4}(?:st|nd|rd|th)?|[a-z]+|[-@&]",
    re.ASCII,
)


def tokens(text: str) -> list[str]:
    """Lower-case words, numbers and a few symbols: "3pm" is two tokens, "2026-06-03" one."""
    text = text.lower().replace("a.m.", "am").replace("p.m.", "pm").replace("'", "").replace("’", "")
    return _TOKEN.findall(text.replace("–", "-").replace("—", "-"))


def day_number(word: str, suffixed: bool = False) -> int | None:
    """The day of the month in "3", "3rd" or "21st" (only the suffixed forms if ``suffixed``)."""
    match = re.fullmatch(r"([0-9]{1,2})(st|nd|rd|th)?", word)
    return int(match.group(1)) if match and (match.group(2) or not suffixed) else None


def number(word: str) -> int | None:
    """A small count ("3", "three", "a"), else None."""
    if word.isdigit() and len(word) <= 3:
        return int(word)
    return 1 if word in ("a", "an") else NUMBER_WORDS.get(word)


def word_at(words: list[str], at: int) -> str:
    """The token at ``at``, or "" past either end, so readers can look around without checks."""
    return words[at] if 0 <= at < len(words) else ""


@dataclass(frozen=True, slots=True)
class Clock:
    """A time of day as typed, before am/pm is settled by context.

    ``fixed`` readings (24-hour forms, "noon", "09:00", "12") mean exactly what they say; the others
    are an hour 1–11 whose half of the day the grammar chooses. ``marked`` says the text itself shows
    a time (am/pm, a colon, "o'clock", a name), not a bare number only a word like "at" makes one.
    """

    hour: int
    minute: int
    meridiem: str | None
    fixed: bool
    marked: bool


def read_clock(words: list[str], at: int) -> tuple[Clock, int] | None:
    """The clock reading starting at ``words[at]`` and how many tokens it took, or None."""
    word, after = word_at(words, at), word_at(words, at + 1)
    if word in ("noon", "midday", "midnight"):
        return Clock(0 if word == "midnight" else 12, 0, None, True, True), 1
    if word in NUMBER_WORDS:
        word = str(NUMBER_WORDS[word])
    digits = re.fullmatch(r"([0-9]{1,2})(?:[:.]([0-9]{2}))?", word)
    if digits is None:
        return None
    hour, minute = int(digits.group(1)), int(digits.group(2) or 0)
    meridiem = after if after in ("am", "pm") else None
    if minute > 59 or hour > 23 or (meridiem and not 1 <= hour <= 12):
        return None
    fixed = meridiem is None and (hour == 0 or hour >= 12 or word.startswith("0"))
    marked = meridiem is not None or after == "oclock" or ":" in word
    return Clock(hour, minute, meridiem, fixed, marked), 2 if meridiem or after == "oclock" else 1


@dataclass(slots=True)
class Heard:
    """What the text said, recorded as said; ``bot.flow.when`` decides what it means for which days.

    ``relative`` holds day phrases by meaning with a count ("in 3 days" → ``("in days", 3)``);
    ``weekdays`` holds named weekdays with whether "next" came before them.
    """

    today: date
    dates: list[date] = field(default_factory=list)
    relative: list[tuple[str, int]] = field(default_factory=list)
    weekdays: list[tuple[int, bool]] = field(default_factory=list)
    excluded: set[int] = field(default_factory=set)
    parts: list[tuple[int, int]] = field(default_factory=list)
    clocks: list[tuple[str, Clock, Clock | None]] = field(default_factory=list)
    phrases: int = 0
    unreadable: bool = False

    def add_date(self, *candidates: date | None) -> None:
        """Keep the first candidate from today on; if none is, the date named is impossible or past."""
        day = next((day for day in candidates if day is not None and day >= self.today), None)
        self.unreadable = self.unreadable or day is None
        self.dates += [day] if day else []


def scan(text: str, today: date) -> Heard:
    """Run every reader along the text; a token no reader wants is skipped."""
    heard, words, at = Heard(today), tokens(text), 0
    while at < len(words):
        used = next((n for read in READERS if (n := read(words, at, heard))), 0)
        heard.phrases += used > 0
        at += used or 1
    return heard


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_numeric_date(words: list[str], at: int, heard: Heard) -> int:
    """ "2026-06-03"; "6/3" is read only to refuse it: day or month first depends on the country."""
    parts = words[at].split("-")
    if "/" in words[at]:
        heard.unreadable = True
    elif len(parts) == 3:
        heard.add_date(_date(int(parts[0]), int(parts[1]), int(parts[2])))
    return int("/" in words[at] or len(parts) == 3)


def read_month_date(words: list[str], at: int, heard: Heard) -> int:
    """ "June 3", "jun 3rd 2027", "3 June", "3rd of June"; without a year, the next one to come."""
    if words[at] in MONTHS:
        month, skip = MONTHS[words[at]], 2 if word_at(words, at + 1) == "the" else 1
        day, end = day_number(word_at(words, at + skip)), at + skip + 1
        if word_at(words, end) in ("am", "pm"):
            return 0
    else:
        day, skip = day_number(words[at]), 2 if word_at(words, at + 1) == "of" else 1
        month, end = MONTHS.get(word_at(words, at + skip), 0), at + skip + 1
    if not day or not month:
        return 0
    year = word_at(words, end)
    if year.isdigit() and len(year) == 4:
        heard.add_date(_date(int(year), month, day))
        return end + 1 - at
    years = range(heard.today.year, heard.today.year + 9)  # 9 years reach the next 29 February
    heard.add_date(*(_date(y, month, day) for y in years))
    return end - at


def read_day_of_month(words: list[str], at: int, heard: Heard) -> int:
    """ "on the 3rd": the next date with that day of the month."""
    day = day_number(words[at], suffixed=True)
    if day is None or word_at(words, at - 1) not in ("the", "on"):
        return 0
    months = (heard.today.year * 12 + heard.today.month - 1 + n for n in range(13))
    heard.add_date(*(_date(m // 12, m % 12 + 1, day) for m in months))
    return 1


def read_day_phrase(words: list[str], at: int, heard: Heard) -> int:
    """ "tomorrow", "next week", "this weekend", "weekdays", …: see ``DAY_PHRASES``."""
    for phrase, meaning in DAY_PHRASES.items():
        if tuple(words[at : at + len(phrase)]) == phrase:
            heard.relative.append((meaning, 0))
            if meaning == "tonight":
                heard.parts.append(NIGHT)
            return len(phrase)
    return 0


def read_in_count(words: list[str], at: int, heard: Heard) -> int:
    """ "in 3 days", "in two weeks", "in a week"."""
    count, unit = number(word_at(words, at + 1)), word_at(words, at + 2).removesuffix("s")
    if words[at] != "in" or count is None or unit not in ("day", "week"):
        return 0
    heard.relative.append((f"in {unit}s", count))
    return 3


def read_clock_phrase(words: list[str], at: int, heard: Heard) -> int:
    """ "at 10", "after 3pm", "between 2 and 4pm", "from 9 to 11", "around 3", "3ish", "10am-noon"."""
    lead = next((p for p in CLOCK_LEADS if tuple(words[at : at + len(p)]) == p), ())
    kind = CLOCK_LEADS.get(lead, "bare")
    start = at + len(lead)
    read = read_clock(words, start)
    if read is None:
        return 0
    first, end = read[0], start + read[1]
    joiner = word_at(words, end)
    joins = joiner in RANGE_JOINERS - ({"and"} if kind != "between" else set())
    second = read_clock(words, end + 1) if joins and kind in ("at", "bare", "from", "between") else None
    if second and (kind != "bare" or first.marked or second[0].marked or joiner == "-"):
        heard.clocks.append(("range", first, second[0]))
        return end + 1 + second[1] - at
    if joiner == "ish":
        kind, end = "around", end + 1
    if kind == "bare" and not first.marked:
        return 0
    heard.clocks.append(({"bare": "at", "from": "after", "between": "at"}.get(kind, kind), first, None))
    return end - at


def read_weekdays(words: list[str], at: int, heard: Heard) -> int:
    """ "friday", "next tue or thu", "mon-wed", "but not on friday", "except weekends"."""
    excluding, following = words[at] in EXCLUDING, words[at] == "next"
    skip = int(excluding or following or words[at] in ("this", "coming", "on"))
    days, end = _weekday_run(words, at + skip, excluding)
    if not days:
        return 0
    if excluding:
        heard.excluded.update(days)
    else:
        heard.weekdays += [(day, following) for day in days]
    return end - at


def _weekday_run(words: list[str], at: int, excluding: bool) -> tuple[list[int], int]:
    """The weekdays listed from ``at`` ("fri or mon", "mon to wed") and where the list ends."""
    days: list[int] = []
    while True:
        ahead = at
        while word_at(words, ahead) in LIST_FILLERS:
            ahead += 1
        word = word_at(words, ahead)
        if word in WEEKDAYS:
            days.append(WEEKDAYS[word])
        elif excluding and word in ("weekend", "weekends"):
            days += [6, 7]
        else:
            return days, at
        at = ahead + 1
        if word_at(words, at) in WEEKDAY_SPANS and word_at(words, at + 1) in WEEKDAYS:
            through = WEEKDAYS[words[at + 1]]
            days += [(days[-1] + n - 1) % 7 + 1 for n in range(1, (through - days[-1]) % 7 + 1)]
            at += 2


def read_part_of_day(words: list[str], at: int, heard: Heard) -> int:
    """ "morning", "late afternoon", "evenings", "lunchtime"; "this morning" is also today."""
    for phrase, span in PARTS_OF_DAY.items():
        if tuple(word.removesuffix("s") for word in words[at : at + len(phrase)]) == phrase:
            heard.parts.append(span)
            if word_at(words, at - 1) == "this":
                heard.relative.append(("today", 0))
            return len(phrase)
    return 0


READERS: tuple[Callable[[list[str], int, Heard], int], ...] = (
    read_numeric_date,
    read_month_date,
    read_day_of_month,
    read_day_phrase,
    read_in_count,
    read_clock_phrase,
    read_weekdays,
    read_part_of_day,
)
