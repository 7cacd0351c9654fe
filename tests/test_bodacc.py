"""Reading the announcements of procédures collectives of the BODACC open data."""

import json
from datetime import date
from pathlib import Path

import pytest
from core.bodacc import (
    BodaccFormatError,
    batches,
    judgment_kind,
    next_offset,
    parse_date,
    parse_page,
    sirens_of,
    where_clause,
)

KEPT = Path(__file__).parents[1] / "account_relance_fr" / "tests" / "data" / "bodacc_annonces_collectives.json"


@pytest.mark.parametrize(
    ("nature", "kind"),
    [
        ("Jugement d'ouverture d'une procédure de redressement judiciaire", "redressement"),
        ("Jugement d'ouverture d'une procédure de sauvegarde", "sauvegarde"),
        ("Jugement d'ouverture de liquidation judiciaire", "liquidation"),
        ("Jugement prononçant la liquidation judiciaire", "liquidation"),
        ("Jugement de conversion en liquidation judiciaire", "conversion"),
        ("Jugement de conversion de la procédure de sauvegarde en redressement judiciaire", "redressement"),
        ("Jugement arrêtant le plan de redressement", "plan"),
        ("Jugement de clôture pour insuffisance d'actif", "closure"),
        ("Jugement prononçant la résolution du plan et ouvrant la liquidation judiciaire", "liquidation"),
        ("Avis de dépôt de l'état des créances", "other"),
    ],
)
def test_the_nature_of_a_judgment_says_what_it_does(nature, kind):
    assert judgment_kind(nature) == kind


def test_dates_iso_or_written_in_french():
    assert parse_date("2024-03-16") == date(2024, 3, 16)
    assert parse_date("12 juin 2024") == date(2024, 6, 12)
    assert parse_date("1er août 2024") == date(2024, 8, 1)
    assert parse_date("le lendemain") is None


def test_the_siren_given_twice_is_one():
    assert sirens_of(["498 765 432", "498765432"]) == ("498765432",)
    assert sirens_of("833 310 592,833310592") == ("833310592",)


def test_the_kept_answer_is_read_and_a_cut_judgment_skipped():
    records = json.loads(KEPT.read_text())
    notices, skipped = parse_page({"total_count": len(records), "results": records})
    assert skipped == ["A202400985500"]
    opening = notices[0]
    assert (opening.kind, opening.judgment_date, opening.published) == (
        "redressement",
        date(2024, 3, 16),
        date(2024, 3, 26),
    )
    assert opening.sirens == ("498765432",)


@pytest.mark.parametrize("payload", [[], {"results": []}, {"total_count": "3", "results": []}, "<html>"])
def test_an_answer_that_is_not_the_dataset_is_refused(payload):
    with pytest.raises(BodaccFormatError):
        parse_page(payload)


def test_sirens_asked_in_batches_and_pages_followed():
    assert [len(batch) for batch in batches([f"{n:09d}" for n in range(85)])] == [40, 40, 5]
    where = where_clause(["498765432", "521000111"], date(2023, 7, 1))
    assert where == (
        "familleavis=\"collective\" AND dateparution>=date'2023-07-01' "
        'AND (registre="498765432" OR registre="521000111")'
    )
    with pytest.raises(ValueError):
        where_clause(['1" OR 1=1'], date(2023, 7, 1))
    assert next_offset({"total_count": 250}, 0) == 100
    assert next_offset({"total_count": 250}, 200) is None
