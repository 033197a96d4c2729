"""The matching engine on its own: eligibility, ranking, reasons, the record format, the dev set.

Plain unit tests: no database, no Django in the engine (``matchmaking.engine`` imports none).
"""

from __future__ import annotations

import importlib.util
import json
import random
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from matchmaking.engine import (
    ALGORITHM_VERSION,
    Geography,
    Lexicon,
    NeedRecord,
    OfferIndex,
    OfferRecord,
    Reason,
    Suggestion,
    concept_label,
    parse_record_set,
)

ROOT = Path(__file__).resolve().parents[2]
DEV_SET = ROOT.parent / "shared" / "matching" / "dev_set.json"
AS_OF = date(2026, 11, 1)


def offer(id="O-1", **fields) -> OfferRecord:
    base = {
        "title": "Training on invasive alien species",
        "description": "A course on early detection and control of invasive alien plants.",
        "language": "en",
    }
    return OfferRecord(id=id, **{**base, **fields})


def need(id="N-1", **fields) -> NeedRecord:
    base = {
        "title": "Lutte contre les espèces exotiques envahissantes",
        "description": "Nous voulons former nos agents à la détection précoce des plantes "
        "envahissantes.",
        "language": "fr",
        "country": "SN",
    }
    return NeedRecord(id=id, **{**base, **fields})


def eligible(offer_record: OfferRecord, need_record: NeedRecord, as_of: date = AS_OF) -> bool:
    index = OfferIndex.build([offer_record])
    return bool(index.eligible_mask(need_record, as_of=as_of)[0])


# Geography ------------------------------------------------------------------------------------


def test_a_country_belongs_to_its_region_sub_region_intermediate_region_and_the_world():
    geography = Geography.from_reference()
    # Senegal: Africa (002) > Sub-Saharan Africa (202) > Western Africa (011)
    assert {"001", "002", "202", "011"} <= geography.regions_of("SN")
    assert "019" not in geography.regions_of("SN")
    assert geography.regions_of("XX") == {"001"}  # unknown country: the world only


def test_country_groups_come_from_the_reference_flags():
    geography = Geography.from_reference()
    assert "LDC" in geography.groups_of("SN")
    assert "SIDS" in geography.groups_of("FJ")
    assert "EIT" in geography.groups_of("UA")
    assert "LLDC" in geography.groups_of("BF")
    assert "SIDS" not in geography.groups_of("SN")


# Eligibility: every clause --------------------------------------------------------------------


def test_offer_with_no_geographic_list_is_open_to_every_country():
    assert eligible(offer(), need(country="SN"))
    assert eligible(offer(), need(country="XX"))


def test_listed_country_is_eligible_and_others_are_not():
    restricted = offer(eligible_countries=("SN", "ML"))
    assert eligible(restricted, need(country="SN"))
    assert not eligible(restricted, need(country="KE"))


@pytest.mark.parametrize("region", ["002", "202", "011", "2", "001"])
def test_region_includes_its_sub_regions(region):
    assert eligible(offer(eligible_regions=(region,)), need(country="SN"))


def test_country_outside_the_region_is_not_eligible():
    assert not eligible(offer(eligible_regions=("019",)), need(country="SN"))
    assert not eligible(offer(eligible_regions=("014",)), need(country="SN"))  # Eastern Africa


def test_country_groups():
    sids = offer(eligible_groups=("SIDS",))
    assert eligible(sids, need(country="FJ", languages=("en",)))
    assert not eligible(sids, need(country="SN"))
    assert eligible(offer(eligible_groups=("LDC",)), need(country="SN"))


def test_any_one_geographic_list_suffices():
    mixed = offer(eligible_countries=("BR",), eligible_regions=("019",), eligible_groups=("SIDS",))
    assert eligible(mixed, need(country="FJ"))  # by group
    assert eligible(mixed, need(country="BR"))  # by country
    assert not eligible(mixed, need(country="SN"))


def test_languages_must_be_shared_and_an_empty_list_means_any():
    english_only = offer(languages=("en",))
    assert not eligible(english_only, need(languages=("fr",)))
    assert eligible(english_only, need(languages=("fr", "en")))
    assert eligible(english_only, need(languages=()))
    assert eligible(offer(languages=()), need(languages=("fr",)))


def test_availability_dates_include_their_bounds():
    window = offer(available_from=date(2026, 11, 1), available_until=date(2026, 11, 30))
    assert eligible(window, need(), as_of=date(2026, 11, 1))
    assert eligible(window, need(), as_of=date(2026, 11, 30))
    assert not eligible(window, need(), as_of=date(2026, 10, 31))
    assert not eligible(window, need(), as_of=date(2026, 12, 1))


def test_a_missing_date_bound_is_open():
    assert eligible(offer(available_from=date(2020, 1, 1)), need(), as_of=date(2040, 1, 1))
    assert eligible(offer(available_until=date(2040, 1, 1)), need(), as_of=date(2000, 1, 1))


@pytest.mark.parametrize(("capacity", "ok"), [(None, True), (1, True), (0, False), (-2, False)])
def test_remaining_capacity(capacity, ok):
    assert eligible(offer(remaining_capacity=capacity), need()) is ok


def test_an_ineligible_offer_is_never_suggested_however_well_it_fits():
    perfect = offer("perfect", title=need().title, description=need().description, language="fr")
    index = OfferIndex.build([replace(perfect, eligible_groups=("SIDS",)), offer("fits")])
    suggestions = index.rank(need(), as_of=AS_OF)
    assert [s.offer_id for s in suggestions] == ["fits"]
    assert index.score_offer("perfect", [need()], as_of=AS_OF) == {"N-1": 0.0}


# Ranking --------------------------------------------------------------------------------------

DISTRACTORS = [
    offer(
        "mangroves",
        title="Mangrove restoration for coastal protection",
        description="Technical advice on restoring tidal flows, replanting mangroves and "
        "measuring carbon stocks with coastal communities.",
    ),
    offer(
        "finance",
        title="Biodiversity finance plans",
        description="We help ministries of finance review public expenditure and design new "
        "financing solutions such as green bonds.",
    ),
    offer(
        "forensics",
        title="Wildlife forensics for customs officers",
        description="Training on identifying seized ivory and pangolin scales and keeping the "
        "chain of custody for prosecutions.",
    ),
    offer(
        "seeds",
        title="Community seed banks",
        description="Support for farmer groups to store traditional crop varieties and test "
        "germination in village seed banks.",
    ),
    offer(
        "reefs",
        title="Coral reef monitoring",
        description="Training fisheries officers in reef surveys, bleaching response and a "
        "national reef database.",
    ),
]


def test_french_need_with_empty_fields_finds_the_english_offer_that_fits():
    turtles = offer(
        "turtles",
        title="Protecting sea turtle nesting beaches",
        description="Training for coastal communities in night patrols, nest relocation, "
        "hatcheries and reducing beach lighting.",
    )
    index = OfferIndex.build([*DISTRACTORS, turtles])
    french = need(
        title="Protéger les plages de ponte des tortues marines",
        description="Les tortues luth pondent sur des plages éclairées par les hôtels. Nous "
        "voulons former des volontaires aux patrouilles de nuit et au déplacement des nids.",
        country="GA",
        languages=("fr", "en"),
    )
    assert index.rank(french, as_of=AS_OF)[0].offer_id == "turtles"


def test_spanish_need_with_empty_fields_finds_the_english_offer_that_fits():
    subsidies = offer(
        "subsidies",
        title="Identifying and reforming harmful subsidies",
        description="Economists help governments find agricultural and fisheries subsidies "
        "that damage biodiversity and design reforms.",
    )
    index = OfferIndex.build([*DISTRACTORS, subsidies])
    spanish = need(
        title="Reformar los subsidios perjudiciales para la biodiversidad",
        description="El ministerio quiere identificar los incentivos fiscales a la ganadería "
        "que impulsan la deforestación y proponer reformas graduales.",
        language="es",
        country="PY",
        languages=("es", "en"),
    )
    assert index.rank(spanish, as_of=AS_OF)[0].offer_id == "subsidies"


def test_structured_codes_count_when_the_text_says_little():
    plain = offer("plain", title="Support", description="We support partners.", targets=())
    coded = replace(plain, id="coded", targets=("GBF-T6",), thematic_areas=("invasive_species",))
    index = OfferIndex.build([plain, coded])
    asking = need(
        title="Support",
        description="We need support.",
        language="en",
        targets=("GBF-T6",),
        thematic_areas=("invasive_species",),
    )
    ranked = index.rank(asking, as_of=AS_OF)
    assert ranked[0].offer_id == "coded"


def test_rank_returns_at_most_top_suggestions_best_first_with_scores_in_0_1():
    index = OfferIndex.build([*DISTRACTORS, offer()])
    ranked = index.rank(need(), as_of=AS_OF, top=3)
    assert len(ranked) <= 3
    assert ranked[0].offer_id == "O-1"
    scores = [s.score for s in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 < s <= 1.0 and round(s, 4) == s for s in scores)


def test_offers_sharing_nothing_with_the_need_are_not_suggested():
    unrelated = offer("unrelated", title="Zzz", description="Qqq xxx.", languages=("en",))
    assert OfferIndex.build([unrelated]).rank(need(), as_of=AS_OF) == []


def test_rank_many_and_score_offer_agree_with_rank():
    index = OfferIndex.build([*DISTRACTORS, offer(languages=("en", "fr"))])
    needs = [need("a"), need("b", country="FJ", languages=("en",)), need("c", languages=("es",))]
    many = dict(index.rank_many(needs, as_of=AS_OF, chunk_size=2))
    for n in needs:
        assert many[n.id] == index.rank(n, as_of=AS_OF)
    scores = index.score_offer("O-1", needs, as_of=AS_OF)
    assert scores["a"] == many["a"][0].score
    assert scores["c"] == 0.0  # no shared language: ineligible


# Determinism ----------------------------------------------------------------------------------


def test_same_data_gives_the_same_output():
    offers = [*DISTRACTORS, offer()]
    first = OfferIndex.build(offers).rank(need(), as_of=AS_OF)
    second = OfferIndex.build(list(offers)).rank(need(), as_of=AS_OF)
    assert first == second


def test_ties_are_broken_by_offer_id_as_a_string():
    twins = [offer(id=i) for i in (9, "b", 10, "a")]
    ranked = OfferIndex.build(twins).rank(need(), as_of=AS_OF)
    assert [s.offer_id for s in ranked] == [10, 9, "a", "b"]
    assert len({s.score for s in ranked}) == 1


def test_index_order_is_the_order_offers_were_given():
    index = OfferIndex.build([offer("z"), offer("a")])
    assert index.offer_ids == ("z", "a")
    assert index.eligible_mask(need(), as_of=AS_OF).tolist() == [True, True]


# Order of the lists ---------------------------------------------------------------------------

LIST_FIELDS = (
    "targets",
    "thematic_areas",
    "support_types",
    "capacity_levels",
    "languages",
    "eligible_countries",
    "eligible_regions",
    "eligible_groups",
)


def _shuffle_lists(record, rng: random.Random):
    changes = {}
    for name in LIST_FIELDS:
        if hasattr(record, name):
            values = list(getattr(record, name))
            rng.shuffle(values)
            changes[name] = tuple(values)
    return replace(record, **changes)


@pytest.mark.skipif(not DEV_SET.exists(), reason="shared/matching/dev_set.json is not checked out")
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_no_output_depends_on_the_order_of_any_list(seed):
    """The portal stores the code lists as relations, which come back sorted."""
    records = parse_record_set(json.loads(DEV_SET.read_text("utf-8")))
    rng = random.Random(seed)
    offers = [_shuffle_lists(o, rng) for o in records.offers]
    needs = [_shuffle_lists(n, rng) for n in records.needs]
    sorted_needs = [
        replace(n, **{f: tuple(sorted(getattr(n, f))) for f in LIST_FIELDS if hasattr(n, f)})
        for n in records.needs
    ]
    given, shuffled = OfferIndex.build(records.offers), OfferIndex.build(offers)
    expected = list(given.rank_many(records.needs, as_of=records.as_of))
    assert list(shuffled.rank_many(needs, as_of=records.as_of)) == expected
    assert list(given.rank_many(sorted_needs, as_of=records.as_of)) == expected
    assert any(suggestions for _, suggestions in expected)
    for n, shuffled_need in zip(records.needs, needs, strict=True):
        assert given.eligible_mask(n, as_of=records.as_of).tolist() == (
            shuffled.eligible_mask(shuffled_need, as_of=records.as_of).tolist()
        )
    for o in records.offers[:5]:
        assert given.score_offer(o.id, records.needs, as_of=records.as_of) == (
            shuffled.score_offer(o.id, needs, as_of=records.as_of)
        )


def test_the_language_a_need_is_written_in_is_its_primary_language_when_listed():
    text = {"title": "Training on invasive alien species", "description": "Control of weeds."}
    french = offer("fr", **text, languages=("fr",))
    spanish = offer("es", **text, languages=("es",))
    index = OfferIndex.build([french, spanish])
    for languages in (("fr", "es"), ("es", "fr")):
        ranked = index.rank(need(**text, language="fr", languages=languages), as_of=AS_OF)
        assert [s.offer_id for s in ranked] == ["fr", "es"]
        assert ranked[0].score > ranked[1].score
        assert ranked[0].reasons[-1] == Reason("language", "fr")
        assert ranked[1].reasons[-1] == Reason("language", "es")


def test_without_a_primary_language_every_listed_language_counts_the_same():
    text = {"title": "Training on invasive alien species", "description": "Control of weeds."}
    french = offer("fr", **text, languages=("fr",))
    spanish = offer("es", **text, languages=("es",))
    index = OfferIndex.build([french, spanish])
    for languages in (("fr", "es"), ("es", "fr")):
        written_in_english = need(**text, language="en", languages=languages)
        ranked = index.rank(written_in_english, as_of=AS_OF)
        assert [s.offer_id for s in ranked] == ["es", "fr"]  # a tie, broken by id
        assert ranked[0].score == ranked[1].score
        assert [s.reasons[-1].value for s in ranked] == ["es", "fr"]


# Reasons --------------------------------------------------------------------------------------


def test_reasons_name_shared_codes_topics_and_the_language():
    coded = offer(
        targets=("GBF-T6",),
        thematic_areas=("invasive_species",),
        support_types=("training",),
        languages=("en", "fr"),
    )
    ranked = OfferIndex.build([coded]).rank(need(languages=("fr",)), as_of=AS_OF)
    reasons = ranked[0].reasons
    assert 1 <= len(reasons) <= 5
    assert reasons[-1] == Reason("language", "fr")
    assert (
        Reason("target", "GBF-T6") in reasons
        or Reason("thematic_area", "invasive_species") in reasons
    )
    codes = {r.code for r in reasons}
    assert codes <= {
        "target",
        "thematic_area",
        "support_type",
        "capacity_level",
        "language",
        "topic",
        "similar_text",
    }


def test_inferred_concepts_become_topic_reasons_across_languages():
    ranked = OfferIndex.build([offer(languages=("en", "fr"))]).rank(need(), as_of=AS_OF)
    assert Reason("topic", "invasive_species") in ranked[0].reasons


def test_similar_text_is_a_reason_for_close_descriptions_in_one_language():
    text = {
        "title": "Seagrass monitoring network",
        "description": "Volunteer divers map "
        "seagrass meadows and dugong feeding trails every year along the coast.",
    }
    ranked = OfferIndex.build([offer(**text)]).rank(
        need(language="en", languages=("en",), **text), as_of=AS_OF
    )
    assert Reason("similar_text") in ranked[0].reasons


def test_reason_values_have_labels_in_three_languages():
    assert concept_label("invasive_species", "fr") == "Espèces exotiques envahissantes"
    assert concept_label("training", "es") == "Formación y educación"
    assert concept_label("mangroves", "es") == "manglares"
    assert concept_label("wildlife_products", "fr") == "produits de la faune"  # "label" given
    assert concept_label("GBF-T6", "fr") == "GBF-T6"
    assert concept_label("mangroves", "fr-CA") == concept_label("mangroves", "fr")
    assert concept_label("no-such-code", "fr") == "no-such-code"


def test_every_code_a_topic_reason_can_carry_has_a_label_in_en_fr_es():
    """Topic reasons carry finer concepts, and vocabulary codes or targets inferred from text."""
    vocabularies = json.loads(
        (ROOT / "chm_portal" / "vocabularies" / "data" / "vocabularies.json").read_text("utf-8")
    )
    vocabulary = {
        term["code"]: term
        for name in ("thematic_areas", "support_types", "capacity_levels")
        for term in vocabularies[name]
    }
    for concept in Lexicon.default().concepts.values():
        for language in ("en", "fr", "es"):
            label = concept_label(concept.code, language)
            if concept.kind == "target":
                assert label == concept.code
            elif concept.code in vocabulary:
                assert label == vocabulary[concept.code][language]
            else:
                assert label and "_" not in label and not label.startswith("=")


def test_reasons_never_carry_codes_without_a_label():
    known = {c.code for c in Lexicon.default().concepts.values()}
    unknown = {"targets": ("GBF-T99",), "thematic_areas": ("made_up_area",)}
    plain = {"title": "Support", "description": "We offer support."}
    coded = offer(**plain, targets=("GBF-T6", "GBF-T99"), thematic_areas=("made_up_area",))
    asking = need(
        **plain, language="en", targets=("GBF-T99", "GBF-T6"), thematic_areas=("made_up_area",)
    )
    reasons = OfferIndex.build([coded]).rank(asking, as_of=AS_OF)[0].reasons
    assert Reason("target", "GBF-T6") in reasons
    assert not {r.value for r in reasons} & {v for values in unknown.values() for v in values}
    records = parse_record_set(json.loads(DEV_SET.read_text("utf-8"))) if DEV_SET.exists() else None
    if records is not None:
        index = OfferIndex.build(records.offers)
        for _, ranked in index.rank_many(records.needs, as_of=records.as_of):
            for suggestion in ranked:
                for reason in suggestion.reasons:
                    if reason.code not in ("language", "similar_text"):
                        assert reason.value in known, reason


def test_the_engine_imports_no_django():
    code = "import sys, matchmaking.engine; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


def test_suggestions_are_plain_frozen_values():
    s = Suggestion(offer_id="O-1", score=0.5, reasons=(Reason("language", "fr"),))
    with pytest.raises(AttributeError):
        s.score = 1.0  # type: ignore[misc]
    assert isinstance(ALGORITHM_VERSION, str) and ALGORITHM_VERSION


# Lexicon ---------------------------------------------------------------------------------------


def test_every_lexicon_phrase_compiles_and_every_concept_has_three_labels():
    lexicon = Lexicon.default()
    assert lexicon.empty_phrases == []
    topics = [c for c in lexicon.concepts.values() if c.kind == "topic"]
    assert len(topics) >= 150
    assert all(set(c.labels) == {"en", "fr", "es"} for c in lexicon.concepts.values())


def test_target_mentions_are_recognised_in_three_languages():
    lexicon = Lexicon.default()
    assert "GBF-T6" in lexicon.tag("Aligné sur la cible 6 du Cadre mondial.", "fr")
    assert "GBF-T3" in lexicon.tag("Contribuir a la meta 3.", "es")
    assert "GBF-T21" in lexicon.tag("Reporting on GBF-T21.", "en")


def test_exact_phrases_keep_apart_words_that_stem_alike():
    lexicon = Lexicon.default()
    assert "zoning_regulations" not in lexicon.tag("buffer zones around the park", "en")
    assert "zoning_regulations" in lexicon.tag("new zoning rules for the coast", "en")


TRICKY_TEXTS = [
    ("", "", "en"),
    ("Aligné sur la cible 6", "Contribuer aux cibles 3 et 21 ; GBF-T19. Target 24 is none.", "fr"),
    ("Zoning rules", "New zoning rules. Buffer zones; zoning of buffer zones!", "en"),
    ("L'e-learning sur l'ABS", "Formation en ligne : accès et partage des avantages.\n", "fr"),
    ("Manglares y arrecifes", "Restauración de manglares (y arrecifes). Meta 2 y meta 3.", "es"),
    ("Invasive species", "Species invasive... alien species; invasive. Alien! Species", "xx"),
    (
        "\uff27\uff22\uff26\uff0d\uff34\uff16 \u2460",
        "Œuvres d'art: ½ target ² and naïve café.",
        "de",
    ),
]


def _dev_texts() -> list[tuple[str, str, str]]:
    texts = list(TRICKY_TEXTS)
    if DEV_SET.exists():
        data = json.loads(DEV_SET.read_text("utf-8"))
        texts += [(r["title"], r["description"], r["language"]) for r in data["offers"]]
        texts += [(r["title"], r["description"], r["language"]) for r in data["needs"]]
    return texts


def test_batch_tagging_reads_texts_exactly_as_the_plain_reference():
    lexicon = Lexicon.default()
    texts = _dev_texts()
    batch = lexicon.analyse_many(texts)
    for (title, description, language), analysis in zip(texts, batch, strict=True):
        assert analysis.concepts == lexicon.tag_record(title, description, language)
        tokens = lexicon.stemmer.positioned_tokens(title, analysis.language)
        assert analysis.title_stems == [stem for stem, _, _ in tokens]
        assert analysis.title_words == [word for _, _, word in tokens]
        tokens = lexicon.stemmer.positioned_tokens(description, analysis.language)
        assert analysis.description_stems == [stem for stem, _, _ in tokens]
        assert analysis.description_words == [word for _, _, word in tokens]
        # one at a time, or among others: the same
        assert lexicon.analyse(title, description, language) == analysis


def test_texts_read_in_several_threads_at_once_come_out_as_read_alone():
    from concurrent.futures import ThreadPoolExecutor

    lexicon = Lexicon.from_files(**Lexicon.reference_files())  # fresh word tables
    texts = _dev_texts()
    parts = [texts[n::4] for n in range(4)]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lexicon.analyse_many, parts * 3))
    alone = [Lexicon.default().analyse_many(part) for part in parts] * 3
    assert together == alone


def test_ragged_documents_join_and_reorder():
    from matchmaking.engine.ngrams import Ragged

    docs = Ragged.of([["a", "b"], [], ["c"]])

    def texts(r):
        return [[r.strings[i] for i in r.ids[r.ptr[d] : r.ptr[d + 1]]] for d in range(len(r))]

    assert texts(docs.joined(docs, docs)) == [["a", "b"] * 3, [], ["c"] * 3]
    assert texts(docs.take(np.array([2, 0, 2, 1]))) == [["c"], ["a", "b"], ["c"], []]


def test_word_and_character_ngram_tfidf_are_exactly_scikit_learns():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from matchmaking.engine.ngrams import Ragged, RaggedTfidf, char_ngram_tfidf

    texts = _dev_texts()
    analyses = Lexicon.default().analyse_many(texts)
    words = [a.title_words + a.description_words for a in analyses]
    words += [["ab", "x", "aaaaaa", "\u210cello", "ﷺ", "x"], []]
    stems = [a.title_stems * 2 + a.description_stems for a in analyses] + [[], ["a", "a"]]
    cases = [
        (
            lambda max_df: TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 5), max_df=max_df),
            lambda max_df: char_ngram_tfidf((4, 5), max_df),
            words,
            " ".join,
        ),
        (
            lambda max_df: TfidfVectorizer(analyzer=lambda tokens: tokens, max_df=max_df),
            lambda max_df: RaggedTfidf(max_df=max_df),
            stems,
            list,
        ),
    ]
    for reference_of, ours_of, documents, as_input in cases:
        half = len(documents) // 2
        for max_df in (3, 20, 10_000):
            reference, ours = reference_of(max_df), ours_of(max_df)
            reference.set_params(sublinear_tf=True)
            pairs = [
                (
                    reference.fit_transform([as_input(d) for d in documents[:half]]),
                    ours.fit_transform(Ragged.of(documents[:half])),
                ),
                (
                    reference.transform([as_input(d) for d in documents[half:]]),
                    ours.transform(Ragged.of(documents[half:])),
                ),
            ]
            assert ours.vocabulary_ == reference.vocabulary_
            for theirs, mine in pairs:
                assert (theirs.indptr == mine.indptr).all()
                assert (theirs.indices == mine.indices).all()
                assert (theirs.data == mine.data).all()  # bit for bit: the same sums downstream


# The record format ----------------------------------------------------------------------------

GOOD = {
    "as_of": "2026-11-01",
    "offers": [
        {
            "id": "O-1",
            "title": "Course",
            "description": "A course.",
            "language": "en",
            "provider": {"id": "P-1", "name": "Centre", "type": "ngo", "country": "BE"},
            "languages": ["EN", "fr"],
            "eligible_regions": [2, "019"],
            "eligible_groups": ["sids"],
            "available_from": "2026-01-01",
            "available_until": "2027-12-31",
        }
    ],
    "needs": [{"id": 7, "title": "Need", "description": "", "language": "fr", "country": "sn"}],
    "relevance": {"7": {"O-1": 2}},
    "unknown_key": "ignored",
}


def test_parse_record_set_reads_and_normalises_a_file():
    records = parse_record_set(GOOD)
    o, n = records.offers[0], records.needs[0]
    assert records.as_of == date(2026, 11, 1)
    assert o.languages == ("en", "fr")
    assert o.eligible_regions == ("002", "019")
    assert o.eligible_groups == ("SIDS",)
    assert o.provider_id == "P-1" and records.providers["P-1"]["name"] == "Centre"
    assert n.id == 7 and n.country == "SN"
    assert records.relevance == {7: {"O-1": 2}}


def _broken(path: tuple, value) -> dict:
    data = json.loads(json.dumps(GOOD))
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("offers", 0, "title"), KeyError, "offer 'O-1' (#1): field 'title'"),
        (("offers", 0, "available_from"), "2026-13-01", "offer 'O-1' (#1): field 'available_from'"),
        (
            ("offers", 0, "available_until"),
            "2025-01-01",
            "field 'available_until': 2025-01-01 is before",
        ),
        (("offers", 0, "eligible_regions"), ["Africa"], "field 'eligible_regions'"),
        (("offers", 0, "languages"), "en", "field 'languages': expected a list"),
        (("offers", 0, "remaining_capacity"), "many", "field 'remaining_capacity'"),
        (("needs", 0, "country"), "Senegal", "need 7 (#1): field 'country'"),
        (("needs", 0, "id"), None, "need #1: field 'id'"),
        (("needs", 0, "submitted"), 20260101, "field 'submitted'"),
        (("relevance", "7", "O-1"), 3, "grade must be 0, 1 or 2"),
        (("relevance", "7"), {"O-9": 1}, "offer 'O-9' is unknown"),
        (("as_of",), "soon", "'as_of'"),
    ],
)
def test_parse_errors_name_the_record_and_the_field(path, value, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_record_set(_broken(path, value))


def test_duplicate_ids_are_refused():
    data = _broken(("offers",), [GOOD["offers"][0], GOOD["offers"][0]])
    with pytest.raises(ValueError, match="offer 'O-1': the id is used by more than one offer"):
        parse_record_set(data)
    with pytest.raises(ValueError, match="unique"):
        OfferIndex.build([offer(1), offer("1")])


def test_records_accept_lists_but_not_a_bare_string():
    assert offer(targets=["GBF-T6"]).targets == ("GBF-T6",)
    with pytest.raises(TypeError, match="targets"):
        offer(targets="GBF-T6")


# The development set --------------------------------------------------------------------------


def _matching_eval():
    spec = importlib.util.spec_from_file_location(
        "matching_eval", ROOT / "bench" / "matching_eval.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not DEV_SET.exists(), reason="shared/matching/dev_set.json is not checked out")
def test_dev_set_meets_the_bar_with_no_eligibility_violation():
    started = time.perf_counter()
    matching_eval = _matching_eval()
    result = matching_eval.evaluate(DEV_SET, matching_eval.EligibilityCheck())
    engine = result["systems"]["engine"]
    assert engine["violations"] == 0
    assert engine["ndcg5"] >= 0.75
    assert engine["mrr"] >= 0.80
    for baseline in ("structured", "tfidf"):
        assert engine["ndcg5"] >= result["systems"][baseline]["ndcg5"] + 0.05
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize(
    "path", sorted((ROOT / "bench" / "data").glob("*.json")), ids=lambda p: p.name
)
def test_every_evaluation_set_in_bench_data_meets_the_bar(path):
    matching_eval = _matching_eval()
    result = matching_eval.evaluate(path, matching_eval.EligibilityCheck())
    assert result["systems"]["engine"]["violations"] == 0
    assert result["passed"], result["systems"]
