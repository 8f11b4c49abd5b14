"""Finds warning signs and crisis in one message, by rules on lemmas, whatever the intent.

Each sign is a combination of concepts ("urine" near "dark") found in one sentence. A sign in a
clause that negates it ("no chest pain"), puts it in the past ("I used to choke, now fine") or
makes it hypothetical ("what if my pee goes dark?") does not raise a flag; a hypothetical one is
reported as uncertain, so the assistant asks rather than guesses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc

from bot.nlp.english import english_words
from bot.nlp.sentences import asked_spans
from bot.safety.lexicon import REGEX_PREFIX, Lexicon, Phrase, Urgency

SENTENCE_BREAKS = frozenset({".", "!", "?", ";"})
# "now" opens a clause of its own: what it says is current, whatever the clause before it denied
# or put in the past ("worse not better and now I'm shivery", "choked last year and now again").
CLAUSE_BREAKS = SENTENCE_BREAKS | {
    ",",
    "-",
    "—",
    ":",
    "but",
    "however",
    "although",
    "though",
    "now",
}
NEGATION_REACH = 6
# Words that set what follows against what came before ("it went away but now ...").
CONTRASTS = frozenset({"but", "however", "although", "though", "yet", "now", "except"})
# Words that make a time in the past run up to now: "since last year", "over the last month".
ONGOING = frozenset({"since", "for", "over", "during"})
# Before "... ago" only "since" does: "over ten years ago" is more than ten years ago.
ONGOING_BEFORE_AGO = frozenset({"since"})


@dataclass(frozen=True)
class Finding:
    """A warning sign found in the message."""

    sign: str
    urgency: Urgency
    sources: tuple[str, ...]


@dataclass(frozen=True)
class SafetyReport:
    """What the safety net found in one message."""

    crisis: bool = False
    findings: tuple[Finding, ...] = ()
    medical: bool = False
    uncertain: tuple[str, ...] = ()
    dismissed: tuple[str, ...] = ()
    # Words in the self-harm sense ("die", "no point"), whether or not a crisis rule matched.
    crisis_sense: bool = False
    # The message says something has passed or is in the past ("fine now", "last year").
    settled: bool = False
    # The message is about exercise and names no medicine, diagnosis, diet or other treatment.
    exercise_only: bool = False

    @property
    def urgency(self) -> Urgency | None:
        """The highest urgency among the signs found, if any."""
        return max((f.urgency for f in self.findings), key=lambda u: u.rank, default=None)

    @property
    def flagged(self) -> bool:
        """Whether the message needs a safety reply."""
        return self.crisis or bool(self.findings)

    def sources(self) -> tuple[str, ...]:
        """Sources of the most urgent signs, for the reply's citations."""
        top = self.urgency
        return tuple(dict.fromkeys(s for f in self.findings if f.urgency == top for s in f.sources))

    def as_dict(self) -> dict[str, Any]:
        """The report as it travels in Rasa's parse data."""
        return {
            "crisis": self.crisis,
            "medical": self.medical,
            "urgency": self.urgency.value if self.urgency else None,
            "signs": [f.sign for f in self.findings],
            "sources": list(self.sources()),
            "uncertain": list(self.uncertain),
            "dismissed": list(self.dismissed),
            "crisis_sense": self.crisis_sense,
            "settled": self.settled,
            "exercise_only": self.exercise_only,
        }


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    tokens: frozenset[int] = field(default_factory=frozenset)
    starts: tuple[int, ...] = ()
    # Where the parts that say what the sign is start (not its time markers, "now", "since").
    what: tuple[int, ...] = ()


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance, stopping early once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@dataclass(frozen=True)
class _FirstWords:
    """Phrases by first word, so each token is tried only against phrases that can start there.

    Trying every phrase of the lexicon at every token was most of the detector's time.
    """

    phrases: tuple[Phrase, ...]
    by_word: dict[str, tuple[int, ...]]
    # Phrases that start with a regular expression may start at any token.
    by_regex: tuple[int, ...]
    # The first words, or None when a phrase may start at any token (it starts with a regex):
    # most tokens start none of a concept's phrases, and this tells without building the list of
    # candidates (which had become most of the detector's time).
    first_words: frozenset[str] | None

    @classmethod
    def of(cls, phrases: tuple[Phrase, ...]) -> _FirstWords:
        by_word: dict[str, list[int]] = {}
        for n, phrase in enumerate(phrases):
            if not phrase[0].startswith(REGEX_PREFIX):
                by_word.setdefault(phrase[0], []).append(n)
        by_regex = tuple(n for n, p in enumerate(phrases) if p[0].startswith(REGEX_PREFIX))
        first_words = None if by_regex else frozenset(by_word)
        return cls(phrases, {w: tuple(ns) for w, ns in by_word.items()}, by_regex, first_words)

    def candidates(self, forms: frozenset[str]) -> list[Phrase]:
        """The phrases that may start at a token with these forms, in lexicon order."""
        found = {n for form in forms for n in self.by_word.get(form, ())}
        return [self.phrases[n] for n in sorted(found.union(self.by_regex))]


class Detector:
    """Runs the lexicon's rules over a spaCy Doc made by the project pipeline (for its lemmas)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._vocabulary = frozenset(
            word
            for phrases in (*lexicon.concepts.values(), lexicon.negation)
            for phrase in phrases
            for word in phrase
            if not word.startswith(REGEX_PREFIX)
        )
        # Concepts and clause cues may both hold regular expressions ("before my re:... diagnosis").
        cues = (
            lexicon.negation,
            lexicon.history,
            lexicon.resolution,
            lexicon.hypothetical,
            lexicon.dread,
            lexicon.future,
            lexicon.general,
            lexicon.personal,
            lexicon.idioms,
            lexicon.long_standing,
        )
        self._regexes = {
            word: re.compile(word[len(REGEX_PREFIX) :])
            for phrases in (*lexicon.concepts.values(), *cues)
            for phrase in phrases
            for word in phrase
            if word.startswith(REGEX_PREFIX)
        }
        self._english = english_words()
        self._spell = lru_cache(maxsize=8192)(self._correct)
        self._first_words: dict[tuple[Phrase, ...], _FirstWords] = {}

    def _correct(self, word: str) -> str:
        """Return the lexicon word ``word`` misspells, or ``word`` itself.

        A real English word is never a misspelling ("overdid" is not "overdose"): misspellings
        that are also words go in the lexicon itself.
        """
        # Five letters is the floor on both sides and six on one, so "breth" is "breath" and
        # "chesst" is "chest", while "cause" never becomes "pause" nor "hill" "chill".
        if word in self._vocabulary or len(word) < 5 or word in self._english:
            return word
        limit = 2 if len(word) >= 9 else 1
        best = min(
            (
                w
                for w in self._vocabulary
                if len(w) >= 5 and max(len(w), len(word)) >= 6 and w.isalpha()
            ),
            key=lambda w: (_edit_distance(word, w, limit), w),
        )
        return best if _edit_distance(word, best, limit) <= limit else word

    def detect(self, doc: Doc) -> SafetyReport:
        """Return the warning signs and crisis found in ``doc``."""
        words = [self._forms(t.lower_, t.lemma_.lower()) for t in doc]
        for ignored in (self.lexicon.idioms, self.lexicon.long_standing):
            for start, stop in self._occurrences(words, 0, len(words), ignored):
                words[start:stop] = [frozenset()] * (stop - start)
        sentences = self._spans(words, SENTENCE_BREAKS)
        clauses = self._spans(words, CLAUSE_BREAKS) or [(0, len(words))]
        clause_of = self._clause_of(clauses, len(words))
        # Many patterns share a concept: find each concept in the message once, not per pattern
        # and sentence (this was most of the detector's time, on every message).
        found: dict[str, list[tuple[int, int]]] = {}

        def occurrences(concept: str) -> list[tuple[int, int]]:
            if concept not in found:
                phrases = self.lexicon.concepts[concept]
                found[concept] = self._occurrences(words, 0, len(words), phrases)
            return found[concept]

        # Sentences that a later sentence puts in the past ("... that was months ago").
        looked_back = {
            n - 1 for n in range(1, len(sentences)) if self._looks_back(words, sentences[n])
        }

        def judge(
            patterns: Sequence[Sequence[str]],
            negatable: bool = True,
            expected: Sequence[Sequence[str]] = (),
            within: Sequence[tuple[int, int]] = (),
        ) -> str | None:
            verdicts = []
            for n, sentence in enumerate(sentences):
                # Crisis and medical words (not negatable) are never put in the past this way.
                past = negatable and n in looked_back
                for start, end in _within([sentence], within) if within else [sentence]:
                    for pattern in patterns:
                        match = self._match(occurrences, start, end, pattern)
                        if match is not None and (pattern in expected or past):
                            verdicts.append("dismissed")
                        elif match is not None:
                            verdicts.append(
                                self._verdict(
                                    words, (start, end), clauses, clause_of, match, negatable
                                )
                            )
            if "current" in verdicts:
                return "current"
            return "uncertain" if "uncertain" in verdicts else ("dismissed" if verdicts else None)

        findings, uncertain, dismissed = [], [], []
        whole = (0, len(words))
        for sign in self.lexicon.signs:
            expected = [
                p
                for e in sign.expected
                if any(all(occurrences(c) for c in combo) for combo in e.when)
                and not any(occurrences(c) for c in e.unless)
                for p in e.patterns
            ]
            verdict = judge(sign.patterns, expected=expected)
            if verdict == "current":
                findings.append(Finding(sign.id, sign.urgency, sign.sources))
            elif verdict == "uncertain":
                uncertain.append(sign.id)
            elif verdict == "dismissed":
                dismissed.append(sign.id)
        crisis = judge(self.lexicon.crisis_patterns, negatable=False) in ("current", "uncertain")
        about_exercise = bool(occurrences(self.lexicon.medical_unless))

        def medical_in(within: Sequence[tuple[int, int]]) -> tuple[bool, bool]:
            """Whether the words ``within`` (all, if empty) ask about a dose, and are medical."""
            # A dose question stays medical around exercise words ("an extra pred on physio days?").
            dose = judge(self.lexicon.medical_always, False, within=within) is not None
            exercise = (
                any(
                    a <= s and e <= b
                    for s, e in occurrences(self.lexicon.medical_unless)
                    for a, b in within
                )
                if within
                else about_exercise
            )
            patterns = self.lexicon.medical_patterns
            return dose, dose or (
                not exercise and judge(patterns, False, within=within) is not None
            )

        # A message that tells a story first is medical by what it asks, one question at a time,
        # not by its story: "two biopsies and a year of tests... what would you suggest for my
        # hands?" asks about hands; "I swim. Can I stop the pred? And is cycling ok?" asks both.
        asked = _tokens_of(doc, asked_spans(doc.text))
        verdicts = [medical_in([span]) for span in asked] or [medical_in(())]
        dose = any(d for d, _ in verdicts)
        medical = any(m for _, m in verdicts)
        settled = self._in_past(words, range(*whole)) or self._resolved(words, whole)
        return SafetyReport(
            crisis,
            tuple(findings),
            medical,
            tuple(uncertain),
            tuple(dismissed),
            crisis_sense=bool(occurrences(self.lexicon.crisis_sense)),
            settled=settled,
            exercise_only=about_exercise
            and not dose
            and (
                not any(occurrences(p[0]) for p in self.lexicon.medical_patterns)
                or self._asks_about_exercise(words, clauses, occurrences)
            ),
        )

    def _asks_about_exercise(
        self,
        words: Sequence[frozenset[str]],
        clauses: Sequence[tuple[int, int]],
        occurrences: Callable[[str], list[tuple[int, int]]],
    ) -> bool:
        """Whether the question itself is about exercise, whatever the story names before it.

        "I'm on high dose prednisone, is it safe to lift weights?" asks about weights; the
        question is the clause before the last "?" (or the last clause), and it names exercise and
        no medicine, diagnosis, diet or treatment.
        """
        marks = [i for i, forms in enumerate(words) if "?" in forms]
        end = marks[-1] if marks else len(words)
        start = next((a for a, b in reversed(clauses) if a < end), None)
        if start is None:
            return False

        def inside(concept: str) -> bool:
            return any(start <= a and b <= end for a, b in occurrences(concept))

        medical = {p[0] for p in self.lexicon.medical_patterns}
        return inside(self.lexicon.medical_unless) and not any(inside(c) for c in medical)

    @staticmethod
    def _clause_of(clauses: Sequence[tuple[int, int]], length: int) -> dict[int, int]:
        """The clause of every word; a break word belongs to the clause it opens.

        A phrase can begin with a break word ("now" in "now I can't swallow"), so a match may
        start on one.
        """
        clause_of: dict[int, int] = {}
        previous_end = 0
        for c, (_, end) in enumerate(clauses):
            clause_of.update((i, c) for i in range(previous_end, end))
            previous_end = end
        clause_of.update((i, len(clauses) - 1) for i in range(clauses[-1][1], length))
        return clause_of

    def _forms(self, lower: str, lemma: str) -> frozenset[str]:
        return frozenset({lower, lemma, self._spell(lower)})

    @staticmethod
    def _spans(words: Sequence[frozenset[str]], breaks: frozenset[str]) -> list[tuple[int, int]]:
        spans, start = [], 0
        for i, forms in enumerate(words):
            if forms & breaks:
                if i > start:
                    spans.append((start, i))
                start = i + 1
        if start < len(words):
            spans.append((start, len(words)))
        return spans

    def _occurrences(
        self, words: Sequence[frozenset[str]], start: int, end: int, phrases: tuple[Phrase, ...]
    ) -> list[tuple[int, int]]:
        if phrases not in self._first_words:
            self._first_words[phrases] = _FirstWords.of(phrases)
        index = self._first_words[phrases]
        found = []
        first_words = index.first_words
        for i in range(start, end):
            if first_words is not None and first_words.isdisjoint(words[i]):
                continue
            for phrase in index.candidates(words[i]):
                stop = i + len(phrase)
                if stop <= end and all(self._is(w, words[i + k]) for k, w in enumerate(phrase)):
                    found.append((i, stop))
        return found

    def _is(self, word: str, forms: frozenset[str]) -> bool:
        regex = self._regexes.get(word)
        if regex is None:
            return word in forms
        return any(regex.match(form) for form in forms)

    def _match(
        self,
        occurrences: Callable[[str], list[tuple[int, int]]],
        start: int,
        end: int,
        pattern: Sequence[str],
    ) -> _Match | None:
        """Find the concepts of ``pattern`` together within the window, in this sentence.

        A sentence-wide concept (a time frame) need only be somewhere in the sentence; it is not
        part of the match, whose clause is the sign's own.
        """
        hits = [[(a, b) for a, b in occurrences(c) if start <= a and b <= end] for c in pattern]
        if not all(hits):
            return None
        wide = self.lexicon.sentence_wide
        named = [(c, h) for c, h in zip(pattern, hits, strict=True) if c not in wide]
        names = [c for c, _ in named] or list(pattern)
        hits = [h for _, h in named] or hits
        for anchor in hits[0]:
            chosen = [anchor]
            for options in hits[1:]:
                near = [
                    o
                    for o in options
                    if abs(o[0] - anchor[0]) <= self.lexicon.window and o not in chosen
                ]
                if not near:
                    break
                chosen.append(min(near, key=lambda o: abs(o[0] - anchor[0])))
            else:
                tokens = frozenset(i for a, b in chosen for i in range(a, b))
                starts = tuple(sorted(a for a, _ in chosen))
                markers = self.lexicon.time_markers
                what = tuple(
                    sorted(a for (a, _), c in zip(chosen, names, strict=True) if c not in markers)
                )
                return _Match(starts[0], max(b for _, b in chosen), tokens, starts, what or starts)
        return None

    def _verdict(
        self,
        words: Sequence[frozenset[str]],
        sentence: tuple[int, int],
        clauses: Sequence[tuple[int, int]],
        clause_of: dict[int, int],
        match: _Match,
        negatable: bool,
    ) -> str:
        lexicon = self.lexicon
        clause_start, _ = clauses[clause_of[match.start]]
        # A sign is in the past when every clause saying what it is is ("I used to choke"), not
        # when only the task is ("I used to manage the stairs, now I can't"); a time marker
        # ("now", "since") says when, not what ("when I was diagnosed I couldn't climb stairs,
        # now I can do two flights").
        parts = {clause_of[s] for s in match.what}
        in_past = all(self._past_clause(words, range(*clauses[c])) for c in parts)
        told_past = self._told_in_past(words, sentence, [range(*clauses[c]) for c in parts], match)
        if in_past or told_past or self._resolved(words, sentence, match.start):
            # "I used to choke", "had a chest infection in March, all cleared up"
            return "dismissed"
        if negatable and self._negated(words, clause_start, match):
            return "dismissed"
        cues = self._occurrences(words, clause_start, match.end, lexicon.hypothetical)
        if any(a < match.start for a, _ in cues):  # "what if my pee...", "how puffed should I get"
            return "uncertain"
        dreads = self._occurrences(words, clause_start, match.start, lexicon.dread)
        if any(self._has(words, range(b, match.start), lexicon.future) for _, b in dreads):
            return "uncertain"  # "terrified any cardio will leave me unable to breathe"
        whole = range(*sentence)
        if self._has(words, whole, lexicon.general) and not self._has(
            words, whole, lexicon.personal
        ):
            return "uncertain"
        return "current"

    def _in_past(self, words: Sequence[frozenset[str]], span: range) -> bool:
        """Whether the span is in the past ("last year"), not up to now ("for the last month")."""
        found = self._occurrences(words, span.start, span.stop, self.lexicon.history)
        return self._any_past_point(words, found)

    @staticmethod
    def _any_past_point(words: Sequence[frozenset[str]], times: Sequence[tuple[int, int]]) -> bool:
        """Whether any of the ``times`` found is a point in the past, not a time up to now.

        A time "ago" is a point in the past whatever comes before it but "since": "over ten years
        ago" is more than ten years ago, "since two years ago" runs up to now.
        """
        return any(
            not any(
                (ONGOING_BEFORE_AGO if "ago" in words[b - 1] else ONGOING) & words[i]
                for i in range(max(0, a - 2), a)
            )
            for a, b in times
        )

    def _past_clause(self, words: Sequence[frozenset[str]], span: range) -> bool:
        """Whether a clause is in the past: a past time, and no word for now after it.

        "my CK was huge last month and since this morning's walk my wee is brown" tells a past
        time and then a new one: the sign after "this morning" is now.
        """
        times = self._occurrences(words, span.start, span.stop, self.lexicon.history)
        if not self._any_past_point(words, times):
            return False
        first = min(b for _, b in times)
        return not self._has(words, range(first, span.stop), self.lexicon.present)

    def _told_in_past(
        self,
        words: Sequence[frozenset[str]],
        sentence: tuple[int, int],
        parts: Sequence[range],
        match: _Match,
    ) -> bool:
        """Whether a past time sets the whole sentence, and the sign in it, in the past.

        A story opens on when it happened and goes on in the past tense: "18 months ago my wife
        nearly died, she couldn't swallow without choking". Every clause of the sign must be told
        in the past tense and say nothing of now, and no contrast may come between the time and
        the sign ("a year ago I ran, but I couldn't get up from my chair").
        """
        lexicon = self.lexicon
        start, end = sentence
        frames = self._occurrences(words, start, end, lexicon.past_frame)
        if not self._any_past_point(words, frames):
            return False
        if any(
            not self._has(words, part, lexicon.past_told) or self._has(words, part, lexicon.present)
            for part in parts
        ):
            return False
        return any(
            not any(CONTRASTS & words[i] for i in range(min(b, match.start), max(a, match.start)))
            for a, b in frames
        )

    def _looks_back(self, words: Sequence[frozenset[str]], sentence: tuple[int, int]) -> bool:
        """Whether the sentence puts the one before it in the past ("that was months ago").

        It opens with a word for what was just said ("that", "it", "all that"), and says it has
        passed ("that's fine now", "it's never happened since") or is past without setting a good
        past against now ("that was months ago", not "it was fine a few months ago"); it neither
        denies that ("that wasn't long ago") nor says it came back ("... and it's back").
        Negations and recurrence words inside a resolution ("never happened since") are its own.
        """
        start, end = sentence
        lexicon = self.lexicon
        opening = self._occurrences(words, start, min(end, start + 3), lexicon.back_reference)
        if not any(a == start for a, _ in opening):
            return False
        resolutions = self._occurrences(words, start, end, lexicon.resolution)
        own = {i for a, b in resolutions for i in range(a, b)}

        def outside(phrases: tuple[Phrase, ...]) -> bool:
            found = self._occurrences(words, start, end, phrases)
            return any(not own.intersection(range(a, b)) for a, b in found)

        if outside(lexicon.negation) or outside(lexicon.recurrence):
            return False
        span = range(start, end)
        if self._resolved(words, sentence):
            return True
        return self._in_past(words, span) and not self._has(words, span, lexicon.good_state)

    def _resolved(
        self, words: Sequence[frozenset[str]], sentence: tuple[int, int], sign: int | None = None
    ) -> bool:
        """Whether the sentence says the sign has passed ("gone now"), and does not deny it.

        "it hasn't gone away" names the resolution only to say it has not come. Something that
        passed before a contrast is not the sign after it ("my cough went away but now my chest
        is tight"): a resolution before the sign (at ``sign``) with "but" or "now" between them
        does not count.
        """
        start, end = sentence
        negations = self._occurrences(words, start, end, self.lexicon.negation)

        def contrasted(a: int, b: int) -> bool:
            return (
                sign is not None and a < sign and any(CONTRASTS & words[i] for i in range(b, sign))
            )

        return any(
            not any(nb <= a and a - nb <= 2 for _, nb in negations) and not contrasted(a, b)
            for a, b in self._occurrences(words, start, end, self.lexicon.resolution)
        )

    def _negated(self, words: Sequence[frozenset[str]], clause_start: int, match: _Match) -> bool:
        """Whether a negation cancels the sign.

        It does shortly before the sign ("no chest pain") or within two words before one of its
        words ("my chest isn't tight"), but not inside a matched phrase ("can't breathe"). Two
        negations cancel when the later is "without": "I can't eat without choking" and "I never
        finish a meal without coughing" say the sign comes every time.
        """
        negations = [
            (a, b)
            for a, b in self._occurrences(words, clause_start, match.end, self.lexicon.negation)
            if not set(range(a, b)) & match.tokens
        ]
        withouts = [a for a, b in negations if "without" in words[a] and b <= match.start]
        if withouts and any(b <= withouts[-1] for _, b in negations):
            negations = [(a, b) for a, b in negations if a > withouts[-1]]
        reach = max(clause_start, match.start - NEGATION_REACH)
        for a, b in negations:
            if a < reach:
                continue
            if b <= match.start or any(0 <= s - b <= 2 for s in match.starts):
                return True
        return False

    def _has(
        self, words: Sequence[frozenset[str]], span: range, phrases: tuple[Phrase, ...]
    ) -> bool:
        return bool(self._occurrences(words, span.start, span.stop, phrases))


def _tokens_of(doc: Doc, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The token ranges of character ``spans`` of the doc's text (tokens starting inside)."""
    ranges = []
    for start, end in spans:
        inside = [t.i for t in doc if start <= t.idx < end]
        if inside:
            ranges.append((inside[0], inside[-1] + 1))
    return ranges


def _within(
    sentences: Sequence[tuple[int, int]], ranges: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The parts of ``sentences`` inside ``ranges`` (a sentence may cross a range's edge)."""
    return [
        (max(s, a), min(e, b)) for s, e in sentences for a, b in ranges if max(s, a) < min(e, b)
    ]
