"""Concept tagging of many texts at once, with numpy.

``Lexicon.tag`` reads one text word by word in Python, which is clear but slow when an index of
ten thousand offers is built: most of the time would go to looking up phrases word by word. This
module computes exactly the same mentions for a batch of texts (tests compare the two):

- the words of all texts are looked up in a per-language word table once (stem, folded word,
  whether a phrase needs the stem or the exact word), and their positions are computed with
  cumulative sums (positions jump by ``SENTENCE_GAP`` at each sentence, as in ``Stemmer``);
- the occurrences of the words phrases need are sorted by word, text and position; one-word
  phrases are then a lookup, and longer phrases one row per occurrence of their first word,
  with the nearest occurrence of each other word found for all rows at once (``searchsorted``);
- overlapping mentions of a concept count once (a running maximum per text and concept).

Tokens come out as ids of stems and folded words (``BatchTagger.stems``, ``.words``), which the
TF-IDF of ``ngrams.py`` reads without making a Python string list per record.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING

import numpy as np

from .text import _TARGET_MENTION, SENTENCE_GAP, fold, words_and_breaks

if TYPE_CHECKING:
    from .text import Lexicon

_WORD_LIMIT = 500_000  # distinct words remembered before the tables are started afresh
_DIGIT = re.compile(r"\d")
_BREAK = 0  # the id of "", which stands for a sentence break


class Strings:
    """Distinct strings numbered in order of arrival (stems or folded words of all languages)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.strings: list[str] = []

    def id(self, string: str) -> int:
        found = self.ids.get(string)
        if found is None:
            found = self.ids[string] = len(self.strings)
            self.strings.append(string)
        return found


@dataclass(slots=True)
class TaggedTexts:
    """Tokens and concept counts of a batch of texts in one language."""

    ptr: np.ndarray  # the content words of text t are tokens ptr[t]:ptr[t + 1]
    stems: np.ndarray  # per token: id of its stem in BatchTagger.stems
    words: np.ndarray  # per token: id of the folded word in BatchTagger.words
    counts: np.ndarray  # texts x concepts (columns in Lexicon order): direct mentions


class _Phrases:
    """The phrases of one language, numbered for numpy."""

    def __init__(self, lexicon: Lexicon, language: str) -> None:
        anchors = lexicon._anchors[language]
        column = lexicon.column
        keys: dict[str, int] = {}
        for anchor, phrases in anchors.items():
            keys.setdefault(anchor, len(keys))
            for phrase in phrases:
                for other in phrase.others:
                    keys.setdefault(other, len(keys))
        self.keys = keys
        singles: list[list[int]] = [[] for _ in keys]
        multi: list[tuple[int, tuple[int, ...], int, int]] = []
        for anchor, phrases in anchors.items():
            for phrase in phrases:
                if phrase.others:
                    others = tuple(keys[o] for o in phrase.others)
                    multi.append((keys[anchor], others, phrase.span, column[phrase.concept]))
                else:
                    singles[keys[anchor]].append(column[phrase.concept])
        self.singles_count = np.array([len(s) for s in singles], dtype=np.int64)
        self.singles_start = np.concatenate(([0], np.cumsum(self.singles_count)))[:-1]
        self.singles = np.array([c for s in singles for c in s], dtype=np.int64)
        self.multi = multi
        width = max((1 + len(o) for _, o, _, _ in multi), default=1)
        # every word of each longer phrase, padded with -1: which phrases can occur in a batch
        self.multi_words = np.full((len(multi), width), -1, dtype=np.int64)
        for n, (anchor, others, _, _) in enumerate(multi):
            self.multi_words[n, : 1 + len(others)] = (anchor, *others)
        self.max_span = max((span for _, _, span, _ in multi), default=1)
        self.multi_anchor = self.multi_words[:, 0].copy()
        self.multi_others = self.multi_words[:, 1:].copy()  # -1 after the last other word
        self.multi_span = np.array([span for _, _, span, _ in multi], dtype=np.int64)
        self.multi_concept = np.array([concept for _, _, _, concept in multi], dtype=np.int64)
        # the word table: every word met so far, with what tagging needs to know of it
        self.word_ids: dict[str, int] = {}
        self._tables: list[list] = [[] for _ in range(5)]  # content?, keys, stem and word ids
        self._arrays: tuple[np.ndarray, ...] | None = None
        self.clear()

    def clear(self) -> None:
        """Forget every word but the sentence break "" (id _BREAK)."""
        self.word_ids = {"": _BREAK}
        self._tables = [[False], [-1], [-1], [-1], [-1]]
        self._arrays = None

    def add_words(self, tagger: BatchTagger, language: str, words: set[str]) -> None:
        content, key, exact, stem_id, word_id = self._tables
        for word in sorted(words):
            analysed = tagger.lexicon.stemmer.analyse_word(word, language)
            self.word_ids[word] = len(self.word_ids)
            stem, folded = analysed if analysed is not None else ("", "")
            content.append(analysed is not None)
            key.append(self.keys.get(stem, -1) if analysed is not None else -1)
            exact.append(self.keys.get("=" + folded, -1) if analysed is not None else -1)
            stem_id.append(tagger.stems.id(stem) if analysed is not None else -1)
            word_id.append(tagger.words.id(folded) if analysed is not None else -1)
        self._arrays = None

    def arrays(self) -> tuple[np.ndarray, ...]:
        """Per word id: content?, phrase key of its stem, phrase key of the exact word (-1:
        none), id of its stem and id of its folded word (BatchTagger.stems, .words)."""
        if self._arrays is None:
            self._arrays = tuple(
                np.array(table, dtype=bool if n == 0 else np.int64)
                for n, table in enumerate(self._tables)
            )
        return self._arrays


class BatchTagger:
    """Tags batches of texts; one per Lexicon (see ``Lexicon.analyse_many``)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._languages: dict[str, _Phrases] = {}
        self.stems = Strings()
        self.words = Strings()
        self.lock = threading.RLock()  # held from begin() to the end of a batch
        self._targets = np.array(
            [lexicon.column.get(f"GBF-T{n}", -1) for n in range(24)], dtype=np.int64
        )

    def begin(self) -> None:
        """Call before a batch of ``tag`` calls whose ids are used together: the tables are
        started afresh here (never in the middle) once they hold too many words."""
        if len(self.words.strings) + len(self.stems.strings) > _WORD_LIMIT:
            self.stems, self.words = Strings(), Strings()  # new objects: old batches keep theirs
            for phrases in self._languages.values():
                phrases.clear()

    def _phrases(self, language: str) -> _Phrases:
        phrases = self._languages.get(language)
        if phrases is None:
            phrases = self._languages[language] = _Phrases(self.lexicon, language)
        return phrases

    def tag(self, texts: Sequence[str], language: str) -> TaggedTexts:
        """Tokens and direct concept mentions of ``texts`` (as ``Lexicon.tag`` of each)."""
        phrases = self._phrases(language)
        n_texts = len(texts)
        counts = np.zeros((n_texts, len(self.lexicon.column)))
        # Words of all texts in one list, "" at each sentence break.
        flat: list[str] = []
        sizes: list[int] = []
        for text in texts:
            part = words_and_breaks(text)
            flat += part
            sizes.append(len(part))
        new = set(flat).difference(phrases.word_ids)
        if new:
            phrases.add_words(self, language, new)
        ids = np.fromiter(
            map(phrases.word_ids.get, flat, repeat(-1)), dtype=np.int64, count=len(flat)
        )
        is_content, _, _, stem_id, word_id = phrases.arrays()
        # Position of a content word: its rank among the content words of its text, plus
        # SENTENCE_GAP for each sentence break before it in its text.
        text_of = np.repeat(np.arange(n_texts), sizes)
        text_start = np.concatenate(([0], np.cumsum(sizes)))[:-1]
        breaks = np.concatenate(([0], np.cumsum(ids == _BREAK)))
        content_mask = is_content[ids]
        ranks = np.concatenate(([0], np.cumsum(content_mask)))
        content = np.flatnonzero(content_mask)
        token_text = text_of[content]
        bounds = ranks[np.append(text_start, len(flat))]  # content words of text t: [b[t], b[t+1])
        token_position = (
            np.arange(len(content))
            - bounds[token_text]
            + SENTENCE_GAP * (breaks[content] - breaks[text_start][token_text])
        )
        token_word = ids[content]
        if len(content):
            self._count_phrases(phrases, token_word, token_text, token_position, counts)
        self._count_targets(texts, counts)
        return TaggedTexts(bounds, stem_id[token_word], word_id[token_word], counts)

    def _count_phrases(
        self,
        phrases: _Phrases,
        token_word: np.ndarray,
        token_text: np.ndarray,
        token_position: np.ndarray,
        counts: np.ndarray,
    ) -> None:
        _, stem_key, exact_key, _, _ = phrases.arrays()
        # Occurrences of the words phrases need, by word, then text, then position.
        keys = [stem_key[token_word], exact_key[token_word]]
        needed = [k >= 0 for k in keys]
        key = np.concatenate([k[m] for k, m in zip(keys, needed, strict=True)])
        text = np.concatenate([token_text[m] for m in needed])
        position = np.concatenate([token_position[m] for m in needed])
        if not len(key):
            return
        order = np.argsort(key, kind="stable")  # each kind of key was in text order already
        key, text, position = key[order], text[order], position[order]
        stride = int(position.max()) + phrases.max_span + 2  # texts never meet within a span
        place = text * stride + position
        start = np.searchsorted(key, np.arange(len(phrases.keys) + 1))
        events_text: list[np.ndarray] = []
        events_concept: list[np.ndarray] = []
        events_lo: list[np.ndarray] = []
        events_hi: list[np.ndarray] = []
        # One-word phrases: each occurrence of the word, for each of its concepts.
        n_singles = phrases.singles_count[key]
        if n_singles.any():
            which = np.repeat(np.arange(len(key)), n_singles)
            offset = np.arange(len(which)) - np.repeat(np.cumsum(n_singles) - n_singles, n_singles)
            events_text.append(text[which])
            events_concept.append(phrases.singles[phrases.singles_start[key[which]] + offset])
            events_lo.append(position[which])
            events_hi.append(position[which])
        # Longer phrases whose words all occur in the batch, at every occurrence of their first
        # word (one row each): for each other word, the nearest occurrence (the earlier one on a
        # tie), found for all rows at once in the occurrences sorted by (word, place).
        present = np.append(start[1:] > start[:-1], True)  # the -1 padding counts as present
        possible = np.flatnonzero(present[phrases.multi_words].all(axis=1))
        if len(possible):
            anchors = phrases.multi_anchor[possible]
            per_phrase = start[anchors + 1] - start[anchors]
            row_phrase = np.repeat(possible, per_phrase)
            row = np.repeat(start[anchors] - (np.cumsum(per_phrase) - per_phrase), per_phrase)
            row += np.arange(len(row))  # the occurrence of the first word
            anchor_place = place[row]
            lo, hi = anchor_place.copy(), anchor_place.copy()
            span = phrases.multi_span[row_phrase]
            ok = np.ones(len(row), dtype=bool)
            scale = int(place.max()) + 1
            ordered = key * scale + place  # ascending
            far = np.int64(scale)
            for slot in range(phrases.multi_others.shape[1]):
                other = phrases.multi_others[row_phrase, slot]
                at = np.flatnonzero(other >= 0)
                if not len(at):
                    break
                other, here = other[at], anchor_place[at]
                after = np.searchsorted(ordered, other * scale + here)
                left = place[np.maximum(after - 1, 0)]
                right = place[np.minimum(after, len(place) - 1)]
                to_left = np.where(after > start[other], here - left, far)
                to_right = np.where(after < start[other + 1], right - here, far)
                use_left = to_left <= to_right
                ok[at] &= np.where(use_left, to_left, to_right) <= span[at]
                nearest = np.where(use_left, left, right)
                lo[at] = np.minimum(lo[at], nearest)
                hi[at] = np.maximum(hi[at], nearest)
            found = np.flatnonzero(ok & (hi - lo <= span))
            if len(found):
                found_text = text[row[found]]
                events_text.append(found_text)
                events_concept.append(phrases.multi_concept[row_phrase[found]])
                events_lo.append(lo[found] - found_text * stride)
                events_hi.append(hi[found] - found_text * stride)
        if not events_text:
            return
        ev_text = np.concatenate(events_text)
        ev_concept = np.concatenate(events_concept)
        ev_lo = np.concatenate(events_lo)
        ev_hi = np.concatenate(events_hi)
        # Mentions of a concept in a text: spans merged where they overlap, in order.
        n_concepts, size = counts.shape[1], int(ev_hi.max()) + 1
        if len(counts) * n_concepts * size * size < 2**62:  # one int64 key suffices
            order = np.argsort(((ev_text * n_concepts + ev_concept) * size + ev_lo) * size + ev_hi)
        else:
            order = np.lexsort((ev_hi, ev_lo, ev_concept, ev_text))
        ev_text, ev_concept = ev_text[order], ev_concept[order]
        ev_lo, ev_hi = ev_lo[order], ev_hi[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = (ev_text[1:] != ev_text[:-1]) | (ev_concept[1:] != ev_concept[:-1])
        group = np.cumsum(first) - 1
        shift = group * (int(ev_hi.max()) + 2)  # later groups above earlier ones
        reach = np.maximum.accumulate(ev_hi + shift)
        before = np.concatenate(([-1], reach[:-1]))
        new_mention = first | (ev_lo + shift > before)
        starts = np.flatnonzero(first)
        counts[ev_text[starts], ev_concept[starts]] = np.add.reduceat(
            new_mention.astype(np.int64), starts
        )

    def _count_targets(self, texts: Sequence[str], counts: np.ndarray) -> None:
        """Targets named by number ("target 6", "cible 6", "meta 6", "GBF-T6")."""
        targets = self._targets
        for t, text in enumerate(texts):
            folded = fold(text)
            if _DIGIT.search(folded) is None:  # the mentions name a number
                continue
            for match in _TARGET_MENTION.finditer(folded):
                number = int(match.group(1) or match.group(2))
                if 1 <= number <= 23 and targets[number] >= 0:
                    counts[t, targets[number]] += 1.0
