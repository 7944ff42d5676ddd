"""One search key for a name, whatever the script or spelling it was written in.

The same person is written in Kazakh Cyrillic, Russian Cyrillic, the Kazakh Latin
alphabet of 2021, passport (ICAO 9303) Latin and older informal Latin spellings
(Zh/J, Kh/H, -ov/-off, Y/I). Every form is folded to one skeleton in plain Latin:

    Нұрсұлтан, Нурсултан, Nūrsūltan, NURSULTAN      -> nursultan
    Жанар, Zhanar, Janar                             -> zhanar
    Қасымов, Kasymov, Qasymov, Kasimov               -> kasimov
    Сәрсенбайұлы, Sarsenbaiuly, Sarsenbay uly        -> sarsenbaiuli

The folding is deliberately lossy: it is a search key, not a transliteration.
Person matching across agencies (linkage) builds on the same keys.
"""

import re
import unicodedata

# Cyrillic letters of Kazakh and Russian, to passport-style Latin (ICAO 9303 for the
# Russian letters; the common a, g, k, n, o, u, u, h, i for the Kazakh-specific ones).
_CYRILLIC = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
    "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "k", "л": "l",
    "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
}  # fmt: skip

# Latin letters with a value of their own in the Kazakh alphabet of 2021 and in
# other Latin orthographies met in passports; the rest lose their accents.
_LATIN_SPECIAL = {
    "ş": "sh", "ç": "ch", "ğ": "g", "ä": "a", "ö": "o", "ü": "u", "ū": "u", "ñ": "n",
    "ı": "i", "ž": "zh", "č": "ch", "š": "sh", "ý": "i",
}  # fmt: skip

# Informal and older Latin spellings, folded onto one form, in this order.
_SPELLINGS = [
    (re.compile(r"j"), "zh"),  # Janar / Zhanar
    (re.compile(r"dzh"), "zh"),  # Djamila / Dzhamila / Zhamila
    (re.compile(r"x"), "ks"),  # Alexei / Aleksei
    (re.compile(r"w"), "v"),
    (re.compile(r"q"), "k"),  # Qasym / Kasym
    (re.compile(r"kh"), "h"),  # Akhmetov / Ahmetov
    (re.compile(r"^ye"), "e"),  # Yerlan / Erlan
    (re.compile(r"(?<=[^aeiouy])yo"), "e"),  # Alyona / Alena (ё)
    (re.compile(r"y"), "i"),  # Kasymov / Kasimov, Aleksey / Aleksei
    (re.compile(r"(.)\1+"), r"\1"),  # Zhanna / Zhana, Ivanoff / Ivanof
    (re.compile(r"(?<=[oe])f$"), "v"),  # Ivanof / Ivanov
]

# Search keys are stored in a column of this length; a longer key is cut alike on
# both sides of a comparison, so it still matches.
MAX_KEY_LENGTH = 64

# Kazakh patronymic suffixes written as a word of their own ("Сапар ұлы") are joined
# to the father's name, so the spaced and the joined forms give the same key.
_PATRONYMIC_SUFFIXES = {"uli", "kizi"}

_WORD = re.compile(r"[^\W\d_]+(?:['’`ʼ-][^\W\d_]+)*")
# An apostrophe inside a word stands for a soft or hard sign (Ol'ga, Dar'ya): it joins.
_APOSTROPHES = str.maketrans("", "", "'’`ʼ")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_key(word: str) -> str:
    """The search key of one word of a name ('' when nothing of it is a letter)."""
    text = unicodedata.normalize("NFC", word).casefold()
    text = "".join(_CYRILLIC.get(ch, _LATIN_SPECIAL.get(ch, ch)) for ch in text)
    text = _strip_accents(text)
    text = "".join(ch for ch in text if "a" <= ch <= "z")
    for pattern, replacement in _SPELLINGS:
        text = pattern.sub(replacement, text)
    return text[:MAX_KEY_LENGTH]


def name_keys(text: str) -> list[str]:
    """The keys of every word in a name or a search query, in order, without repeats."""
    keys: list[str] = []
    # Compose first: a letter stored as base + combining mark (й as и + breve) is one letter.
    text = unicodedata.normalize("NFC", text)
    for match in _WORD.finditer(text):
        for part in match.group().translate(_APOSTROPHES).split("-"):
            key = name_key(part)
            if not key:
                continue
            if key in _PATRONYMIC_SUFFIXES and keys:
                keys[-1] = keys[-1] + key
            elif key not in keys:
                keys.append(key)
    return keys
