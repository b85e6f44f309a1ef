"""Vietnamese text: NFC storage, folding for search, collation for sorting people.

Folding (DESIGN §4) removes case and every diacritic *and* maps đ/Đ to d, so that
"dinh van hmuk" finds "Đinh Văn Hmưk". Collation follows the Vietnamese alphabet
(a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y), letters first and
tones after, and people are sorted by given name (last word) and then the rest.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[\s\-‐‑–—_/.,;:()'\"]+")

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
        else:
            out.append(char.lower())
    return _SEPARATORS.sub(" ", "".join(out)).strip()


def fold_compact(text: str) -> str:
    """Fold and drop all separators: "Ba-na", "Ba Na" and "Bana" all give "bana"."""
    return fold(text).replace(" ", "")


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


def collation_key(text: str) -> tuple:
    """Vietnamese alphabetical key of a phrase, compared word by word."""
    words = nfc(text).split(" ")
    primary = tuple(word_key(w)[0] for w in words)
    secondary = tuple(word_key(w)[1] for w in words)
    tertiary = tuple(word_key(w)[2] for w in words)
    return (primary, secondary, tertiary)


def person_sort_key(full_name: str) -> tuple:
    """Key that sorts people as Vietnamese registers do.

    By the given name (the last word), then by the rest of the name from the
    family name on; letters decide before tones ("Ha" < "Hà" < "Hạ" < "Hai").
    """
    words = nfc(full_name).split(" ")
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
