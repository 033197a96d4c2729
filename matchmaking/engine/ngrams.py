"""TF-IDF of tokenised documents, exactly as scikit-learn's TfidfVectorizer computes it, faster.

The engine weighs two kinds of features with TF-IDF: the stems of a record's words, and the
character 4-5-grams of its words (cognates across languages). ``TfidfVectorizer`` would count
them feature by feature in Python; here documents arrive as token ids (``Ragged``), each
distinct token is cut into features once, and the counts are a sparse product (documents x
distinct tokens) @ (distinct tokens x features). The result is the vectorizer's, bit for bit:
the same vocabulary (alphabetical), the same values, and the same order of the stored entries
(so the same sums downstream); tests compare them. The weighting itself is scikit-learn's
``TfidfTransformer``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True, slots=True)
class Ragged:
    """Documents as token ids: document d is ``ids[ptr[d]:ptr[d + 1]]``; a token's text is
    ``strings[id]``."""

    ptr: np.ndarray
    ids: np.ndarray
    strings: Sequence[str]

    @classmethod
    def of(cls, documents: Sequence[Sequence[str]]) -> Ragged:
        """Documents given as lists of strings."""
        table: dict[str, int] = {}
        ids = [table.setdefault(token, len(table)) for document in documents for token in document]
        ptr = np.concatenate(([0], np.cumsum([len(d) for d in documents], dtype=np.int64)))
        return cls(ptr, np.array(ids, dtype=np.int64), list(table))

    def __len__(self) -> int:
        return len(self.ptr) - 1

    def joined(self, *parts: Ragged) -> Ragged:
        """Document d of ``self`` followed by document d of each of ``parts`` (same strings)."""
        pieces = (self, *parts)
        offsets = np.cumsum([0] + [len(p.ids) for p in pieces])
        starts = np.stack([p.ptr[:-1] + o for p, o in zip(pieces, offsets, strict=False)], 1)
        lengths = np.stack([np.diff(p.ptr) for p in pieces], 1)
        return _joined(pieces, starts, lengths, self.strings)

    def take(self, rows: np.ndarray) -> Ragged:
        """The documents ``rows``, in that order."""
        return _joined(
            (self,), self.ptr[:-1][rows, None], np.diff(self.ptr)[rows, None], self.strings
        )


def _joined(
    pieces: Sequence[Ragged], starts: np.ndarray, lengths: np.ndarray, strings: Sequence[str]
) -> Ragged:
    """Documents made of segments: row d is the segments starts[d, k]:+lengths[d, k] of the
    concatenated ids of ``pieces``, in order of k."""
    ids = np.concatenate([p.ids for p in pieces]) if pieces else np.zeros(0, dtype=np.int64)
    flat_starts, flat_lengths = starts.ravel(), lengths.ravel()
    total = int(flat_lengths.sum())
    shift = np.repeat(flat_starts - (np.cumsum(flat_lengths) - flat_lengths), flat_lengths)
    gathered = ids[shift + np.arange(total)] if total else np.zeros(0, dtype=np.int64)
    ptr = np.concatenate(([0], np.cumsum(lengths.sum(axis=1), dtype=np.int64)))
    return Ragged(ptr, gathered, strings)


def char_wb_ngrams(word: str, min_n: int, max_n: int) -> list[str]:
    """The n-grams of one word padded with spaces, as ``TfidfVectorizer(analyzer="char_wb")``."""
    grams: list[str] = []
    for part in word.lower().split():
        padded = f" {part} "
        length = len(padded)
        for n in range(min_n, max_n + 1):
            grams += [padded[i : i + n] for i in range(max(1, length - n + 1))]
            if length <= n:  # a short word counts once, whatever n
                break
    return grams


def whole_token(token: str) -> list[str]:
    """The token itself: ``TfidfVectorizer(analyzer=<identity>)`` on lists of tokens."""
    return [token]


class RaggedTfidf:
    """``TfidfVectorizer(analyzer=..., sublinear_tf=True, max_df=...)`` on ``Ragged`` documents,
    where the analyzer of a document is ``features`` of each of its tokens, in order."""

    def __init__(
        self, features: Callable[[str], list[str]] = whole_token, max_df: int | None = None
    ) -> None:
        self.features = features
        self.max_df = max_df
        self.vocabulary_: dict[str, int] = {}
        # Imported here: scikit-learn (~70 MB) is loaded by the processes that build indexes only,
        # not by every web worker that imports the engine's text helpers.
        from sklearn.feature_extraction.text import TfidfTransformer

        self._tfidf = TfidfTransformer(sublinear_tf=True)

    def _counts(self, documents: Ragged, feature_ids: dict[str, int], grow: bool) -> sp.csr_matrix:
        """Feature counts of ``documents``; with ``grow``, unknown features get the next id,
        in order of first appearance (as the vectorizer numbers them before sorting)."""
        ids = documents.ids
        # The distinct tokens, in order of first appearance.
        first = np.full(int(ids.max()) + 1 if len(ids) else 0, len(ids), dtype=np.int64)
        np.minimum.at(first, ids, np.arange(len(ids)))
        distinct = np.flatnonzero(first < len(ids))
        distinct = distinct[np.argsort(first[distinct], kind="stable")]
        rank = np.zeros(len(first), dtype=np.int64)
        rank[distinct] = np.arange(len(distinct))
        per_token = sp.csr_matrix(
            (np.ones(len(ids)), rank[ids], documents.ptr),
            shape=(len(documents), len(distinct)),
        )  # a token repeated in a document stays as several entries: the product adds them up
        rows: list[list[int]] = []
        for token in distinct.tolist():
            found = []
            for feature in self.features(documents.strings[token]):
                n = feature_ids.get(feature)
                if n is None and grow:
                    n = feature_ids[feature] = len(feature_ids)
                if n is not None:
                    found.append(n)
            rows.append(found)
        lengths = np.array([len(r) for r in rows], dtype=np.int64)
        per_feature = sp.csr_matrix(
            (
                np.ones(int(lengths.sum())),
                np.array([n for r in rows for n in r], dtype=np.int64),
                np.concatenate(([0], np.cumsum(lengths))),
            ),
            shape=(len(rows), len(feature_ids)),
        )
        per_feature.sum_duplicates()
        counts = sp.csr_matrix(per_token @ per_feature)
        counts.sort_indices()
        return counts

    def fit_transform(self, documents: Ragged) -> sp.csr_matrix:
        """Learn the vocabulary and IDF from ``documents``; their TF-IDF rows, L2-normalised.

        Raises ValueError when no feature remains (no documents, no tokens, all too common).
        """
        first_seen: dict[str, int] = {}
        counts = self._counts(documents, first_seen, grow=True)
        if not first_seen:
            raise ValueError("empty vocabulary")
        # Drop the features found in more than max_df documents, keeping the stored order.
        frequency = np.bincount(counts.indices, minlength=len(first_seen))
        keep = frequency <= self.max_df if self.max_df is not None else frequency >= 0
        if not keep.any():
            raise ValueError("no feature remains: every one is in more than max_df documents")
        if not keep.all():
            counts = counts[:, np.flatnonzero(keep)]
        # Columns in alphabetical order of the features, as the vectorizer numbers them.
        kept = sorted(feature for feature, i in first_seen.items() if keep[i])
        self.vocabulary_ = {feature: n for n, feature in enumerate(kept)}
        renumber = np.empty(len(kept), dtype=counts.indices.dtype)
        position = np.cumsum(keep) - 1
        for feature, n in self.vocabulary_.items():
            renumber[position[first_seen[feature]]] = n
        counts.indices = renumber[counts.indices]
        counts.has_sorted_indices = False
        return sp.csr_matrix(self._tfidf.fit_transform(counts))

    def transform(self, documents: Ragged) -> sp.csr_matrix:
        """TF-IDF rows of ``documents`` over the fitted vocabulary (unknown features ignored)."""
        if not self.vocabulary_:
            return sp.csr_matrix((len(documents), 0))
        counts = self._counts(documents, self.vocabulary_, grow=False)
        return sp.csr_matrix(self._tfidf.transform(counts))


def char_ngram_tfidf(ngram_range: tuple[int, int], max_df: int | None) -> RaggedTfidf:
    """``TfidfVectorizer(analyzer="char_wb", ngram_range=..., sublinear_tf=True, max_df=...)`` on
    the words of each document joined by spaces."""
    min_n, max_n = ngram_range

    def grams(word: str) -> list[str]:
        return char_wb_ngrams(word, min_n, max_n)

    return RaggedTfidf(grams, max_df)
