"""Rules of the PIAR gabarit (Accès entreprise Québec, MEI).

The gabarit's own words decide severities: « il faut y associer minimalement un objectif
général et un axe », « une échéance doit être associée » are erreurs; « généralement de 4 à
7 enjeux » is an avertissement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from plan_ouvert.source.echeance import date_fr, parse
from plan_ouvert.source.findings import Severity
from plan_ouvert.source.model import TempsImparti

from . import Context, Hit, rule
from .common import path_of


def _plan(ctx: Context) -> Any:
    # The rule set runs on kinds that name it (piar.yml): enjeux → actions, a ressources registry.
    return ctx.plan


def _referenced(ctx: Context, kind: str) -> Iterator[Hit]:
    plan = _plan(ctx)
    label = "objectif général" if kind == "objectifs_generaux" else "axe d'intervention"
    for enjeu in plan.enjeux:
        numbers = getattr(enjeu, kind)
        if not numbers:
            yield Hit(
                (*path_of(enjeu), kind) if kind in enjeu.model_fields_set else path_of(enjeu),
                f"l'enjeu {enjeu.id} n'est associé à aucun {label} : le gabarit exige d'en associer "
                f"au moins un (« {kind}: [1] »).",
            )


@rule("PIAR-E001", Severity.ERREUR, "Enjeu sans objectif général", regles="piar")
def enjeu_objectif(ctx: Context) -> Iterator[Hit]:
    yield from _referenced(ctx, "objectifs_generaux")


@rule("PIAR-E002", Severity.ERREUR, "Enjeu sans axe d'intervention", regles="piar")
def enjeu_axe(ctx: Context) -> Iterator[Hit]:
    yield from _referenced(ctx, "axes")


@rule("PIAR-E003", Severity.ERREUR, "Numéro absent du référentiel", regles="piar")
def numbers_in_referentiel(ctx: Context) -> Iterator[Hit]:
    if ctx.referentiel is None:
        return
    for kind, label in (("objectifs_generaux", "objectif général"), ("axes", "axe")):
        allowed = sorted(e.numero for e in getattr(ctx.referentiel, kind))
        for enjeu in _plan(ctx).enjeux:
            for index, number in enumerate(getattr(enjeu, kind)):
                if number not in allowed:
                    yield Hit(
                        (*path_of(enjeu), kind, index),
                        f"{label} {number} inexistant dans {ctx.referentiel.nom} : choisissez parmi "
                        f"{', '.join(map(str, allowed))}.",
                    )


@rule("PIAR-E004", Severity.ERREUR, "Action sans échéance", regles="piar")
def action_echeance(ctx: Context) -> Iterator[Hit]:
    for enjeu in _plan(ctx).enjeux:
        for action in enjeu.actions:
            if not parse(action.echeance):
                yield Hit(
                    path_of(action),
                    f"l'action {action.id} n'a pas d'échéance : le gabarit exige une échéance pour "
                    "chaque action (ex. « echeance: 31 décembre 2021 » ou « echeance: En continu »).",
                )


def _allocations(plan: Any) -> Iterator[tuple[TempsImparti, str]]:
    for enjeu in plan.enjeux:
        if enjeu.temps_imparti:
            yield enjeu.temps_imparti, f"enjeu {enjeu.id}"
        for action in enjeu.actions:
            if action.temps_imparti:
                yield action.temps_imparti, f"action {action.id}"


@rule("PIAR-E005", Severity.ERREUR, "Ressource affectée à plus de 100 %", regles="piar")
def resource_total(ctx: Context) -> Iterator[Hit]:
    plan = _plan(ctx)
    totals: dict[str, float] = defaultdict(float)
    places: dict[str, list[str]] = defaultdict(list)
    for temps, where in _allocations(plan):
        for allocation in temps.allocations:
            totals[allocation.ressource] += allocation.part
            places[allocation.ressource].append(f"{allocation.part:g} % ({where})")
    for ressource in plan.ressources:
        if totals[ressource.id] > 100:
            yield Hit(
                path_of(ressource),
                f"la ressource « {ressource.id} » est affectée à {totals[ressource.id]:g} % de son temps : "
                f"{' + '.join(places[ressource.id])}. Le total ne peut dépasser 100 %.",
            )


@rule("PIAR-W001", Severity.AVERTISSEMENT, "Nombre d'enjeux inhabituel", regles="piar")
def enjeux_count(ctx: Context) -> Iterator[Hit]:
    ref = ctx.referentiel
    if ref is None or ref.enjeux_min is None or ref.enjeux_max is None:
        return
    count = len(_plan(ctx).enjeux)
    if not ref.enjeux_min <= count <= ref.enjeux_max:
        yield Hit(
            ("enjeux",),
            f"le plan compte {count} enjeu{'x' if count > 1 else ''} : le gabarit indique que "
            f"« généralement de {ref.enjeux_min} à {ref.enjeux_max} enjeux sont raisonnables ».",
        )


@rule("PIAR-W002", Severity.AVERTISSEMENT, "Enjeu sans objectif à atteindre", regles="piar")
def enjeu_objectifs(ctx: Context) -> Iterator[Hit]:
    for enjeu in _plan(ctx).enjeux:
        if not enjeu.objectifs:
            yield Hit(
                path_of(enjeu),
                f"l'enjeu {enjeu.id} n'a pas d'objectif à atteindre : ajoutez "
                "« objectifs: » (le gabarit demande des objectifs SMART).",
            )


@rule("PIAR-W003", Severity.AVERTISSEMENT, "Enjeu sans indicateur", regles="piar")
def enjeu_indicateurs(ctx: Context) -> Iterator[Hit]:
    for enjeu in _plan(ctx).enjeux:
        if not enjeu.indicateurs:
            yield Hit(
                path_of(enjeu),
                f"l'enjeu {enjeu.id} n'a pas d'indicateur de performance : ajoutez "
                "« indicateurs: » pour pouvoir rendre compte des résultats.",
            )


@rule("PIAR-W004", Severity.AVERTISSEMENT, "Ressource sans statut", regles="piar")
def resource_status(ctx: Context) -> Iterator[Hit]:
    for ressource in _plan(ctx).ressources:
        if ressource.statut is None:
            yield Hit(
                path_of(ressource),
                f"la ressource « {ressource.id} » ne dit pas si elle est nouvelle ou existante : ajoutez "
                "« statut: nouvelle », « existante » ou « promotion_interne ».",
            )


@rule("PIAR-W005", Severity.AVERTISSEMENT, "Plan déposé plus de trois mois après la convention", regles="piar")
def filing_delay(ctx: Context) -> Iterator[Hit]:
    # The gabarit says « doit être déposé … dans les trois (3) mois »; a late filing is a fact of
    # the past that no edit can fix, so it is reported rather than blocking publication.
    plan, ref = _plan(ctx), ctx.referentiel
    if not (plan.date_plan and plan.date_convention and ref and ref.delai_depot_mois):
        return
    months = (plan.date_plan.year - plan.date_convention.year) * 12 + plan.date_plan.month - plan.date_convention.month
    late = months > ref.delai_depot_mois or (
        months == ref.delai_depot_mois and plan.date_plan.day > plan.date_convention.day
    )
    if late:
        yield Hit(
            ("date_plan",),
            f"plan daté du {date_fr(plan.date_plan)}, plus de {ref.delai_depot_mois} mois après la "
            f"convention du {date_fr(plan.date_convention)} : le gabarit demande le dépôt dans les "
            f"{ref.delai_depot_mois} mois suivant la signature.",
        )


@rule("PIAR-W006", Severity.AVERTISSEMENT, "Échéance antérieure à la date du plan", regles="piar")
def deadline_before_plan(ctx: Context) -> Iterator[Hit]:
    plan = _plan(ctx)
    if plan.date_plan is None:
        return
    for enjeu in plan.enjeux:
        for action in enjeu.actions:
            for terme in parse(action.echeance):
                if terme.fin and not terme.depuis and terme.fin < plan.date_plan:
                    yield Hit(
                        (*path_of(action), "echeance"),
                        f"l'échéance « {terme.texte} » de l'action {action.id} précède la date du plan "
                        f"({date_fr(plan.date_plan)}) : corrigez-la, ou indiquez que l'action est réalisée.",
                    )


@rule("PIAR-W007", Severity.AVERTISSEMENT, "Échéance après la fin de la période", regles="piar")
def deadline_after_period(ctx: Context) -> Iterator[Hit]:
    plan = _plan(ctx)
    if plan.periode is None:
        return
    for enjeu in plan.enjeux:
        for action in enjeu.actions:
            for terme in parse(action.echeance):
                if terme.debut and terme.debut > plan.periode.fin:
                    yield Hit(
                        (*path_of(action), "echeance"),
                        f"l'échéance « {terme.texte} » de l'action {action.id} tombe après la fin du plan "
                        f"({date_fr(plan.periode.fin)}).",
                    )


@rule("PIAR-W008", Severity.AVERTISSEMENT, "Enjeu sans action", regles="piar")
def enjeu_actions(ctx: Context) -> Iterator[Hit]:
    for enjeu in _plan(ctx).enjeux:
        if not enjeu.actions:
            yield Hit(
                path_of(enjeu),
                f"l'enjeu {enjeu.id} n'a aucune action : le gabarit demande des actions "
                "pour atteindre chaque objectif.",
            )


@rule("PIAR-I001", Severity.INFO, "Date de la convention absente", regles="piar")
def convention_date(ctx: Context) -> Iterator[Hit]:
    if _plan(ctx).date_convention is None:
        yield Hit(
            (),
            "date de la convention absente : ajoutez « date_convention: » pour vérifier le délai "
            "de dépôt de trois mois.",
        )
