"""The text the safety rules read: what the diver sees, minus the tricks that hide words.

Standard library only. A soft hyphen or a zero-width space inside a word
("uncon\u00adscious", "ig\u200bnore") is invisible on screen but splits the word
for a regular expression, and a Cyrillic "с" looks like a Latin "c". The
rules are the guarantee that an emergency gets emergency guidance, so they
must see the word the diver sees. The reply still echoes the original text.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that render as nothing: soft hyphen, combining grapheme joiner,
# zero-width spaces and joiners, direction marks and overrides, word joiner
# and invisible operators, variation selectors, byte-order mark, tag characters.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e0fff]"
)
# Cyrillic and Greek letters that look like Latin ones. Folded only inside a
# word that also has Latin letters, so Russian or Greek text stays as written.
_LOOKALIKES = str.maketrans(
    {
        **dict(zip("аАВеЕКкМНоОрРсСТуХхіІјЈѕЅԁԛԝ", "aABeEKkMHoOpPcCTyXxiIjJsSdqw", strict=True)),
        **dict(zip("αΑΒΕΗιΙκΚΜΝνοΟρΡΤυΥχΧΖ", "aABEHiIkKMNvoOpPTuYxXZ", strict=True)),
        "ɡ": "g",
    }
)
_WORD = re.compile(r"\w+")


def rule_text(text: str) -> str:
    """`text` with compatibility forms unified, invisible characters removed and
    look-alike letters folded in mixed-script words."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return _WORD.sub(_fold_lookalikes, text)


def _fold_lookalikes(match: re.Match[str]) -> str:
    word = match.group()
    if word.isascii() or not any("a" <= char.lower() <= "z" for char in word):
        return word
    return word.translate(_LOOKALIKES)
