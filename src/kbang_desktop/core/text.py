"""Vietnamese text: NFC storage, folding for search, collation for sorting people.

Folding (DESIGN §4) removes case and every diacritic *and* maps đ/Đ to d, so that
"dinh van hmuk" finds "Đinh Văn Hmưk". Collation follows the Vietnamese alphabet
(a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y), letters first and
tones after, and people are sorted by given name (last word) and then the rest.

Punctuation inside names is ignored for search and order: Jrai and Ê Đê women's names begin with
"H'" ("H'Bia", "H'Hen"), others carry hyphens ("Rơ-Châm"). "hbia", "h bia" and "h'bia" all find
H'Bia (the stored search text, `person_search_text`, holds both the parts and the joined word), and
H'Bia sorts as HBia.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Every character that is neither a letter nor a digit separates words when folding (\W, and "_").
_SEPARATORS = re.compile(r"[\W_]+")
# Apostrophe-like characters that Unicode does not file as punctuation (modifier letters, accents).
_APOSTROPHES = frozenset("ʼʻʹ`´ˈ")

# Combining marks that change the letter itself (they belong to the primary key).
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
# Tone marks in Vietnamese dictionary order: none < huyền < hỏi < ngã < sắc < nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

# The Vietnamese alphabet with the Latin letters it lacks (f j w z) in their Latin place,
# and the breve vowels of Bahnar and Jrai writing (ĕ ŏ ŭ) just after their plain vowel.
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ĕ", "ê", "f", "g", "h", "i", "j", "k", "l",
    "m", "n", "o", "ŏ", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ŭ", "ư", "v", "w", "x",
    "y", "z",
]
_LETTER_RANK = {letter: index + 20 for index, letter in enumerate(_ALPHABET)}


def nfc(text: str) -> str:
    """Return `text` in NFC with runs of white space folded to one space and trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Fold case, diacritics and đ for search: "Kông Bơ La" -> "kong bo la".

    Hyphens and other separators become single spaces ("Ba-na" -> "ba na").
    """
    decomposed = unicodedata.normalize("NFD", text)
    out = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        if char in "đĐðÐ":
            out.append("d")
        elif char in _APOSTROPHES:
            out.append(" ")
        else:
            out.append(char.lower())
    return _SEPARATORS.sub(" ", "".join(out)).strip()


def fold_compact(text: str) -> str:
    """Fold and drop all separators: "Ba-na", "Ba Na" and "Bana" all give "bana"."""
    return fold(text).replace(" ", "")


def is_punctuation(char: str) -> bool:
    """A character ignored inside a name for search and order: punctuation (apostrophes, hyphens,
    dashes, brackets, quotes, full stops) and the apostrophe-like modifier letters and accents."""
    return unicodedata.category(char).startswith("P") or char in _APOSTROPHES


def strip_punctuation(text: str) -> str:
    """`text` without the characters `is_punctuation` ignores: "H'Bia" -> "HBia"."""
    return "".join(char for char in text if not is_punctuation(char))


SEARCH_TEXT_MAX = 120  # the length of person.name_folded


def person_search_text(full_name: str) -> str:
    """What a person's name is searched in (person.name_folded, the full-text index): the folded
    words with punctuation as separators, then each word that held punctuation joined again.

    "Rơ Châm H'Bia" -> "ro cham h bia hbia", so "hbia", "h bia", "h'bia" and "bia" all find her;
    "Đinh Văn Hmưk" -> "dinh van hmuk" (a name without punctuation folds as `fold`). Joined words
    that would pass SEARCH_TEXT_MAX characters are left out (the parts are always there)."""
    text = fold(full_name)[:SEARCH_TEXT_MAX]
    words = set(text.split(" "))
    for word in nfc(full_name).split(" "):
        joined = fold(strip_punctuation(word)).replace(" ", "")
        if joined and joined not in words and len(text) + 1 + len(joined) <= SEARCH_TEXT_MAX:
            text = f"{text} {joined}"
            words.add(joined)
    return text


def name_key(full_name: str) -> str:
    """The key of a name for finding one person recorded twice: folded, without punctuation or
    spaces ("Rơ Châm H'Bia", "Ro Cham Hbia" and "Rơ Chăm H Bia" are one key)."""
    return fold_compact(full_name)


def _letters(word: str) -> list[tuple[str, int, bool]]:
    """Split a word into (base letter with its modifiers, tone, is_upper) triples."""
    result: list[tuple[str, int, bool]] = []
    for char in unicodedata.normalize("NFD", word):
        if unicodedata.combining(char):
            if not result:
                continue
            base, tone, upper = result[-1]
            if char in _TONES:
                result[-1] = (base, _TONES[char], upper)
            elif char in (_BREVE, _CIRCUMFLEX, _HORN):
                result[-1] = (unicodedata.normalize("NFC", base + char), tone, upper)
            continue
        lower = char.lower()
        result.append((lower, 0, char != lower))
    return result


def _rank(letter: str) -> int:
    if letter in _LETTER_RANK:
        return _LETTER_RANK[letter]
    if letter.isdigit():
        return ord(letter) - ord("0")  # digits sort before letters
    if letter == " ":
        return 10
    return 1000 + ord(letter)


def word_key(word: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[bool, ...]]:
    """Collation key of one word: letters first, then tones, then case."""
    letters = _letters(word)
    return (
        tuple(_rank(base) for base, _, _ in letters),
        tuple(tone for _, tone, _ in letters),
        tuple(not upper for _, _, upper in letters),
    )


def _words(text: str) -> list[str]:
    """The words of a phrase for ordering: punctuation inside them ignored ("H'Bia" is "HBia"), a word
    of punctuation only left out; a phrase of nothing else keeps its characters."""
    words = [w for w in (strip_punctuation(word) for word in nfc(text).split(" ")) if w]
    return words or nfc(text).split(" ")


def collation_key(text: str) -> tuple:
    """Vietnamese alphabetical key of a phrase, compared word by word, punctuation ignored."""
    words = _words(text)
    primary = tuple(word_key(w)[0] for w in words)
    secondary = tuple(word_key(w)[1] for w in words)
    tertiary = tuple(word_key(w)[2] for w in words)
    return (primary, secondary, tertiary)


def person_sort_key(full_name: str) -> tuple:
    """Key that sorts people as Vietnamese registers do.

    By the given name (the last word), then by the rest of the name from the
    family name on; letters decide before tones ("Ha" < "Hà" < "Hạ" < "Hai"). Punctuation is
    ignored: "H'Bia" sorts as "HBia", "Rơ-Châm" as "RơChâm".
    """
    words = _words(full_name)
    given, rest = words[-1], " ".join(words[:-1])
    given_key = word_key(given)
    rest_key = collation_key(rest) if rest else ((), (), ())
    return (given_key[0], rest_key[0], given_key[1], rest_key[1], given_key[2], rest_key[2])


def _code(rank: int) -> str:
    """One character per collation weight, in the same order (above the separators, no surrogates)."""
    point = 0x20 + rank
    if point >= 0xD800:
        point = min(point + 0x800, 0x10FFFF)
    return chr(point)


def _seq_text(weights: tuple) -> str:
    return "".join(_code(int(w)) for w in weights) + "\x02"


def _words_text(words: tuple) -> str:
    return "".join(_seq_text(w) for w in words) + "\x01"


def person_sort_text(full_name: str) -> str:
    """`person_sort_key` as a string that sorts the same way, code point by code point.

    Stored beside each person (`person.sort_key`) so that a database index keeps people in
    Vietnamese order and a list of a million people can page through it. Each weight is one
    character; a word ends with U+0002 and a group of words with U+0001, both below every
    weight, so a shorter word sorts first as in the tuple. Compare it bytewise (SQLite's
    default, PostgreSQL's "C" collation).
    """
    given_letters, rest_letters, given_tones, rest_tones, given_case, rest_case = person_sort_key(full_name)
    return (_seq_text(given_letters) + _words_text(rest_letters) + _seq_text(given_tones)
            + _words_text(rest_tones) + _seq_text(given_case) + _words_text(rest_case))


def search_tokens(query: str) -> list[str]:
    """Folded words of a search query, without empty ones."""
    return [token for token in fold(query).split(" ") if token]


def search_terms(query: str) -> list[tuple[str, ...]]:
    """What a search query asks for, one term per word typed: a person matches when, for every term,
    one of its alternatives has each of its tokens at the start of a word of the search text.

    A word typed with punctuation may be written either way in the record: "h'bia" is
    ("h bia", "hbia"): the parts "h" and "bia", or the joined "hbia". A plain word is itself."""
    terms: list[tuple[str, ...]] = []
    for word in nfc(query).split(" "):
        parts = fold(word)
        if not parts:
            continue
        joined = parts.replace(" ", "")
        terms.append((parts,) if joined == parts else (parts, joined))
    return terms


def matches(terms: list[tuple[str, ...]], search_text: str) -> bool:
    """Whether a search text (`person_search_text`) matches `search_terms`: the rule the database
    queries (storage.queries) follow, in plain Python."""
    words = search_text.split(" ")
    return all(any(all(any(w.startswith(token) for w in words) for token in alternative.split(" "))
                   for alternative in term) for term in terms)
