from hypothesis import given
from hypothesis import strategies as st

from kbang_desktop.core.hlc import HybridClock, Rev


def test_revs_sort_as_text_and_increase_when_clock_stands_still():
    clock = HybridClock("site-a", wall=lambda: 1_700_000_000.0)
    revs = [clock.now() for _ in range(5)]
    assert revs == sorted(revs) and len(set(revs)) == 5
    assert Rev.parse(revs[-1]).counter == 4


def test_clock_going_backwards_still_moves_forward():
    times = iter([2_000_000_000.0, 1_000_000_000.0])
    clock = HybridClock("s", wall=lambda: next(times))
    first, second = clock.now(), clock.now()
    assert second > first


def test_observed_rev_from_another_site_is_exceeded():
    other = HybridClock("b", wall=lambda: 3_000_000_000.0)
    seen = other.now()
    mine = HybridClock("a", wall=lambda: 1_000_000_000.0)
    mine.observe(seen)
    assert mine.now() > seen


@given(st.lists(st.floats(min_value=0, max_value=4_000_000_000), min_size=1, max_size=50))
def test_revs_strictly_increase_whatever_the_wall_clock(walls):
    values = iter(walls)
    last = walls[-1]
    clock = HybridClock("s", wall=lambda: next(values, last))
    revs = [clock.now() for _ in walls]
    assert all(a < b for a, b in zip(revs, revs[1:], strict=False))
