from hypothesis import given
from hypothesis import strategies as st

from kbang_desktop.core.hlc import MAX_AHEAD_MS, HybridClock, Rev, rev_problem


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
    other = HybridClock("b", wall=lambda: 1_000_050_000.0)  # 14 hours ahead: within reason
    seen = other.now()
    mine = HybridClock("a", wall=lambda: 1_000_000_000.0)
    assert mine.observe(seen)
    assert mine.now() > seen


def test_a_rev_far_ahead_or_malformed_does_not_move_the_clock():
    mine = HybridClock("a", wall=lambda: 1_700_000_000.0)
    before = mine.now()
    for far in ("99999999999999999" + "b" * 36, str(Rev(1_700_000_000_000 + MAX_AHEAD_MS + 1, 0, "b")), "123b",
                "1700000000000x000b", "17000000000000000" + "b" * 37, "17000000000000000b/../x"):
        assert not mine.observe(far)
    after = mine.now()
    assert after > before and len(after) == len(before) and Rev.parse(after).millis == 1_700_000_000_000


def test_rev_problem_names_what_is_wrong():
    now = 1_700_000_000_000
    assert rev_problem(str(Rev(now + MAX_AHEAD_MS, 5, "site-1")), now) == ""
    assert rev_problem(str(Rev(now + MAX_AHEAD_MS + 1, 0, "site-1")), now) == "ahead"
    assert rev_problem("99999999999999999site-1", now) == "ahead"
    assert rev_problem("1700000000000000site-1", now) == "malformed"  # a digit short: the site misread
    assert rev_problem(None, now) == "malformed" and rev_problem("", now) == "malformed"
    uuid = "5f0c2a9e-1b2c-4d3e-8f00-123456789abc"
    assert rev_problem(f"{now}0000{uuid}", now) == ""
    assert rev_problem(f"{now // 10}0000{uuid}", now) == "malformed"  # the site's first digit would be read as time
    assert rev_problem(f"{now}00007{uuid}", now) == "malformed"


@given(st.lists(st.one_of(st.floats(min_value=0, max_value=4_000_000_000).map(lambda t: ("wall", t)),
                          st.integers(min_value=0, max_value=10**17 - 1).map(lambda n: ("seen", f"{n:017d}b"))),
                max_size=60))
def test_the_clock_never_runs_more_than_a_day_ahead_of_the_wall_clock_nor_past_13_digits(events):
    wall = [1_700_000_000.0]
    clock = HybridClock("a", wall=lambda: wall[0])
    highest_wall, last = wall[0], ""
    for kind, value in events:
        if kind == "wall":
            wall[0] = value
            highest_wall = max(highest_wall, value)
        else:
            clock.observe(value)
        rev = clock.now()
        assert rev > last and len(rev) == 18
        assert Rev.parse(rev).millis <= highest_wall * 1000 + MAX_AHEAD_MS + 1
        last = rev


@given(st.lists(st.floats(min_value=0, max_value=4_000_000_000), min_size=1, max_size=50))
def test_revs_strictly_increase_whatever_the_wall_clock(walls):
    values = iter(walls)
    last = walls[-1]
    clock = HybridClock("s", wall=lambda: next(values, last))
    revs = [clock.now() for _ in walls]
    assert all(a < b for a, b in zip(revs, revs[1:], strict=False))
