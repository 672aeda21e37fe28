"""One map of number words for every parser that counts."""

import re

from dovvybuddy.common.number_words import NUMBER_WORD_PATTERN, NUMBER_WORDS, words_pattern


def test_words_map_to_their_numbers():
    assert NUMBER_WORDS["one"] == 1 and NUMBER_WORDS["twelve"] == 12
    assert NUMBER_WORDS["twenty"] == 20


def test_the_longest_word_is_tried_first():
    found = re.search(rf"\b({NUMBER_WORD_PATTERN})\b", "seventeen of us")
    assert found is not None and found.group(1) == "seventeen"
    assert words_pattern({"few": 3, "a few": 3}).startswith("a\\ few|")
