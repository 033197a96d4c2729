"""Text analysis: normalisation, accent folding, tokenising, stemming and concept tagging.

Texts in English, French and Spanish are reduced to stems of their content words; a lexicon maps
phrases of every language to the same language-neutral concepts, so that a French need and an
English offer meet on shared concepts even when they share no word.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
import snowballstemmer

from .ngrams import Ragged

if TYPE_CHECKING:
    from .tagging import BatchTagger

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "fr", "es")
DATA_DIR = Path(__file__).resolve().parent / "data"
REFERENCE_DIR = Path(__file__).resolve().parents[2] / "chm_portal" / "vocabularies" / "data"

# Concept namespaces: portal codes carry a prefix inside the engine, finer concepts do not.
THEMATIC_AREA, SUPPORT_TYPE, CAPACITY_LEVEL, TARGET, TOPIC = (
    "thematic_area",
    "support_type",
    "capacity_level",
    "target",
    "topic",
)
_PREFIXES = {"ta:": THEMATIC_AREA, "st:": SUPPORT_TYPE, "cl:": CAPACITY_LEVEL}
TITLE_WEIGHT = 1.5  # a concept named in the title says more about the record than one in passing
IMPLIED_WEIGHT = 0.5  # share of a concept's weight passed on to each broader concept it implies
_CACHE_LIMIT = 500_000  # words remembered by the stemmer

# Other languages are read with the closest of these three (see analysis_language).
_SNOWBALL_NAMES = {"en": "english", "fr": "french", "es": "spanish"}
_SPECIAL_FOLDS = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})
_E_PREFIX = re.compile(r"\be-(?=[^\W\d_])")  # e-learning -> elearning
_QUOTES = "'\u2019\u2018`\u00b4"  # apostrophes as typed: straight, curly, grave, acute
_ELISION = re.compile(rf"\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)[{_QUOTES}]")
_APOSTROPHE = re.compile(rf"[{_QUOTES}]")
_TOKEN = re.compile(r"[^\W_]+")
_SENTENCE_BREAK = re.compile(r"[.;:!?()\[\]]\s|[;!?()\[\]]|\n")
# Words, or "" at a sentence break (words and breaks never overlap: one scan finds both).
_TOKEN_OR_BREAK = re.compile(rf"({_TOKEN.pattern})|{_SENTENCE_BREAK.pattern}")
SENTENCE_GAP = 10  # position gap at a sentence break, so that phrases never match across one
_TARGET_MENTION = re.compile(
    r"\b(?:gbf[\s-]*t(?:arget)?[\s-]*(\d{1,2})"
    r"|(?:target|cible|meta)s?\s*(?:n[o°º]\.?\s*)?(\d{1,2}))\b"
)


class _FoldTable(dict[int, str]):
    """Character -> folded text, filled on first use (a ``str.translate`` table).

    Folding character by character gives the same result as folding the whole text: NFKD
    decomposes each character on its own and only reorders combining marks, which are dropped.
    """

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code).translate(_SPECIAL_FOLDS))
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and strip accents ("Écosystèmes" -> "ecosystemes")."""
    lowered = text.lower()
    return lowered if lowered.isascii() else lowered.translate(_FOLD_TABLE)


@cache
def _stopwords() -> dict[str, frozenset[str]]:
    raw = json.loads((DATA_DIR / "stopwords.json").read_text(encoding="utf-8"))
    return {lang: frozenset(fold(w) for w in raw[lang]) for lang in SUPPORTED_LANGUAGES}


@cache
def _accented_stopwords() -> dict[str, frozenset[str]]:
    raw = json.loads((DATA_DIR / "stopwords.json").read_text(encoding="utf-8"))
    return {lang: frozenset(w.lower() for w in raw[lang]) for lang in SUPPORTED_LANGUAGES}


def is_stopword(word: str, language: str, folded: str | None = None) -> bool:
    """A function word; an accented word only as written ("maïs" is not "mais")."""
    folded = fold(word) if folded is None else folded
    if word in _accented_stopwords().get(language, frozenset()):
        return True
    return folded == word and folded in _stopwords().get(language, frozenset())


def detect_language(text: str) -> str:
    """The supported language whose function words are most frequent in ``text`` (default "en")."""
    words = [fold(w) for w in _TOKEN.findall(_APOSTROPHE.sub(" ", text.lower()))]
    stop = _stopwords()
    counts = {lang: sum(1 for w in words if w in stop[lang]) for lang in SUPPORTED_LANGUAGES}
    best = max(SUPPORTED_LANGUAGES, key=lambda lang: (counts[lang], lang == "en"))
    return best if counts[best] else "en"


def analysis_language(declared: str, text: str) -> str:
    """The language whose stemmer and lexicon are used for a text."""
    declared = (declared or "").strip().lower()[:2]
    return declared if declared in SUPPORTED_LANGUAGES else detect_language(text)


class Stemmer:
    """Snowball stemming with a cache; the stems are accent-folded so that spelling varies less."""

    def __init__(self) -> None:
        self._stemmers: dict[str, object] = {}
        self._cache: dict[tuple[str, str], str] = {}
        # language -> word -> (stem, folded word), or None for a word that is not content
        self._words: dict[str, dict[str, tuple[str, str] | None]] = {}
        self._size = 0  # words in self._words

    def stem(self, word: str, language: str) -> str:
        key = (language, word)
        stem = self._cache.get(key)
        if stem is None:
            stemmer = self._stemmers.get(language)
            if stemmer is None and language in _SNOWBALL_NAMES:
                stemmer = snowballstemmer.stemmer(_SNOWBALL_NAMES[language])
                self._stemmers[language] = stemmer
            stem = fold(stemmer.stemWord(word) if stemmer is not None else word)
            self._cache[key] = stem
        return stem

    def analyse_word(self, word: str, language: str) -> tuple[str, str] | None:
        """(stem, folded word) of a lower-case word, or None if it is not a content word."""
        words = self._words.get(language)
        if words is not None and word in words:
            return words[word]
        if self._size > _CACHE_LIMIT:  # a long-lived process meets endless new words
            self._words.clear()
            self._cache.clear()
            self._size = 0
        folded = fold(word)
        content = len(word) > 1 and not word.isdigit()
        analysed = None
        if content and not is_stopword(word, language, folded):
            analysed = (self.stem(word, language), folded)
        self._words.setdefault(language, {})[word] = analysed
        self._size += 1
        return analysed

    def tokens(self, text: str, language: str) -> list[str]:
        """Stems of the content words of ``text`` in order (no stop words, numbers, letters)."""
        return [stem for stem, _, _ in self.positioned_tokens(text, language)]

    def positioned_tokens(self, text: str, language: str) -> list[tuple[str, int, str]]:
        """(stem, position, folded word) of the content words; positions jump at sentence breaks."""
        out: list[tuple[str, int, str]] = []
        position = 0
        for words in sentences(text):
            known = self._words.get(language, {})  # looked up again: _word may clear the caches
            for word in words:
                analysed = known.get(word, _MISSING)
                if analysed is _MISSING:
                    analysed = self.analyse_word(word, language)
                    known = self._words[language]
                if analysed is not None:
                    out.append((analysed[0], position, analysed[1]))  # type: ignore[index]
                    position += 1
            position += SENTENCE_GAP
        return out


_MISSING: object = object()


def _prepared(text: str) -> str:
    text = text.lower()
    if "e-" in text:
        text = _E_PREFIX.sub("e", text)
    if any(quote in text for quote in _QUOTES):
        text = _APOSTROPHE.sub(" ", _ELISION.sub(" ", text))
    return text


def sentences(text: str) -> list[list[str]]:
    """The words of each sentence of ``text``, lower-cased, French elisions split off."""
    return [_TOKEN.findall(sentence) for sentence in _SENTENCE_BREAK.split(_prepared(text))]


def words_and_breaks(text: str) -> list[str]:
    """The words of ``sentences(text)`` in one list, with "" at each sentence break."""
    return _TOKEN_OR_BREAK.findall(_prepared(text))


@dataclass(frozen=True, slots=True)
class Concept:
    """A language-neutral idea that texts can mention: a portal code or a finer domain concept."""

    key: str  # internal key: "ta:forests", "st:training", "cl:systemic", "GBF-T6", "mangroves"
    kind: str  # THEMATIC_AREA, SUPPORT_TYPE, CAPACITY_LEVEL, TARGET or TOPIC
    code: str  # the code shown outside the engine: "forests", "training", "GBF-T6", "mangroves"
    labels: Mapping[str, str]  # language -> how a reason names it
    implies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TextAnalysis:
    """What the lexicon reads from a record's title and description."""

    language: str  # the analysis language (en, fr or es)
    title_stems: list[str]  # stems of the content words, in order
    title_words: list[str]  # the same words, accent-folded
    description_stems: list[str]
    description_words: list[str]
    concepts: dict[str, float]  # concept key -> weight, implied concepts included


@dataclass(frozen=True, slots=True)
class TextBatch:
    """What the lexicon reads from many records (``Lexicon.analyse_batch``)."""

    languages: list[str]
    title_stems: Ragged  # per record: stems of the content words of the title, in order
    title_words: Ragged  # the same words, accent-folded
    description_stems: Ragged
    description_words: Ragged
    concepts: sp.csr_matrix  # records x concepts (columns: Lexicon.column), implied included


@dataclass(frozen=True, slots=True)
class _Phrase:
    others: tuple[str, ...]  # stems besides the anchor stem
    span: int  # the largest distance allowed between the first and last matched word
    concept: str


class Lexicon:
    """Concepts and the multilingual phrases that mention them, compiled for fast tagging."""

    def __init__(
        self,
        concepts: Mapping[str, Concept],
        phrases: Mapping[str, Mapping[str, Iterable[str]]],
        stemmer: Stemmer | None = None,
    ) -> None:
        """``phrases`` maps a concept key to {language: [phrase, ...]}; "any": every language."""
        self.concepts = dict(concepts)
        self.stemmer = stemmer or Stemmer()
        for concept in self.concepts.values():
            for parent in concept.implies:
                if parent not in self.concepts:
                    raise ValueError(f"concept {concept.key!r} implies unknown concept {parent!r}")
        self._order = self._topological_order()
        self.column = {key: n for n, key in enumerate(self._order)}  # for concept matrices
        # (column, columns of the concepts it implies), narrowest first
        self._implied_columns = [
            (self.column[key], [self.column[parent] for parent in self.concepts[key].implies])
            for key in self._order
            if self.concepts[key].implies
        ]
        self._anchors: dict[str, dict[str, list[_Phrase]]] = {}  # language -> first stem -> ...
        self.empty_phrases: list[tuple[str, str, str]] = []  # (concept, language, phrase)
        for lang in SUPPORTED_LANGUAGES:
            anchors: dict[str, list[_Phrase]] = defaultdict(list)
            seen: set[tuple[str, tuple[str, ...]]] = set()
            for key, by_lang in phrases.items():
                if key not in self.concepts:
                    raise ValueError(f"phrases given for unknown concept {key!r}")
                for phrase in [*by_lang.get(lang, ()), *by_lang.get("any", ())]:
                    stems = tuple(dict.fromkeys(self._phrase_keys(phrase, lang)))
                    if not stems:
                        self.empty_phrases.append((key, lang, phrase))
                        continue
                    if (key, stems) in seen:
                        continue
                    seen.add((key, stems))
                    anchors[stems[0]].append(_Phrase(stems[1:], len(stems), key))
            self._anchors[lang] = dict(anchors)
        self._tagger: BatchTagger | None = None

    def _phrase_keys(self, phrase: str, language: str) -> list[str]:
        """Stems of a phrase; a phrase written "=words" matches those exact words, unstemmed.

        Exact phrases keep apart words that stem alike ("zoning" and "zones" both give "zone").
        """
        if phrase.startswith("="):
            return [
                "=" + word for _, _, word in self.stemmer.positioned_tokens(phrase[1:], language)
            ]
        return self.stemmer.tokens(phrase, language)

    def _topological_order(self) -> list[str]:
        """Concept keys with every concept before the broader concepts it implies."""
        order: list[str] = []
        state: dict[str, int] = {}

        def visit(key: str, path: tuple[str, ...]) -> None:
            if state.get(key) == 2:
                return
            if state.get(key) == 1:
                raise ValueError(f"concepts imply each other in a cycle: {' -> '.join(path)}")
            state[key] = 1
            for parent in self.concepts[key].implies:
                visit(parent, (*path, parent))
            state[key] = 2
            order.append(key)

        for key in sorted(self.concepts):
            visit(key, (key,))
        return order[::-1]

    @classmethod
    @cache
    def default(cls) -> Lexicon:
        """The portal's vocabularies and GBF targets plus the curated lexicon in ``data/``."""
        return cls.from_files(**cls.reference_files())

    @staticmethod
    def reference_files() -> dict[str, Any]:
        """The files of ``default()``, as keyword arguments of ``from_files``/``read_files``."""
        return {
            "vocabularies": REFERENCE_DIR / "vocabularies.json",
            "targets": REFERENCE_DIR / "gbf_targets.json",
            "lexicons": sorted(DATA_DIR.glob("lexicon_*.json")),
        }

    @classmethod
    def from_files(cls, *, vocabularies: Path, targets: Path, lexicons: Iterable[Path]) -> Lexicon:
        return cls(*cls.read_files(vocabularies=vocabularies, targets=targets, lexicons=lexicons))

    @staticmethod
    def read_files(
        *, vocabularies: Path, targets: Path, lexicons: Iterable[Path]
    ) -> tuple[dict[str, Concept], dict[str, dict[str, list[str]]]]:
        """(concepts, phrases) for ``Lexicon(...)``; ``phrases``: key -> language -> phrases."""
        vocab = json.loads(Path(vocabularies).read_text(encoding="utf-8"))
        concepts: dict[str, Concept] = {}
        phrases: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for list_name, prefix in (
            ("thematic_areas", "ta:"),
            ("support_types", "st:"),
            ("capacity_levels", "cl:"),
        ):
            for term in vocab[list_name]:
                key = prefix + term["code"]
                labels = {lang: term[lang] for lang in SUPPORTED_LANGUAGES if term.get(lang)}
                concepts[key] = Concept(key, _PREFIXES[prefix], term["code"], labels)
                for lang, label in labels.items():
                    phrases[key][lang].append(label)
        for target in json.loads(Path(targets).read_text(encoding="utf-8")):
            key = target["portal_code"]
            # a target is named by its code in every language: "GBF-T6"
            concepts[key] = Concept(key, TARGET, key, dict.fromkeys(SUPPORTED_LANGUAGES, key))
        implied: dict[str, list[str]] = {}
        for path in lexicons:
            entries = json.loads(Path(path).read_text(encoding="utf-8"))["concepts"]
            for key, entry in entries.items():
                if key in implied:
                    raise ValueError(f"{path}: concept {key!r} is defined twice")
                implied[key] = list(entry.get("implies", ()))
                if key not in concepts:
                    if ":" in key or key.startswith("GBF-"):
                        raise ValueError(f"{path}: {key!r} is not a portal code")
                    labels = {
                        lang: entry.get("label", {}).get(lang) or entry[lang][0].lstrip("=")
                        for lang in SUPPORTED_LANGUAGES
                        if entry.get(lang)
                    }
                    concepts[key] = Concept(key, TOPIC, key, labels)
                for lang in (*SUPPORTED_LANGUAGES, "any"):
                    phrases[key][lang].extend(entry.get(lang, ()))
        for key, parents in implied.items():
            concept = concepts[key]
            concepts[key] = Concept(
                concept.key, concept.kind, concept.code, concept.labels, tuple(parents)
            )
        return concepts, {key: dict(by_lang) for key, by_lang in phrases.items()}

    def label(self, code: str, language: str = "en") -> str:
        """How a reason names a concept (vocabulary term, target or topic) in ``language``.

        Vocabulary codes have the vocabulary's label, targets their code ("GBF-T6"), topics the
        lexicon's label; an unknown language falls back to English, an unknown code to itself.
        """
        language = (language or "en").strip().lower()[:2]
        concept = self.concepts.get(code)
        if concept is None:
            for prefix in _PREFIXES:
                concept = self.concepts.get(prefix + code) or concept
        if concept is None:
            return code
        return concept.labels.get(language) or concept.labels.get("en") or concept.code

    def matches(
        self, text: str, language: str, tokens: list[tuple[str, int, str]] | None = None
    ) -> dict[str, list[tuple[int, int]]]:
        """Where each concept is mentioned in ``text``: key -> [(first, last) token position].

        A phrase matches at each occurrence of its first stem when each of its other stems
        occurs within its span (the nearest occurrence, the earlier one on a tie) and the words
        found lie within the span. ``tokens`` may pass ``stemmer.positioned_tokens(text,
        language)`` computed already. This is the plain reference of the batch tagging in
        ``tagging.py`` (``analyse_many``), which must give the same mentions.
        """
        if tokens is None:
            tokens = self.stemmer.positioned_tokens(text, language)
        anchors = self._anchors.get(language, {})
        positions: dict[str, list[int]] = defaultdict(list)
        keyed: list[tuple[str, int]] = []
        for stem, i, word in tokens:
            positions[stem].append(i)
            positions["=" + word].append(i)
            keyed += [(stem, i), ("=" + word, i)]
        spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for key, i in keyed:
            for phrase in anchors.get(key, ()):
                lo = hi = i
                for other in phrase.others:
                    near = [p for p in positions.get(other, ()) if abs(p - i) <= phrase.span]
                    if not near:
                        break
                    p = min(near, key=lambda p: (abs(p - i), p))
                    lo, hi = min(lo, p), max(hi, p)
                else:
                    if hi - lo <= phrase.span:
                        spans[phrase.concept].append((lo, hi))
        return dict(spans)

    def tag(
        self, text: str, language: str, tokens: list[tuple[str, int, str]] | None = None
    ) -> dict[str, float]:
        """Direct mentions of concepts in ``text`` (stemmed with ``language``): key -> count."""
        counts: dict[str, float] = {}
        for key, found in self.matches(text, language, tokens).items():
            # overlapping mentions (of several phrases of the concept) count once
            found.sort()
            merged_end, n = -1, 0
            for lo, hi in found:
                if lo > merged_end:
                    n += 1
                merged_end = max(merged_end, hi)
            counts[key] = float(n)
        for match in _TARGET_MENTION.finditer(fold(text)):
            number = int(match.group(1) or match.group(2))
            if 1 <= number <= 23:
                key = f"GBF-T{number}"
                counts[key] = counts.get(key, 0.0) + 1.0
        return counts

    def tag_record(self, title: str, description: str, language: str) -> dict[str, float]:
        """Concept weights of a record's text, with the broader concepts they imply.

        The plain reference of ``analyse(...).concepts``.
        """
        language = analysis_language(language, f"{title}\n{description}")
        weights = self.tag(description, language)
        for key, n in self.tag(title, language).items():
            weights[key] = weights.get(key, 0.0) + TITLE_WEIGHT * n
        return self.expand(weights)

    def analyse(self, title: str, description: str, language: str) -> TextAnalysis:
        """Tokens and concept weights (with the broader concepts implied) of a record's text."""
        return self.analyse_many([(title, description, language)])[0]

    def analyse_many(self, records: Sequence[tuple[str, str, str]]) -> list[TextAnalysis]:
        """``analyse`` of each (title, description, declared language)."""
        batch = self.analyse_batch(records)
        keys, matrix = self._order, batch.concepts

        def strings(tokens: Ragged, i: int) -> list[str]:
            table = tokens.strings
            return [table[t] for t in tokens.ids[tokens.ptr[i] : tokens.ptr[i + 1]].tolist()]

        out = []
        for i, language in enumerate(batch.languages):
            start, end = matrix.indptr[i], matrix.indptr[i + 1]
            concepts = {
                keys[column]: weight
                for column, weight in zip(
                    matrix.indices[start:end].tolist(), matrix.data[start:end].tolist(), strict=True
                )
            }
            out.append(
                TextAnalysis(
                    language,
                    strings(batch.title_stems, i),
                    strings(batch.title_words, i),
                    strings(batch.description_stems, i),
                    strings(batch.description_words, i),
                    concepts,
                )
            )
        return out

    def analyse_batch(
        self, records: Sequence[tuple[str, str, str]], chunk_size: int = 4096
    ) -> TextBatch:
        """What ``analyse`` reads from each (title, description, declared language), as arrays:
        tokens as ids, concept weights as one sparse matrix. Tagged in batches (``tagging.py``).
        """
        from .tagging import BatchTagger  # here: tagging imports this module

        if self._tagger is None:
            self._tagger = BatchTagger(self)
        tagger = self._tagger
        with tagger.lock:  # the word tables are shared by the threads of a process
            tagger.begin()
            n_records = len(records)
            languages = [""] * n_records
            by_language: dict[str, list[int]] = {}
            for n, (title, description, declared) in enumerate(records):
                language = analysis_language(declared, f"{title}\n{description}")
                languages[n] = language
                by_language.setdefault(language, []).append(n)
            # The texts of all chunks one after the other: titles, then descriptions, per chunk.
            title_row = np.zeros(n_records, dtype=np.int64)
            description_row = np.zeros(n_records, dtype=np.int64)
            ptrs: list[np.ndarray] = []
            stems: list[np.ndarray] = []
            words: list[np.ndarray] = []
            order: list[int] = []
            blocks = [sp.csr_matrix((0, len(self._order)))]
            texts = tokens = 0
            for language, members in by_language.items():
                for start in range(0, len(members), chunk_size):
                    part = members[start : start + chunk_size]
                    k = len(part)
                    tagged = tagger.tag(
                        [records[n][0] for n in part] + [records[n][1] for n in part], language
                    )
                    weights = tagged.counts[k:] + TITLE_WEIGHT * tagged.counts[:k]
                    self._expand_columns(weights)
                    blocks.append(sp.csr_matrix(weights))
                    order += part
                    title_row[part] = texts + np.arange(k)
                    description_row[part] = texts + k + np.arange(k)
                    ptrs.append(tagged.ptr[:-1] + tokens)
                    stems.append(tagged.stems)
                    words.append(tagged.words)
                    texts += 2 * k
                    tokens += len(tagged.stems)
            ptr = np.concatenate([*ptrs, [tokens]]).astype(np.int64)
            no_ids = np.zeros(0, dtype=np.int64)
            all_stems = Ragged(ptr, np.concatenate([no_ids, *stems]), tagger.stems.strings)
            all_words = Ragged(ptr, np.concatenate([no_ids, *words]), tagger.words.strings)
            concepts = sp.csr_matrix(sp.vstack(blocks, format="csr")[np.argsort(order)])
        return TextBatch(
            languages,
            all_stems.take(title_row),
            all_words.take(title_row),
            all_stems.take(description_row),
            all_words.take(description_row),
            concepts,
        )

    def _expand_columns(self, weights: np.ndarray) -> None:
        """``expand`` on a matrix of concept weights (rows: records; columns: ``column``)."""
        for column, parents in self._implied_columns:
            rows = np.flatnonzero(weights[:, column])
            if len(rows):
                implied = IMPLIED_WEIGHT * weights[rows, column]
                for parent in parents:
                    weights[rows, parent] += implied

    def expand(self, weights: Mapping[str, float]) -> dict[str, float]:
        """Add the concepts implied by ``weights`` (transitively, halving at each step)."""
        out = {k: float(v) for k, v in weights.items() if v > 0}
        for key in self._order:
            w = out.get(key)
            if w:
                for parent in self.concepts[key].implies:
                    out[parent] = out.get(parent, 0.0) + IMPLIED_WEIGHT * w
        return out


def concept_label(code: str, language: str = "en") -> str:
    """The label of a reason value in ``language`` (en, fr or es): the vocabulary label of a
    thematic area, support type or capacity level, "GBF-T6" for a target, the lexicon's label
    of a finer topic. Every value a reason can carry has one; other codes come back as given."""
    return Lexicon.default().label(code, language)
