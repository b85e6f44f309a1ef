from hypothesis import given
from hypothesis import strategies as st

from kbang_desktop.core.text import fold, fold_compact, nfc, person_sort_key, person_sort_text, search_tokens


def test_fold_examples_from_design():
    assert fold("Đinh Văn Hmưk") == "dinh van hmuk"
    assert fold("Kông Bơ La") == "kong bo la"
    assert fold("ĐĂK HLƠ") == "dak hlo"
    assert fold("Ba-na") == fold("Ba Na") == "ba na"
    assert fold_compact("Ba-na") == fold_compact("Bana") == "bana"


def test_fold_accepts_nfd_input():
    decomposed = "Ho\u0302\u0300ng"  # Hồng typed as base letters plus combining marks
    assert fold(decomposed) == "hong"
    assert nfc(decomposed) == "Hồng"


def test_search_tokens_ignore_separators():
    assert search_tokens("  Rơ-Châm   H'Bia ") == ["ro", "cham", "h", "bia"]


def _sorted(names):
    return sorted(names, key=person_sort_key)


def test_people_sort_by_given_name_then_family():
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Văn An", "Đinh Văn Hmưk"]
    assert _sorted(names) == ["Lê Văn An", "Nguyễn Thị An", "Trần Văn Bình", "Đinh Văn Hmưk"]


def test_vietnamese_letter_order_not_code_point():
    # a < ă < â ; d < đ < e ; o < ô < ơ ; u < ư
    assert _sorted(["Lê Âu", "Lê Ăn", "Lê An"]) == ["Lê An", "Lê Ăn", "Lê Âu"]
    assert _sorted(["X Em", "X Đông", "X Dung"]) == ["X Dung", "X Đông", "X Em"]
    assert _sorted(["X Ơn", "X Ôn", "X On"]) == ["X On", "X Ôn", "X Ơn"]
    # code point order would put Đ (U+0110) after every ASCII letter
    assert _sorted(["A Zung", "A Đức"]) == ["A Đức", "A Zung"]


def test_tones_come_after_letters():
    # letters decide first: "Ha" < "Hà" < "Hạ" < "Hai" ("Hai" has more letters)
    assert _sorted(["X Hai", "X Hạ", "X Hà", "X Ha"]) == ["X Ha", "X Hà", "X Hạ", "X Hai"]
    # tone order: none, huyền, hỏi, ngã, sắc, nặng
    assert _sorted(["X Mạ", "X Má", "X Mã", "X Mả", "X Mà", "X Ma"]) == ["X Ma", "X Mà", "X Mả", "X Mã", "X Má", "X Mạ"]


def test_same_given_name_sorted_by_family_name():
    assert _sorted(["Đinh Thị Lan", "Bùi Thị Lan", "Đặng Lan"]) == ["Bùi Thị Lan", "Đặng Lan", "Đinh Thị Lan"]


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạÀĐƠƯ -", min_size=1, max_size=30))
def test_fold_is_ascii_idempotent(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert all(ord(ch) < 128 for ch in folded)


@given(st.lists(st.text(alphabet="aăâbdđeêoôơuưàáạ ", min_size=1, max_size=12), min_size=2, max_size=8))
def test_sort_key_orders_any_names_the_same_way_from_any_start(names):
    forward = [person_sort_key(n) for n in _sorted(names)]
    backward = [person_sort_key(n) for n in _sorted(list(reversed(names)))]
    assert forward == backward


def _sign(a, b):
    return (a > b) - (a < b)


_NAME_LETTERS = "aăâbdđeêoôơuưàáạẢĂÂĐƠƯ1zé中😀 "


@given(st.text(alphabet=_NAME_LETTERS, min_size=1, max_size=14), st.text(alphabet=_NAME_LETTERS, min_size=1, max_size=14))
def test_stored_sort_text_orders_every_pair_as_the_key(a, b):
    """The database sorts people by `person_sort_text` code point by code point (bytewise); it must
    put any two names in the order of `person_sort_key`, for every name, prefixes and case included."""
    text_a, text_b = person_sort_text(a), person_sort_text(b)
    assert _sign(text_a, text_b) == _sign(person_sort_key(a), person_sort_key(b))
    assert _sign(text_a.encode(), text_b.encode()) == _sign(text_a, text_b)  # UTF-8 bytes: same order
    assert "\x00" not in text_a  # PostgreSQL text cannot hold NUL


def test_stored_sort_text_examples():
    names = ["Nguyễn Văn Ba", "Đinh Thị Lan", "Bùi Thị Lan", "Rơ Châm H'Bia", "Ksor Y Hà", "Ksor Y Ha", "Y Hạ"]
    assert sorted(names, key=person_sort_text) == _sorted(names)
