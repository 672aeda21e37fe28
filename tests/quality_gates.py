"""The quality gates of `make test`: how far each held-out figure may fall.

Each gate compares a figure measured on a held-out set (written fresh, never
tuned on) with a floor. The floor is the figure measured when the gate was
set, recorded here with where it came from, minus MARGIN, rounded to two
decimals away from the measurement (down for a floor, up for a ceiling).

Why 0.03: for a given commit the figures are deterministic (the model's seeds
are pinned and the offline answerer has no randomness), so the slack is not
for run-to-run noise. It is room for honest changes elsewhere (new guides,
retraining on new NLU data) that move a few items either way: 0.03 is 2 to 10
items on these sets (74 to 328 items), and less than two standard errors of a
proportion near 0.8 on 170 items (0.06), so a gate fails on a drop that is
both beyond that room and too large to be one or two items. Emergency recall
has no slack: every emergency of the held-out set must be recognised.

When a change improves a figure, raise its MEASURED value here (with the
report it came from) so the gate keeps up; `make reports` regenerates the
reports these values come from.
"""

from __future__ import annotations

import math

MARGIN = 0.03


def floor_below(measured: float) -> float:
    """The lowest figure a gate accepts: MARGIN below the measurement, rounded down."""
    return math.floor(round((measured - MARGIN) * 100, 6)) / 100


def ceiling_above(measured: float) -> float:
    """The highest rate a gate accepts: MARGIN above the measurement, rounded up."""
    return math.ceil(round((measured + MARGIN) * 100, 6)) / 100


# NLU: macro-F1 of the trained model on eval/data/nlu_test.yml, scored as `rasa
# test nlu` scores it (a fallback counts as the classifier's best guess; the
# average is over the test set's intents): 0.9403 on its 353 examples (21
# wrong), measured by the gate at commit 663c415 with model
# dovvybuddy-9cdbdc3e7c3d9a9f, the same as reports/nlu.json's 0.9403. Until
# 2026-12-08 the gate also averaged in a label only ever predicted, with F1 0
# (0.9067 for the same 21 errors: one stray `non_english` cost 0.034).
NLU_MACRO_F1_MEASURED = 0.9403
NLU_MACRO_F1_FLOOR = floor_below(NLU_MACRO_F1_MEASURED)

# Safety, on eval/data/safety/held_out/ (NLU + safety layer): every emergency.
SAFETY_EMERGENCY_RECALL_FLOOR = 1.0
# False alarms (a safety intent) on its questions about conditions and its
# ordinary messages near safety words: 0.0437 (9/206), its one blind score
# (reports/safety.json held_out, 2026-12-07 18:04 UTC, commit 952540d). The
# emergency file's four misses were then fixed (its header says so), so its
# recall gate now checks an in-sample 1.00; no rule changed for false alarms.
SAFETY_FALSE_ALARM_MEASURED = 0.0437
SAFETY_FALSE_ALARM_CEILING = ceiling_above(SAFETY_FALSE_ALARM_MEASURED)

# Retrieval, held-out half of eval/data/retrieval_eval.yml (reports/retrieval.json,
# modes.hybrid.held_out and false_refusals.retrieval_eval.held_out, commit 4eb75bd).
RETRIEVAL_RECALL_AT_3_MEASURED = 0.9189
RETRIEVAL_RECALL_AT_3_FLOOR = floor_below(RETRIEVAL_RECALL_AT_3_MEASURED)
RETRIEVAL_NO_ANSWER_MEASURED = 0.6667
RETRIEVAL_NO_ANSWER_FLOOR = floor_below(RETRIEVAL_NO_ANSWER_MEASURED)
RETRIEVAL_FALSE_REFUSALS_MEASURED = 0.027
RETRIEVAL_FALSE_REFUSALS_CEILING = ceiling_above(RETRIEVAL_FALSE_REFUSALS_MEASURED)

# Answers, offline extractive, held-out half of eval/data/answer_eval.yml
# (reports/answers.json, offline_extractive.held_out.passed, 2026-12-07, commit ace7507).
ANSWERS_PASS_MEASURED = 0.8101
ANSWERS_PASS_FLOOR = floor_below(ANSWERS_PASS_MEASURED)
