"""OfferIndex: eligibility (hard constraints) and ranking of offers for needs.

The score of an offer for a need combines similarities in [0, 1]:

- structured: per facet (thematic areas, targets, support types, capacity levels), the cosine of
  IDF-weighted code vectors; codes listed on a record weigh 1, codes inferred from its text less;
- topics: the cosine of the finer concepts both texts mention (language-neutral: a French need
  meets an English offer here);
- text: between texts in the same language, the word TF-IDF cosine of title and description;
  across languages, the TF-IDF cosine of character n-grams (cognates such as "restauration" and
  "restoration"), with the weights re-normalised.

A share of the score depends on the language fit (is the requester's primary language offered?).
Every output is independent of the order of the records' lists (the portal stores them as
relations, which lose their order).
Ineligible offers are never returned, whatever their score. See docs/matching.md.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer

from .geography import Geography, region_code
from .ngrams import Ragged, RaggedTfidf, char_ngram_tfidf
from .records import NeedRecord, OfferRecord, Reason, RecordId, Suggestion
from .text import (
    CAPACITY_LEVEL,
    SUPPORT_TYPE,
    TARGET,
    THEMATIC_AREA,
    TOPIC,
    Lexicon,
    TextBatch,
)

ALGORITHM_VERSION = "concepts-tfidf-2"

# facet (record field) -> (concept kind, reason code)
FACETS: dict[str, tuple[str, str]] = {
    "thematic_areas": (THEMATIC_AREA, "thematic_area"),
    "targets": (TARGET, "target"),
    "support_types": (SUPPORT_TYPE, "support_type"),
    "capacity_levels": (CAPACITY_LEVEL, "capacity_level"),
}
MAX_REASONS = 5
_NO_DATE_MIN, _NO_DATE_MAX = date.min.toordinal(), date.max.toordinal()


@dataclass(frozen=True, slots=True)
class Weights:
    """How the similarities combine. Changing a value changes scores: bump ALGORITHM_VERSION."""

    structured: float = 0.40
    topics: float = 0.35
    text: float = 0.25  # word cosine, same language
    cross_language_text: float = 0.40  # character n-gram cosine, across languages (re-normalised)
    facets: dict[str, float] = field(
        default_factory=lambda: {
            "thematic_areas": 0.40,
            "targets": 0.25,
            "support_types": 0.25,
            "capacity_levels": 0.10,
        }
    )
    inferred: float = 0.5  # a code inferred from the text, when the record lists none of the facet
    inferred_extra: float = 0.25  # ... when it lists some: the listed codes are authoritative
    language: float = 0.15  # share of the score scaled by the language fit
    similar_text: float = 0.15  # word cosine from which "similar_text" is given as a reason
    min_reason: float = 0.01  # contributions below this are not worth a reason


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while an index is built.

    Reading ten thousand texts allocates millions of small acyclic objects (word lists,
    arrays); the collector's passes over them find nothing and cost about 15% of the build.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(slots=True)
class _Profile:
    """What the engine reads from one record."""

    language: str  # analysis language (en/fr/es)
    explicit: dict[str, frozenset[str]]  # facet -> codes listed on the record


@dataclass(slots=True)
class _NeedBlock:
    """A chunk of needs with their vectors, scored together."""

    needs: list[NeedRecord]
    profiles: list[_Profile]
    structured: np.ndarray
    topics: sp.csr_matrix
    words: sp.csr_matrix
    chars: sp.csr_matrix


def _codes_of(facet: str, codes: Iterable[str]) -> frozenset[str]:
    if facet == "targets":
        return frozenset(c.strip().upper() for c in codes if c.strip())
    return frozenset(c.strip() for c in codes if c.strip())


def _working_languages(need: NeedRecord) -> tuple[str | None, frozenset[str]]:
    """(primary language, working languages) of a requester, whatever the order of the list.

    The portal stores the languages as a relation, which loses their order: the primary
    language is the one the need is written in, when it is listed (or nothing is listed);
    otherwise there is none and every listed language counts the same.
    """
    written = need.language.strip().lower()
    listed = frozenset(lang.strip().lower() for lang in need.languages if lang.strip())
    if not listed:
        return written, frozenset((written,))
    return (written if written in listed else None), listed


def _row(matrix: sp.csr_matrix, i: int) -> dict[int, float]:
    start, end = matrix.indptr[i], matrix.indptr[i + 1]
    return dict(
        zip(matrix.indices[start:end].tolist(), matrix.data[start:end].tolist(), strict=True)
    )


class OfferIndex:
    """Offers prepared for ranking; build once, then rank any number of needs."""

    def __init__(
        self,
        offers: Sequence[OfferRecord],
        geography: Geography,
        lexicon: Lexicon,
        weights: Weights,
    ) -> None:
        self.offers: tuple[OfferRecord, ...] = tuple(offers)
        self.offer_ids: tuple[RecordId, ...] = tuple(o.id for o in self.offers)
        if len({str(i) for i in self.offer_ids}) != len(self.offer_ids):
            raise ValueError("offer ids must be unique (compared as strings)")
        self.geography, self.lexicon, self.weights = geography, lexicon, weights
        self._position = {str(i): n for n, i in enumerate(self.offer_ids)}
        # Ties are broken by offer id as a string, ascending.
        self._tiebreak = np.argsort(np.argsort(np.array([str(i) for i in self.offer_ids])))
        # lexicon columns and codes of the concepts of each facet's kind
        self._kind_columns: dict[str, tuple[list[int], list[str]]] = {}
        for facet, (kind, _) in FACETS.items():
            found = sorted(
                (c.code, lexicon.column[c.key]) for c in lexicon.concepts.values() if c.kind == kind
            )
            self._kind_columns[facet] = ([col for _, col in found], [code for code, _ in found])
        self._kind_codes = {
            facet: frozenset(codes) for facet, (_, codes) in self._kind_columns.items()
        }
        self._profiles, batch = self._read(self.offers)
        self._language_ids: dict[str, int] = {}
        self._offer_language = self._language_codes(self._profiles)
        self._build_structured(batch.concepts)
        self._build_topics(batch.concepts)
        self._build_text(batch)
        self._build_eligibility()

    @classmethod
    def build(
        cls,
        offers: Iterable[OfferRecord],
        geography: Geography | None = None,
        *,
        lexicon: Lexicon | None = None,
        weights: Weights | None = None,
    ) -> OfferIndex:
        """Index ``offers``; the reference geography and lexicon are used unless given."""
        with _gc_paused():
            return cls(
                list(offers),
                geography or Geography.from_reference(),
                lexicon or Lexicon.default(),
                weights or Weights(),
            )

    def __len__(self) -> int:
        return len(self.offers)

    # Reading records -------------------------------------------------------------------------

    def _read(
        self, records: Sequence[OfferRecord | NeedRecord]
    ) -> tuple[list[_Profile], TextBatch]:
        """Profiles of ``records``, and what their texts say (tokens, concept weights)."""
        batch = self.lexicon.analyse_batch([(r.title, r.description, r.language) for r in records])
        profiles = [
            _Profile(language, {facet: _codes_of(facet, getattr(r, facet)) for facet in FACETS})
            for r, language in zip(records, batch.languages, strict=True)
        ]
        return profiles, batch

    @staticmethod
    def _documents(batch: TextBatch) -> tuple[Ragged, Ragged]:
        """(stems of the title twice and the description, words of title and description)."""
        stems = batch.title_stems.joined(batch.title_stems, batch.description_stems)
        return stems, batch.title_words.joined(batch.description_words)

    def _language_codes(self, profiles: list[_Profile]) -> np.ndarray:
        ids = self._language_ids
        return np.array([ids.setdefault(p.language, len(ids)) for p in profiles], dtype=np.int32)

    # Building --------------------------------------------------------------------------------

    def _build_structured(self, concepts: sp.csr_matrix) -> None:
        """Per-facet IDF-weighted, normalised code vectors, side by side in one dense matrix."""
        self._facet_columns: dict[str, dict[str, int]] = {}
        self._columns: list[tuple[str, str]] = []  # column -> (facet, code)
        df: list[np.ndarray] = []
        for facet in FACETS:
            codes = set(self._kind_columns[facet][1])
            for p in self._profiles:
                codes.update(p.explicit[facet])
            local = {code: n for n, code in enumerate(sorted(codes))}
            self._facet_columns[facet] = {code: len(self._columns) + n for code, n in local.items()}
            self._columns += [(facet, code) for code in local]
            # offers with the code, listed or inferred
            values = self._facet_values(self._profiles, concepts, facet, local, len(local))
            df.append(np.count_nonzero(values, axis=0))
        n = len(self._profiles)
        self._idf = np.log((1.0 + n) / (1.0 + np.concatenate(df).astype(float))) + 1.0
        self._idf_unknown = math.log(1.0 + n) + 1.0  # a code no offer has
        self._structured = self._structured_rows(self._profiles, concepts)

    def _facet_values(
        self,
        profiles: list[_Profile],
        concepts: sp.csr_matrix,
        facet: str,
        columns: dict[str, int],
        width: int,
    ) -> np.ndarray:
        """Code weights of one facet: listed codes 1, codes inferred from the text less.

        Rows: ``profiles``; columns: ``columns`` (code -> column, < ``width``).
        """
        values = np.zeros((len(profiles), width))
        lexicon_columns, lexicon_codes = self._kind_columns[facet]
        if lexicon_columns and len(profiles):
            listed = np.array([bool(p.explicit[facet]) for p in profiles])
            share = np.where(listed, self.weights.inferred_extra, self.weights.inferred)
            inferred = concepts[:, lexicon_columns].toarray()
            values[:, [columns[code] for code in lexicon_codes]] = share[:, None] * np.minimum(
                1.0, inferred
            )
        for i, p in enumerate(profiles):
            for code in p.explicit[facet]:
                values[i, columns[code]] = 1.0
        return values

    def _structured_rows(self, profiles: list[_Profile], concepts: sp.csr_matrix) -> np.ndarray:
        rows = np.zeros((len(profiles), len(self._columns)))
        for facet in FACETS:
            known = self._facet_columns[facet]
            listed = {code for p in profiles for code in p.explicit[facet]}
            # codes no offer has count in the norm only; all in code order, so that the sums
            # are the same whatever the records around
            codes = sorted({*known, *listed})
            local = {code: n for n, code in enumerate(codes)}
            values = self._facet_values(profiles, concepts, facet, local, len(codes))
            values *= np.array(
                [self._idf[known[c]] if c in known else self._idf_unknown for c in codes]
            )
            norm2 = np.zeros(len(profiles))
            for n in range(len(codes)):
                norm2 += values[:, n] * values[:, n]
            scale = np.zeros(len(profiles))
            positive = norm2 > 0
            scale[positive] = np.sqrt(self.weights.facets.get(facet, 0.0) / norm2[positive])
            for code, column in known.items():
                rows[:, column] = values[:, local[code]] * scale
        return rows

    def _build_topics(self, concepts: sp.csr_matrix) -> None:
        keys = sorted(c.code for c in self.lexicon.concepts.values() if c.kind == TOPIC)
        self._topic_keys = keys
        self._topic_lexicon_columns = [self.lexicon.column[key] for key in keys]
        self._topic_tfidf: TfidfTransformer | None = None
        if self._profiles and keys:
            self._topic_tfidf = TfidfTransformer()
            self._topics = self._topic_tfidf.fit_transform(self._topic_counts(concepts))
        else:
            self._topics = sp.csr_matrix((len(self._profiles), len(keys)))
        self._topics = sp.csr_matrix(self._topics)
        self._topics_t = self._topics.T.tocsr()

    def _topic_counts(self, concepts: sp.csr_matrix) -> sp.csr_matrix:
        counts = sp.csr_matrix(concepts[:, self._topic_lexicon_columns])
        counts.sort_indices()
        # sublinear like term frequencies; implied-only weights (< 1) stay as they are
        whole = np.flatnonzero(counts.data >= 1.0)
        counts.data[whole] = [1.0 + math.log(w) for w in counts.data[whole].tolist()]
        return counts

    def _topic_rows(self, concepts: sp.csr_matrix) -> sp.csr_matrix:
        if self._topic_tfidf is None:
            return sp.csr_matrix((concepts.shape[0], len(self._topic_keys)))
        return sp.csr_matrix(self._topic_tfidf.transform(self._topic_counts(concepts)))

    def _build_text(self, batch: TextBatch) -> None:
        stems, words = self._documents(batch)
        self._word_vectorizer = RaggedTfidf()
        # Character n-grams found in many offers say nothing about cognates but cost the most
        # in the sparse products: keep those in at most 5% of offers (at least 20).
        self._char_vectorizer = char_ngram_tfidf((4, 5), max(20, len(self._profiles) // 20))
        self._words = self._fit(self._word_vectorizer, stems)
        self._chars = self._fit(self._char_vectorizer, words)
        self._words_t, self._chars_t = self._words.T.tocsr(), self._chars.T.tocsr()

    @staticmethod
    def _fit(vectorizer: RaggedTfidf, documents: Ragged) -> sp.csr_matrix:
        try:
            return vectorizer.fit_transform(documents)
        except ValueError:  # no offers, or no words at all
            vectorizer.vocabulary_ = {}
            return sp.csr_matrix((len(documents), 0))

    def _build_eligibility(self) -> None:
        offers = self.offers
        self._open_geo = np.array(
            [not (o.eligible_countries or o.eligible_regions or o.eligible_groups) for o in offers],
            dtype=bool,
        )
        areas: dict[str, list[int]] = {}
        for i, o in enumerate(offers):
            keys = {f"C:{c.strip().upper()}" for c in o.eligible_countries}
            keys |= {f"R:{region_code(r)}" for r in o.eligible_regions}
            keys |= {f"G:{g.strip().upper()}" for g in o.eligible_groups}
            for key in keys:
                areas.setdefault(key, []).append(i)
        self._areas = {k: np.array(v, dtype=np.intp) for k, v in areas.items()}
        self._any_language = np.array([not o.languages for o in offers], dtype=bool)
        languages: dict[str, list[int]] = {}
        delivered: dict[str, list[int]] = {}  # for the language fit: listed, else the text's
        for i, o in enumerate(offers):
            listed = {lang.strip().lower() for lang in o.languages}
            for lang in listed:
                languages.setdefault(lang, []).append(i)
            for lang in listed or {o.language.strip().lower()}:
                delivered.setdefault(lang, []).append(i)
        self._languages = {k: np.array(v, dtype=np.intp) for k, v in languages.items()}
        self._delivered = {k: np.array(v, dtype=np.intp) for k, v in delivered.items()}
        self._from = np.array(
            [o.available_from.toordinal() if o.available_from else _NO_DATE_MIN for o in offers],
            dtype=np.int64,
        )
        self._until = np.array(
            [o.available_until.toordinal() if o.available_until else _NO_DATE_MAX for o in offers],
            dtype=np.int64,
        )
        self._has_capacity = np.array(
            [o.remaining_capacity is None or o.remaining_capacity > 0 for o in offers], dtype=bool
        )
        self._geo_cache: dict[str, np.ndarray] = {}
        self._language_cache: dict[frozenset[str], np.ndarray] = {}
        self._date_cache: dict[date, np.ndarray] = {}
        self._fit_cache: dict[tuple[str | None, frozenset[str]], np.ndarray] = {}

    # Eligibility -----------------------------------------------------------------------------

    def _geo_mask(self, country: str) -> np.ndarray:
        country = country.strip().upper()
        mask = self._geo_cache.get(country)
        if mask is None:
            mask = self._open_geo.copy()
            keys = [f"C:{country}"]
            keys += [f"R:{r}" for r in self.geography.regions_of(country)]
            keys += [f"G:{g}" for g in self.geography.groups_of(country)]
            for key in keys:
                if key in self._areas:
                    mask[self._areas[key]] = True
            self._geo_cache[country] = mask
        return mask

    def _language_mask(self, languages: Iterable[str]) -> np.ndarray:
        wanted = frozenset(lang.strip().lower() for lang in languages if lang.strip())
        mask = self._language_cache.get(wanted)
        if mask is None:
            if not wanted:
                mask = np.ones(len(self.offers), dtype=bool)
            else:
                mask = self._any_language.copy()
                for lang in wanted:
                    if lang in self._languages:
                        mask[self._languages[lang]] = True
            self._language_cache[wanted] = mask
        return mask

    def _date_mask(self, as_of: date) -> np.ndarray:
        """Available at ``as_of`` (bounds included) and with capacity left."""
        mask = self._date_cache.get(as_of)
        if mask is None:
            day = as_of.toordinal()
            mask = (self._from <= day) & (day <= self._until) & self._has_capacity
            if len(self._date_cache) > 16:
                self._date_cache.clear()
            self._date_cache[as_of] = mask
        return mask

    def eligible_mask(self, need: NeedRecord, *, as_of: date) -> np.ndarray:
        """Which offers (in ``offer_ids`` order) the need may be offered at ``as_of``."""
        return (
            self._geo_mask(need.country)
            & self._language_mask(need.languages)
            & self._date_mask(as_of)
        )

    # Scoring ---------------------------------------------------------------------------------

    def _need_block(self, needs: Sequence[NeedRecord]) -> _NeedBlock:
        profiles, batch = self._read(needs)
        stems, words = self._documents(batch)
        return _NeedBlock(
            needs=list(needs),
            profiles=profiles,
            structured=self._structured_rows(profiles, batch.concepts),
            topics=self._topic_rows(batch.concepts),
            words=self._word_vectorizer.transform(stems),
            chars=self._char_vectorizer.transform(words),
        )

    def _language_fit(self, need: NeedRecord) -> np.ndarray:
        """Per offer: 1 if delivered in the requester's primary language (or, when the need has
        none, in any of its languages), 0.7 in another of its languages, 0.4 otherwise."""
        primary, spoken = _working_languages(need)
        key = (primary, spoken)
        fit = self._fit_cache.get(key)
        if fit is None:
            fit = np.full(len(self.offers), 0.4)
            other = 0.7 if primary is not None else 1.0
            for lang in sorted(spoken - {primary}):
                if lang in self._delivered:
                    fit[self._delivered[lang]] = other
            if primary in self._delivered:
                fit[self._delivered[primary]] = 1.0
            if len(self._fit_cache) > 256:
                self._fit_cache.clear()
            self._fit_cache[key] = fit
        return fit

    def _scores(
        self, block: _NeedBlock, columns: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(scores, same-language word cosines) of the block's needs against the offers.

        Rows are needs; columns all offers, or those given.
        """
        w = self.weights
        if columns is None:
            structured, topics_t = self._structured, self._topics_t
            words_t, chars_t, offer_language = self._words_t, self._chars_t, self._offer_language
        else:
            structured, topics_t = self._structured[columns], self._topics[columns].T.tocsr()
            words_t, chars_t = self._words[columns].T.tocsr(), self._chars[columns].T.tocsr()
            offer_language = self._offer_language[columns]
        shape = (len(block.needs), structured.shape[0])
        s_struct = block.structured @ structured.T
        s_topic = (block.topics @ topics_t).toarray()
        s_word = (block.words @ words_t).toarray() if words_t.shape[0] else np.zeros(shape)
        s_char = (block.chars @ chars_t).toarray() if chars_t.shape[0] else np.zeros(shape)
        same = self._language_codes(block.profiles)[:, None] == offer_language[None, :]
        s_word *= same
        common = w.structured * s_struct + w.topics * s_topic
        cross = (common + w.cross_language_text * s_char) / (
            w.structured + w.topics + w.cross_language_text
        )
        content = np.where(same, common + w.text * s_word, cross)
        fit = np.vstack([self._language_fit(need) for need in block.needs])
        if columns is not None:
            fit = fit[:, columns]
        scores = content * (1.0 - w.language + w.language * fit)
        return np.clip(scores, 0.0, 1.0), s_word

    def _top(self, scores: np.ndarray, eligible: np.ndarray, top: int) -> list[int]:
        """Positions of the ``top`` best eligible offers with a positive score, best first."""
        rounded = np.round(scores, 4)
        candidates = np.flatnonzero(eligible & (rounded > 0))
        if top <= 0 or candidates.size == 0:
            return []
        values = rounded[candidates]
        if candidates.size > top:
            kth = np.partition(values, -top)[-top]
            keep = values >= kth  # every offer tied with the last one competes on its id
            candidates, values = candidates[keep], values[keep]
        order = np.lexsort((self._tiebreak[candidates], -values))[:top]
        return [int(i) for i in candidates[order]]

    def rank(self, need: NeedRecord, *, as_of: date, top: int = 10) -> list[Suggestion]:
        """The best eligible offers for ``need``, best first."""
        return next(self.rank_many([need], as_of=as_of, top=top))[1]

    def rank_many(
        self,
        needs: Iterable[NeedRecord],
        *,
        as_of: date,
        top: int = 10,
        chunk_size: int = 256,
    ) -> Iterator[tuple[RecordId, list[Suggestion]]]:
        """(need id, suggestions) for every need, in order; computed chunk by chunk."""
        chunk: list[NeedRecord] = []
        for need in needs:
            chunk.append(need)
            if len(chunk) >= chunk_size:
                yield from self._rank_chunk(chunk, as_of, top)
                chunk = []
        if chunk:
            yield from self._rank_chunk(chunk, as_of, top)

    def _rank_chunk(
        self, needs: list[NeedRecord], as_of: date, top: int
    ) -> Iterator[tuple[RecordId, list[Suggestion]]]:
        if not self.offers:
            for need in needs:
                yield need.id, []
            return
        block = self._need_block(needs)
        scores, word_similarity = self._scores(block)
        for i, need in enumerate(needs):
            chosen = self._top(scores[i], self.eligible_mask(need, as_of=as_of), top)
            need_topics = _row(block.topics, i) if chosen else {}
            yield (
                need.id,
                [
                    Suggestion(
                        offer_id=self.offer_ids[j],
                        score=round(float(scores[i, j]), 4),
                        reasons=self._reasons(
                            block, i, j, need_topics, float(word_similarity[i, j])
                        ),
                    )
                    for j in chosen
                ],
            )

    def score_offer(
        self, offer_id: RecordId, needs: Iterable[NeedRecord], *, as_of: date
    ) -> dict[RecordId, float]:
        """The score of one offer for each need (0.0 where the need may not be offered it)."""
        position = self._position.get(str(offer_id))
        if position is None:
            raise KeyError(f"offer {offer_id!r} is not in the index")
        needs, out = list(needs), {}
        column = np.array([position])
        for start in range(0, len(needs), 1024):
            chunk = needs[start : start + 1024]
            scores = self._scores(self._need_block(chunk), column)[0][:, 0]
            for need, score in zip(chunk, scores, strict=True):
                eligible = self.eligible_mask(need, as_of=as_of)[position]
                out[need.id] = round(float(score), 4) if eligible else 0.0
        return out

    # Reasons ---------------------------------------------------------------------------------

    def _reasons(
        self,
        block: _NeedBlock,
        i: int,
        j: int,
        need_topics: dict[int, float],
        word_similarity: float,
    ) -> tuple[Reason, ...]:
        """The largest contributions to the score, then the shared language."""
        w = self.weights
        profile, offer_profile = block.profiles[i], self._profiles[j]
        same_language = profile.language == offer_profile.language
        # Across languages the shares are re-normalised, as in _scores.
        scale = 1.0 if same_language else 1.0 / (w.structured + w.topics + w.cross_language_text)
        found: dict[Reason, float] = {}
        products = block.structured[i] * self._structured[j]
        for col in np.flatnonzero(products > 0):
            facet, code = self._columns[col]
            if code not in self._kind_codes[facet]:
                continue  # a code the vocabularies do not know: there is no label to show
            listed = code in profile.explicit[facet] or code in offer_profile.explicit[facet]
            reason = Reason(FACETS[facet][1], code) if listed else Reason("topic", code)
            found[reason] = found.get(reason, 0.0) + scale * w.structured * float(products[col])
        offer_topics = _row(self._topics, j)
        for col, value in need_topics.items():
            if col in offer_topics:
                reason = Reason("topic", self._topic_keys[col])
                found[reason] = (
                    found.get(reason, 0.0) + scale * w.topics * value * offer_topics[col]
                )
        if same_language and word_similarity >= w.similar_text:
            found[Reason("similar_text")] = w.text * word_similarity
        ranked = sorted(
            ((c, r) for r, c in found.items() if c >= w.min_reason),
            key=lambda cr: (-cr[0], cr[1].code, cr[1].value),
        )
        reasons = [reason for _, reason in ranked[: MAX_REASONS - 1]]
        language = self._shared_language(block.needs[i], self.offers[j])
        if language:
            reasons.append(Reason("language", language))
        return tuple(reasons)

    @staticmethod
    def _shared_language(need: NeedRecord, offer: OfferRecord) -> str | None:
        """The requester's primary language if the offer is delivered in it, else the first
        (alphabetically) of its other languages that is."""
        primary, spoken = _working_languages(need)
        delivered = {lang.strip().lower() for lang in offer.languages}
        delivered = delivered or {offer.language.strip().lower()}
        if primary in delivered:
            return primary
        return min(spoken & delivered, default=None)
