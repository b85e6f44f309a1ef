from hypothesis import given
from hypothesis import strategies as st

from kbang_desktop.core.text import (
    fold,
    fold_compact,
    matches,
    name_key,
    nfc,
    person_search_text,
    person_sort_key,
    person_sort_text,
    search_terms,
    search_tokens,
    strip_punctuation,
)


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


# --- Punctuation in names: apostrophes (H'Bia), hyphens (Rơ-Châm) and the rest ignored ------------

def test_h_bia_is_found_written_three_ways_and_sorts_as_hbia():
    text = person_search_text("Rơ Châm H'Bia")
    assert text == "ro cham h bia hbia"
    for typed in ("hbia", "h bia", "h'bia", "H’Bia", "Hʼbia", "bia", "ro cham hb", "rơ-châm h'bia"):
        assert matches(search_terms(typed), text), typed
    assert not matches(search_terms("hbiax"), text)
    # a record written without the apostrophe is found by a query typed with it
    assert matches(search_terms("h'bia"), person_search_text("Ksor Hbia"))
    assert matches(search_terms("ba-na"), person_search_text("Bana")) and matches(search_terms("bana"), person_search_text("Ba-na"))
    assert person_sort_text("Rơ Châm H'Bia") == person_sort_text("Rơ Châm HBia")
    names = ["A Hoa", "Ksor H'Mai", "Rơ Châm H'Bia", "A Hà", "Y Hbia", "A Hmai"]
    assert _sorted(names) == ["A Hà", "Rơ Châm H'Bia", "Y Hbia", "A Hmai", "Ksor H'Mai", "A Hoa"]


def test_names_without_punctuation_search_as_before():
    assert person_search_text("Đinh Văn Hmưk") == fold("Đinh Văn Hmưk") == "dinh van hmuk"
    assert search_terms("dinh van") == [("dinh",), ("van",)]
    assert search_terms("h'bia") == [("h bia", "hbia")]
    assert search_tokens("  Rơ-Châm   H'Bia ") == ["ro", "cham", "h", "bia"]


def test_name_key_ignores_punctuation_and_spaces():
    assert name_key("Rơ Châm H'Bia") == name_key("ro cham hbia") == name_key("Rơ-Châm H Bia") == "rochamhbia"


def test_search_text_fits_the_column():
    name = "-".join(["Ab"] * 40)  # 119 characters, 40 parts
    assert len(person_search_text(name)) <= 120 and person_search_text(name).startswith("ab ab")


_WORD = st.text(alphabet="aăâbdđeêhiknoôơuưyàáạHKYĐƠ", min_size=1, max_size=6)
_MARKS = st.sampled_from(["'", "’", "ʼ", "-", "‐", "–", ".", "(", ")", "\""])


@st.composite
def _punctuated_names(draw):
    """A name of 1 to 4 words, some holding punctuation inside or around them (H'Bia, Rơ-Châm, (A))."""
    words = []
    for _ in range(draw(st.integers(1, 4))):
        parts = draw(st.lists(_WORD, min_size=1, max_size=3))
        marks = [draw(_MARKS) for _ in parts[1:]]
        word = parts[0] + "".join(m + p for m, p in zip(marks, parts[1:], strict=True))
        words.append(word)
    return " ".join(words)


@given(_punctuated_names())
def test_punctuation_never_changes_the_order(name):
    """Order: a name sorts exactly as its letters, wherever punctuation stands in it."""
    assert person_sort_text(name) == person_sort_text(strip_punctuation(name))
    assert person_sort_key(name) == person_sort_key(strip_punctuation(name))


@given(_punctuated_names())
def test_a_name_is_found_typed_with_its_punctuation_without_it_or_with_spaces(name):
    """Search: typed as written, with each mark dropped, or each mark as a space, in any case and
    without diacritics, the name is found; so is every word of it typed alone."""
    text = person_search_text(name)
    joined = strip_punctuation(name)
    spaced = "".join(" " if ch in "'’ʼ-‐–.()\"" else ch for ch in name)
    for typed in (name, joined, spaced, fold(name).upper(), fold(joined)):
        assert matches(search_terms(typed), text), (typed, text)
    for word in fold(spaced).split():
        assert matches(search_terms(word), text)


@given(_punctuated_names(), _punctuated_names())
def test_punctuated_names_order_every_pair_as_the_key(a, b):
    assert _sign(person_sort_text(a), person_sort_text(b)) == _sign(person_sort_key(a), person_sort_key(b))


@given(st.lists(_punctuated_names(), min_size=1, max_size=8), st.data())
def test_the_full_text_index_finds_what_the_rule_says(names, data):
    """The FTS5 query built by storage.queries (what the program runs) finds exactly the names that
    core.text.matches says match: any name of the list typed in any of its spellings."""
    import sqlite3

    from kbang_desktop.storage.queries import fts_query

    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(name_folded, tokenize='unicode61', prefix='2 3')")
    connection.executemany("INSERT INTO t(rowid, name_folded) VALUES (?, ?)",
                           [(i, person_search_text(n)) for i, n in enumerate(names)])
    target = data.draw(st.sampled_from(names))
    typed = data.draw(st.sampled_from([target, strip_punctuation(target), fold(target)]))
    terms = search_terms(typed)
    found = {row[0] for row in connection.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts_query(terms),))}
    assert found == {i for i, n in enumerate(names) if matches(terms, person_search_text(n))}
    assert names.index(target) in found
