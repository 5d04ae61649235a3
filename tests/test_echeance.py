"""Échéances as people write them: each form gives its genre and the period it covers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.source.echeance import parse
from plan_ouvert.source.tree import Element, PlanTree
from plan_ouvert.views.site import _echeances
from plan_ouvert.views.suivi import calendar_years, echeance_years

from .helpers import petit, plans_folder

D = dt.date

FORMS = [
    ("T3 2024", "trimestre", D(2024, 7, 1), D(2024, 9, 30)),
    ("1er trimestre 2024", "trimestre", D(2024, 1, 1), D(2024, 3, 31)),
    ("Automne 2024", "saison", D(2024, 9, 1), D(2024, 12, 31)),
    ("Hiver 2021", "saison", D(2021, 12, 1), D(2022, 3, 31)),
    ("juin 2021", "mois", D(2021, 6, 1), D(2021, 6, 30)),
    ("31 janvier 2021", "date", D(2021, 1, 31), D(2021, 1, 31)),
    ("2024", "annee", D(2024, 1, 1), D(2024, 12, 31)),
    ("2024-2025", "annees", D(2024, 1, 1), D(2025, 12, 31)),
    ("de janvier à mars 2025", "intervalle", D(2025, 1, 1), D(2025, 3, 31)),
    ("janvier à juin 2025", "intervalle", D(2025, 1, 1), D(2025, 6, 30)),
    ("2024 à 2026", "intervalle", D(2024, 1, 1), D(2026, 12, 31)),
    ("D'ici décembre 2024", "mois", D(2024, 12, 1), D(2024, 12, 31)),
    ("Avant le 31 mars 2025", "date", D(2025, 3, 31), D(2025, 3, 31)),
    ("Dès juin 2021", "mois", D(2021, 6, 1), D(2021, 6, 30)),
    ("Annuellement, à l'automne", "recurrente", None, None),
    ("Mars et octobre de chaque année", "recurrente", None, None),
    ("Dès septembre 2024, chaque semaine", "recurrente", D(2024, 9, 1), None),
    ("Suivi mensuel", "recurrente", None, None),
    ("Au besoin", "au_besoin", None, None),
    ("En continu", "continu", None, None),
]


@pytest.mark.parametrize(("text", "genre", "debut", "fin"), FORMS, ids=[f[0] for f in FORMS])
def test_each_form_gives_one_term_with_its_period(text: str, genre: str, debut: D | None, fin: D | None) -> None:
    [terme] = parse(text)
    assert (terme.texte, terme.genre, terme.debut, terme.fin) == (text, genre, debut, fin)


def test_until_and_from_are_told_apart() -> None:
    [until] = parse("D'ici décembre 2024")
    [since] = parse("Dès juin 2021")
    assert until.jusqua and not until.depuis
    assert since.depuis and not since.jusqua


def test_plan_year_keeps_its_number_and_span() -> None:
    [terme] = parse("An 2 (2023-2024)")
    assert (terme.genre, terme.annee_plan, terme.periode) == ("annee_plan", 2, (2023, 2024))


def test_a_list_gives_one_term_per_item_for_the_checks() -> None:
    termes = parse("18 décembre 2020 et automne 2021")
    assert [(t.genre, t.debut) for t in termes] == [("date", D(2020, 12, 18)), ("saison", D(2021, 9, 1))]


def test_a_month_in_a_list_takes_the_year_written_after_it() -> None:
    termes = parse("janvier, mars et juin 2025")
    assert [t.debut for t in termes] == [D(2025, 1, 1), D(2025, 3, 1), D(2025, 6, 1)]


def test_wording_not_understood_is_unknown_not_dated() -> None:
    assert [t.genre for t in parse("Selon la disponibilité des fonds")] == ["inconnu"]


# --- Placement in the plan's years and on the Échéances page ---------------------------------


def _plan_with(tmp_path: Path, wording: str) -> PlanTree:
    """The small generic plan (calendar plan years An 1 = 2024, An 2 = 2025), its one action
    given `wording` as échéance."""
    text = petit("petit-plan-action").replace("echeance: Été 2025", f'echeance: "{wording}"')
    assert f'echeance: "{wording}"' in text
    catalogue = load_catalogue([plans_folder(tmp_path, {"petit-plan-action.yml": text})])
    return catalogue.entry("petit-plan-action").tree


def _action(tree: PlanTree) -> Element:
    return next(e for e in tree.elements if e.id == "plantation")


@pytest.mark.parametrize(
    ("wording", "years"),
    [
        ("T3 2025", [2]),
        ("2024 à 2025", [1, 2]),
        ("de novembre 2024 à février 2025", [1, 2]),
        ("Annuellement, à l'automne", [1, 2]),
        ("Dès septembre 2025, chaque semaine", [2]),
        ("Au besoin", []),
    ],
)
def test_follow_up_places_periods_and_recurrences_in_plan_years(tmp_path: Path, wording: str, years: list[int]) -> None:
    tree = _plan_with(tmp_path, wording)
    assert echeance_years(tree, _action(tree)) == years


@pytest.mark.parametrize(
    ("wording", "group"),
    [
        ("Annuellement, à l'automne", "Récurrente"),
        ("Au besoin", "Au besoin"),
        ("En continu", "En continu"),
        ("Selon la disponibilité des fonds", "Autres échéances"),
        ("de novembre 2024 à février 2025", "2024"),
    ],
)
def test_echeances_page_groups_show_the_wording_whole(tmp_path: Path, wording: str, group: str) -> None:
    tree = _plan_with(tmp_path, wording)
    groups = {g.titre: g for g in _echeances(tree).groups}
    assert [(i.element.id, i.quand) for i in groups[group].items if i.element.id == "plantation"] == [
        ("plantation", wording)
    ]
    assert "Non datée" not in groups or all(i.element.id != "plantation" for i in groups["Non datée"].items)


def test_a_range_over_two_years_is_listed_in_both_once(tmp_path: Path) -> None:
    tree = _plan_with(tmp_path, "Automne 2024 et de janvier à mars 2025")
    groups = {g.titre: [i.element.id for i in g.items] for g in _echeances(tree).groups}
    assert groups["2024"].count("plantation") == 1 and groups["2025"].count("plantation") == 1


def test_calendar_years_cover_every_year_of_a_range(tmp_path: Path) -> None:
    tree = _plan_with(tmp_path, "2024 à 2026")
    assert calendar_years(_action(tree)) == [2024, 2025, 2026]
