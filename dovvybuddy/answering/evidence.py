"""Which sentences answer a question: the evidence every answer is built from.

Retrieval finds the passages (sections of the guides); this module reads
their sentences and picks the one to five that answer what was asked,
scoring each sentence of the candidate passages on:

- its cosine similarity to the question (the query vector retrieval already
  computed; the sentences were embedded at ingest),
- how many of the question's content words it, or the heading and title it
  sits under, uses (rare words count more),
- whether it has the kind of fact the question asks for: a duration, a
  depth, an age, a price, a month or season, a way of travelling, the
  animals to be seen; and a number the question names ("nitrox 32"), and
- whether its document is the kind that answers this kind of question: a
  transport question is for a logistics guide or an overview's "Getting
  there", a course question for a course document, a site question for a
  site card; and whether it is the course page of the certification level
  the question names ("open water max depth?" is about Open Water, not the
  try dive or the deep specialty), or about the one destination it names.

The offline answer quotes the chosen sentences; Gemini is given them as the
key evidence, with their passages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dovvybuddy.answering.question_kinds import (
    named_destination,
    preferred_kinds,
    question_cues,
)
from dovvybuddy.knowledge.answerability import PREFIX_LENGTH, content_words
from dovvybuddy.knowledge.certification_levels import level_mentions
from dovvybuddy.knowledge.passages import Passage, Sentence
from dovvybuddy.knowledge.sentences import list_item_positions, split_sentences

MAX_EVIDENCE_SENTENCES = 5
MAX_EVIDENCE_WORDS = 90
# Passages this close to the best in similarity may supply the answer, and so
# may a passage of a kind the question needs, wherever it ranks.
SIMILARITY_MARGIN = 0.2
CANDIDATE_PASSAGES = 4

COSINE_WEIGHT = 1.0
COVERAGE_WEIGHT = 1.2
CUE_WEIGHT = 0.5
KIND_WEIGHT = 0.1
PASSAGE_WEIGHT = 1.2
TITLE_WEIGHT = 0.2
LEVEL_WEIGHT = 0.3
# A sentence with a number the question names ("nitrox 32", "Paradise 1").
NUMBER_WEIGHT = 0.3
# A passage about the destination the conversation is about.
FOCUS_WEIGHT = 0.3
# A passage about the one destination the question names: less, as a guide
# to every destination (where to stay, water temperatures) answers for it too.
NAMED_FOCUS_WEIGHT = 0.1
# An answer shorter than this grows with the sentences around its best one.
MIN_ANSWER_WORDS = 60
# Further sentences must score this share of the best one's score.
COMPANION_SHARE = 0.7
# A list the answer quotes from is finished even past the word budget, by up
# to this many words: half a list of warning signs reads as the whole list.
LIST_EXTRA_WORDS = 40


def _sentence_key(word_stem: str) -> str:
    """How a stem is compared between question and sentence: the light
    stemmer keeps a final "e" in "time" and "dive" but not in "diving", and
    leaves short words in -ed whole ("timed"), so both are dropped, then the
    first PREFIX_LENGTH letters are kept."""
    if len(word_stem) <= 5 and word_stem.endswith("ed"):
        word_stem = word_stem[:-1]
    if len(word_stem) > 3 and word_stem.endswith("e"):
        word_stem = word_stem[:-1]
    return word_stem[:PREFIX_LENGTH]


# Words that ask for a kind of fact rather than name what the fact is about:
# "how long", "how deep", "how much time". Only there: "the deep course" and
# "is the swim test timed" name what they are about.
_ASKING_PHRASE = re.compile(
    r"\bhow (long|deep|old|much|far|many|soon|quick(ly)?|fast|early)\b(\s+(time|longer))?|"
    r"\bwhat time\b",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\b\d+\b")


def _stems(text: str) -> set[str]:
    """The sentence keys of `text`, with hyphenated words also read joined
    ("over-expansion" meets "overexpansion")."""
    joined = re.sub(r"(?<=[a-z])-(?=[a-z])", "", text.lower())
    return {_sentence_key(word_stem) for _, word_stem in content_words(f"{text} {joined}")}


def _weighted_stems(text: str, weight: Callable[[str], float]) -> dict[str, float]:
    """The question's sentence keys, each with its weight (read under the
    stem's own prefix, as the vocabulary counts them)."""
    return {
        _sentence_key(word_stem): weight(word_stem[:PREFIX_LENGTH])
        for _, word_stem in content_words(text)
    }


@dataclass(frozen=True)
class ScoredSentence:
    passage: Passage
    sentence: Sentence
    score: float
    cue_hit: bool
    matched: frozenset[str]
    """The question's words the sentence itself uses."""

    @property
    def overlap(self) -> int:
        return len(self.matched)


@dataclass(frozen=True)
class Evidence:
    """The passage that answers and the sentences of its guide to quote."""

    passage: Passage
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def passage_sentences(passage: Passage) -> tuple[Sentence, ...]:
    """The passage's stored sentences, or (built without the database) its text
    split the same way, with no similarity."""
    if passage.sentences:
        return passage.sentences
    return tuple(
        Sentence(position, text, 0.0)
        for position, text in enumerate(split_sentences(passage.content))
    )


def candidate_passages(
    passages: Sequence[Passage], kinds: frozenset[str] = frozenset()
) -> list[Passage]:
    """The passages that may supply the answer: the CANDIDATE_PASSAGES most
    similar, if nearly as similar as the best, and any of a kind the question
    needs."""
    if not passages:
        return []
    ranked = sorted(passages, key=lambda p: -p.similarity)
    floor = ranked[0].similarity - SIMILARITY_MARGIN
    close = [p for p in ranked[:CANDIDATE_PASSAGES] if p.similarity >= floor]
    return [p for p in passages if any(p is c for c in close) or p.kind in kinds]


def score_sentences(
    question: str,
    passages: Sequence[Passage],
    weight: Callable[[str], float] = lambda _: 1.0,
    destination: str | None = None,
) -> list[ScoredSentence]:
    """Every sentence of the candidate passages, scored (see the module docstring).

    `weight` gives a question word's weight (rare words in the knowledge base
    weigh more); by default all weigh the same.
    """
    cues = question_cues(question)
    kinds = preferred_kinds(question, cues)
    # "How long", "how deep", "how much": a duration, depth or price answers
    # those words, so they are not looked for in the sentence itself ("how
    # many days" still wants a sentence about days).
    wanted = _weighted_stems(_ASKING_PHRASE.sub(" ", question), weight)
    named_levels = {m.level for m in level_mentions(question) if not m.negated}
    # A question naming Perhentian is answered from Perhentian's guides before
    # a guide that lists every island, as the destination in focus would be.
    focus = destination or named_destination(question)
    numbers = set(_DIGITS.findall(question))
    focus_weight = FOCUS_WEIGHT if destination else NAMED_FOCUS_WEIGHT
    total = sum(wanted.values())
    scored: list[ScoredSentence] = []
    for passage in candidate_passages(passages, kinds):
        context = _stems(f"{passage.title} {passage.heading}")
        # How much of its document's subject the question names: a question
        # about "open water" is about the Open Water page more than the
        # Advanced Open Water one.
        title = _stems(passage.title)
        named = len(title & set(wanted)) / len(title) if title else 0.0
        for sentence in passage_sentences(passage):
            words = _stems(sentence.text)
            # A sentence says what it says under its heading and title.
            covered = sum(w for s, w in wanted.items() if s in words or s in context)
            cue_hit = any(cue.sentence.search(sentence.text) for cue in cues)
            score = (
                COSINE_WEIGHT * sentence.similarity
                + COVERAGE_WEIGHT * (covered / total if total else 0.0)
                + CUE_WEIGHT * cue_hit
                + KIND_WEIGHT * (passage.kind in kinds)
                + PASSAGE_WEIGHT * passage.similarity
                + TITLE_WEIGHT * named
                + NUMBER_WEIGHT * bool(numbers & set(_DIGITS.findall(sentence.text)))
                + LEVEL_WEIGHT
                * (
                    passage.kind == "certification"
                    and passage.metadata.get("level") in named_levels
                )
                + focus_weight * (focus is not None and passage.destination == focus)
            )
            scored.append(
                ScoredSentence(passage, sentence, score, cue_hit, frozenset(words & set(wanted)))
            )
    return scored


def _list_runs(passage: Passage, own: dict[int, ScoredSentence]) -> list[set[int]]:
    """Each Markdown list of the passage as the positions of its items, with
    the sentence that introduces it ("Warning signs include:")."""
    runs: list[set[int]] = []
    for position in sorted(list_item_positions(passage.content)):
        if position not in own:
            continue
        if runs and position - 1 in runs[-1]:
            runs[-1].add(position)
        else:
            runs.append({position})
    for run in runs:
        intro = min(run) - 1
        if intro in own and own[intro].sentence.text.rstrip().endswith(":"):
            run.add(intro)
    return runs


_REFERS_BACK = re.compile(
    r"^(it|its|this|that|these|those|they|them|their|there|he|she|so|but|also|then)\b",
    re.IGNORECASE,
)


def select_evidence(
    question: str,
    passages: Sequence[Passage],
    weight: Callable[[str], float] = lambda _: 1.0,
    max_words: int = MAX_EVIDENCE_WORDS,
    destination: str | None = None,
) -> Evidence:
    """The best-scoring sentence, with the sentences of its passage that also
    answer (or that it refers back to) in document order, then those of
    other sections of the same guide that also answer; at most
    MAX_EVIDENCE_SENTENCES and `max_words`."""
    scored = score_sentences(question, passages, weight, destination)
    if not scored:
        return Evidence(passages[0], (passages[0].content,))
    best = max(scored, key=lambda s: (s.score, -s.sentence.position))
    own = {s.sentence.position: s for s in scored if s.passage is best.passage}
    chosen = {best.sentence.position}
    borrowed: list[ScoredSentence] = []
    words = len(best.sentence.text.split())

    def add(position: int) -> bool:
        nonlocal words
        size = len(own[position].sentence.text.split())
        if (
            position in chosen
            or len(chosen) + len(borrowed) >= MAX_EVIDENCE_SENTENCES
            or words + size > max_words
        ):
            return False
        chosen.add(position)
        words += size
        return True

    # A sentence that starts "It ..." needs the one before it to make sense.
    position = best.sentence.position
    while _REFERS_BACK.match(own[position].sentence.text) and position - 1 in own:
        if not add(position - 1):
            break
        position -= 1
    companions = sorted(
        (
            s
            for s in own.values()
            if s.score >= COMPANION_SHARE * best.score and (s.overlap or s.cue_hit)
        ),
        key=lambda s: -s.score,
    )
    for companion in companions:
        add(companion.sentence.position)
    # Another section of the same guide may hold the rest of the answer (a
    # site's depth under "Conditions", its summary under "Key facts"); it is
    # quoted after the best passage's sentences, under the same citation.
    for sibling in sorted(
        (
            s
            for s in scored
            if s.passage is not best.passage
            and s.passage.doc_path == best.passage.doc_path
            and s.score >= COMPANION_SHARE * best.score
            and (s.overlap or s.cue_hit)
        ),
        key=lambda s: -s.score,
    ):
        size = len(sibling.sentence.text.split())
        if len(chosen) + len(borrowed) >= MAX_EVIDENCE_SENTENCES or words + size > max_words:
            break
        borrowed.append(sibling)
        words += size
    # A thin answer grows with the sentences around the best one, following
    # ones first: they usually finish the thought.
    after, before = best.sentence.position + 1, best.sentence.position - 1
    while words < MIN_ANSWER_WORDS and (after in own or before in own):
        if after in own:
            if not add(after):
                break
            after += 1
        elif not add(before):
            break
        else:
            before -= 1
    # A list the answer quotes from (or introduces) is quoted whole.
    for run in _list_runs(best.passage, own):
        if chosen & run:
            for position in sorted(run - chosen):
                size = len(own[position].sentence.text.split())
                if words + size > max_words + LIST_EXTRA_WORDS:
                    break
                chosen.add(position)
                words += size
    return Evidence(
        best.passage,
        tuple(own[p].sentence.text for p in sorted(chosen))
        + tuple(s.sentence.text for s in borrowed),
    )
