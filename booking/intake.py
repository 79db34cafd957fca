"""Intake answers, checked against the event type's questions one by one.

``check_answer`` is shared by the API (all answers at once) and the chat flow (one question at a time,
re-asking with the message on a bad answer), so both accept exactly the same answers.
"""

import math
import re
from typing import Any

from booking.errors import InvalidRequest
from booking.schemas import EMAIL, QuestionIn, QuestionType

PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{5,30}$")
MAX_TEXT = {QuestionType.TEXT: 500, QuestionType.LONG_TEXT: 5000}
LARGEST_NUMBER = 10**15
"""Beyond this no answer is a count or an amount, and floats stop holding whole numbers exactly."""
LISTED_UNKNOWN = 5
TRUE_WORDS = {"yes", "y", "true", "1", "ja", "si", "oui"}
FALSE_WORDS = {"no", "n", "false", "0", "nein", "non"}


def _text(question: QuestionIn, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("please answer with some text")
    limit = MAX_TEXT.get(question.type, 500)
    if len(value) > limit:
        raise ValueError(f"please keep it under {limit} characters")
    return value.strip()


def _number(value: Any) -> float | int:
    """A finite number of sensible size (no NaN, infinity or 400 digits, which JSON columns refuse)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("please answer with a number")
    try:
        number = float(value.strip().replace(",", ".") if isinstance(value, str) else value)
    except (ValueError, OverflowError) as exc:
        raise ValueError("please answer with a number, like 3 or 2.5") from exc
    if not math.isfinite(number) or abs(number) > LARGEST_NUMBER:
        raise ValueError(f"please answer with a number between -{LARGEST_NUMBER:,} and {LARGEST_NUMBER:,}")
    return int(number) if number.is_integer() else number


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("please answer yes or no")


def _choice(question: QuestionIn, value: Any) -> str:
    text = _plain(value).casefold()
    for option in question.options:
        if option.casefold() == text:
            return option
    raise ValueError("please pick one of: " + ", ".join(question.options))


def _plain(value: Any) -> str:
    """Answers that are words arrive as text (a whole number may stand for one); a list is no answer."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValueError("please answer with text")
    return str(value).strip()


def check_answer(question: QuestionIn, value: Any) -> Any:
    """The normalised answer, or ``ValueError`` with a message that helps the invitee fix it."""
    if question.type in (QuestionType.TEXT, QuestionType.LONG_TEXT):
        return _text(question, value)
    if question.type is QuestionType.NUMBER:
        return _number(value)
    if question.type is QuestionType.BOOLEAN:
        return _boolean(value)
    if question.type is QuestionType.CHOICE:
        return _choice(question, value)
    text = _plain(value)
    if question.type is QuestionType.EMAIL and not EMAIL.match(text):
        raise ValueError("that doesn't look like an email address (name@example.com)")
    if question.type is QuestionType.PHONE and not PHONE.match(text):
        raise ValueError("that doesn't look like a phone number (+44 20 7946 0958)")
    return text


def check_answers(questions: list[QuestionIn], answers: dict[str, Any]) -> dict[str, Any]:
    """All answers checked; unknown keys and missing required answers are errors."""
    known = {question.key for question in questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        more = f" and {len(unknown) - LISTED_UNKNOWN} more" if len(unknown) > LISTED_UNKNOWN else ""
        raise InvalidRequest(f"unknown question(s): {', '.join(unknown[:LISTED_UNKNOWN])}{more}")
    checked: dict[str, Any] = {}
    for question in questions:
        value = answers.get(question.key)
        if value is None or value == "":
            if question.required:
                raise InvalidRequest(f"'{question.label}' needs an answer")
            continue
        try:
            checked[question.key] = check_answer(question, value)
        except ValueError as exc:
            raise InvalidRequest(f"'{question.label}': {exc}") from exc
    return checked
