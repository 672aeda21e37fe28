"""The deterministic safety rules the safety layer (nlu/safety_layer.py) applies.

`rules` decides the category (`match_safety`), reading text made by `text`
and `normalisation`, with the phrase lists of `lexicon` (its plain lists are
data in words.yml) and the grading of worries and questions in `grading`.
"""
