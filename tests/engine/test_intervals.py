"""The interval core against a brute-force model: a span list is the set of integers it covers.

Every other engine module trusts ``normalize``, ``subtract``, ``intersect`` and ``clip`` to return
*span lists* (sorted, no empty spans, no overlapping or touching neighbours). On a small range of
integers the set of covered points says everything about a half-open span list, and because touching
spans must merge, each point set has exactly one span list: so each function is checked for equality
with the span list of the model's answer, which is stronger than comparing point sets.
"""

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.intervals import EVERYTHING, Span, clip, intersect, normalize, subtract

LIMIT = 200
"""Points live in ``0..LIMIT``: small enough for sets, large enough for many spans and gaps."""

EPOCH_2026 = 1_767_225_600
"""2026-01-01T00:00Z: real inputs are epoch seconds, so the algebra is checked far from zero too."""

EXAMPLES = settings(max_examples=300, deadline=None)


def points(spans: list[Span]) -> set[int]:
    """The model: every integer a list of (possibly empty or reversed) spans covers."""
    covered: set[int] = set()
    for start, end in spans:
        covered.update(range(start, end))
    return covered


def span_list(covered: set[int]) -> list[Span]:
    """The one span list covering exactly ``covered``: its maximal runs of consecutive integers."""
    runs: list[Span] = []
    for point in sorted(covered):
        if runs and runs[-1][1] == point:
            runs[-1] = (runs[-1][0], point + 1)
        else:
            runs.append((point, point + 1))
    return runs


def is_span_list(spans: list[Span]) -> bool:
    """Sorted, non-empty spans, each ending strictly before the next one starts."""
    return all(start < end for start, end in spans) and all(
        left[1] < right[0] for left, right in pairwise(spans)
    )


def shifted(spans: list[Span], by: int) -> list[Span]:
    return [(start + by, end + by) for start, end in spans]


coordinates = st.integers(0, LIMIT)

raw_spans = st.lists(st.tuples(coordinates, coordinates), max_size=12)
"""Unordered, overlapping, touching, empty and reversed spans: anything ``normalize`` may get."""


@st.composite
def boundary_span_lists(draw: st.DrawFn) -> list[Span]:
    """Distinct sorted boundaries paired up: spans with gaps of at least one point between them."""
    cuts = sorted(draw(st.lists(coordinates, unique=True, max_size=16)))
    return list(zip(cuts[::2], cuts[1::2], strict=False))


span_lists = st.one_of(
    boundary_span_lists(),
    st.sets(coordinates, max_size=60).map(span_list),
    st.just([(0, LIMIT)]),
)
"""Valid span lists built without the code under test: sparse, fragmented, or one big span."""


def test_model_round_trips() -> None:
    """The model itself: a span list and its point set determine each other."""
    assert span_list(points([(3, 5), (5, 7), (9, 10)])) == [(3, 7), (9, 10)]
    assert span_list(set()) == []
    assert points([(4, 2), (1, 3)]) == {1, 2}


@EXAMPLES
@given(raw_spans)
def test_normalize_matches_model(spans: list[Span]) -> None:
    """Sorting, dropping empty spans and merging overlapping or touching ones loses nothing and
    adds nothing."""
    result = normalize(spans)
    assert is_span_list(result)
    assert result == span_list(points(spans))


@EXAMPLES
@given(span_lists)
def test_normalize_keeps_span_lists(spans: list[Span]) -> None:
    """A span list is already normal, so normalizing twice is the same as once."""
    assert normalize(spans) == spans
    assert normalize(normalize(spans)) == spans


@EXAMPLES
@given(span_lists, span_lists)
def test_subtract_matches_model(base: list[Span], removed: list[Span]) -> None:
    """Busy time is cut out of working hours with ``subtract``: exactly the points of ``base`` that
    are not in ``removed``."""
    before = (list(base), list(removed))
    result = subtract(base, removed)
    assert is_span_list(result)
    assert result == span_list(points(base) - points(removed))
    assert (base, removed) == before


@EXAMPLES
@given(span_lists, span_lists)
def test_intersect_matches_model(left: list[Span], right: list[Span]) -> None:
    """Collective hosts share time with ``intersect``: exactly the common points, in any order."""
    before = (list(left), list(right))
    result = intersect(left, right)
    assert is_span_list(result)
    assert result == span_list(points(left) & points(right))
    assert intersect(right, left) == result
    assert (left, right) == before


@EXAMPLES
@given(span_lists, st.integers(-10, LIMIT + 10), st.integers(-10, LIMIT + 10))
def test_clip_matches_model(spans: list[Span], lower: int, upper: int) -> None:
    """``clip`` keeps the points in ``[lower, upper)``; a reversed or empty window keeps nothing."""
    result = clip(spans, lower, upper)
    assert is_span_list(result)
    assert result == span_list(points(spans) & set(range(lower, upper)))


@EXAMPLES
@given(span_lists, span_lists, st.sampled_from([EPOCH_2026, -EPOCH_2026, 2**40]))
def test_operations_commute_with_shifting(left: list[Span], right: list[Span], by: int) -> None:
    """The functions only compare coordinates, so epoch-sized (and negative) values act the same."""
    assert normalize(shifted(left, by) + shifted(right, by)) == shifted(normalize(left + right), by)
    assert subtract(shifted(left, by), shifted(right, by)) == shifted(subtract(left, right), by)
    assert intersect(shifted(left, by), shifted(right, by)) == shifted(intersect(left, right), by)
    assert clip(shifted(left, by), 50 + by, 150 + by) == shifted(clip(left, 50, 150), by)


@EXAMPLES
@given(span_lists)
def test_everything_is_the_identity_of_the_algebra(spans: list[Span]) -> None:
    """``EVERYTHING`` closes a whole calendar (a limit of zero), so it must act as the full set."""
    whole = [EVERYTHING]
    complement = subtract(whole, spans)
    assert is_span_list(complement)
    assert intersect(spans, whole) == spans
    assert subtract(spans, whole) == []
    assert intersect(spans, complement) == []
    assert subtract(whole, complement) == spans
    assert normalize(spans + complement) == whole
    assert clip(spans, *EVERYTHING) == spans
