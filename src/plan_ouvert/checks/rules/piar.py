"""Rules of the PIAR gabarit (Accès entreprise Québec, MEI).

An erreur is kept for what makes a plan unreadable or ambiguous (a number the référentiel does
not have). What the gabarit asks and the adopted plan does not give (« il faut y associer
minimalement un objectif général et un axe », « une échéance doit être associée ») is a
non-conformité: the plan is published as adopted and its page says what is missing. What the
gabarit only says « généralement » (4 to 7 enjeux) is an avertissement.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from plan_ouvert.source.echeance import date_fr, fold, parse
from plan_ouvert.source.findings import Severity
from plan_ouvert.source.model import TempsImparti

from .base import Context, Hit, rule
from .common import path_of


def _plan(ctx: Context) -> Any:
    # The rule set runs on kinds that name it (piar.yml): enjeux → actions, a ressources registry.
    return ctx.plan


# The rule set a kind file names (`regles: [piar]`): this module's own name.
REGLES = __name__.rpartition(".")[2]


def _referenced(ctx: Context, kind: str) -> Iterator[Hit]:
    label = "objectif général" if kind == "objectifs_generaux" else "axe d'intervention"
    for element in ctx.tree.of_type("enjeu"):
        enjeu = element.record
        if kind in element.dispenses:
            continue  # the convention's obligations lie outside the programme's objectives and axes
        numbers = getattr(enjeu, kind)
        if not numbers:
            yield Hit(
                (*path_of(enjeu), kind) if kind in enjeu.model_fields_set else path_of(enjeu),
                f"l'enjeu {enjeu.id} n'est associé à aucun {label}, alors que le gabarit en demande au "
                "moins un. Le plan est publié tel qu'adopté et la page de l'enjeu le signale.",
            )


@rule(
    "PIAR-E001",
    Severity.NON_CONFORMITE,
    "Enjeu sans objectif général",
    regles=REGLES,
    public="Le plan adopté n'associe cet enjeu à aucun objectif général du programme.",
)
def enjeu_objectif(ctx: Context) -> Iterator[Hit]:
    """A non-conformité: the plan reads unambiguously, it only departs from the gabarit."""
    yield from _referenced(ctx, "objectifs_generaux")


@rule(
    "PIAR-E002",
    Severity.NON_CONFORMITE,
    "Enjeu sans axe d'intervention",
    regles=REGLES,
    public="Le plan adopté n'associe cet enjeu à aucun axe d'intervention du programme.",
)
def enjeu_axe(ctx: Context) -> Iterator[Hit]:
    """A non-conformité, like PIAR-E001: nothing is unreadable, the gabarit asks for an axe."""
    yield from _referenced(ctx, "axes")


@rule("PIAR-E003", Severity.ERREUR, "Numéro absent du référentiel", regles=REGLES)
def numbers_in_referentiel(ctx: Context) -> Iterator[Hit]:
    """An erreur: a number the référentiel lacks is an unknown reference, no page can name it."""
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


@rule(
    "PIAR-E004",
    Severity.NON_CONFORMITE,
    "Action sans échéance",
    regles=REGLES,
    public="Le plan adopté ne précise pas d'échéance pour cette action.",
)
def action_echeance(ctx: Context) -> Iterator[Hit]:
    """A non-conformité: an adopted plan may lack an échéance; no value is suggested, since any
    value typed here would be one the plan does not have."""
    for enjeu in _plan(ctx).enjeux:
        for action in enjeu.actions:
            if not parse(action.echeance):
                yield Hit(
                    path_of(action),
                    f"l'action {action.id} n'a pas d'échéance, alors que le gabarit en demande une pour "
                    "chaque action. Le plan est publié tel qu'adopté et la page de l'action le signale.",
                )


def _allocations(plan: Any) -> Iterator[tuple[TempsImparti, str]]:
    for enjeu in plan.enjeux:
        if enjeu.temps_imparti:
            yield enjeu.temps_imparti, f"enjeu {enjeu.id}"
        for action in enjeu.actions:
            if action.temps_imparti:
                yield action.temps_imparti, f"action {action.id}"


@rule("PIAR-E005", Severity.NON_CONFORMITE, "Ressource affectée à plus de 100 %", regles=REGLES)
def resource_total(ctx: Context) -> Iterator[Hit]:
    """A non-conformité: the shares are read without ambiguity; their sum departs from the gabarit.

    The share of a resource's time outside the programme (`hors_programme`) counts too: a
    person is never more than 100 % of their time.
    """
    plan = _plan(ctx)
    totals: dict[str, float] = defaultdict(float)
    places: dict[str, list[str]] = defaultdict(list)
    for temps, where in _allocations(plan):
        for allocation in temps.allocations:
            totals[allocation.ressource] += allocation.part
            places[allocation.ressource].append(f"{allocation.part:g} % ({where})")
    for ressource in plan.ressources:
        if ressource.hors_programme:
            totals[ressource.id] += ressource.hors_programme
            places[ressource.id].append(f"{ressource.hors_programme:g} % (hors programme)")
        if totals[ressource.id] > 100:
            yield Hit(
                path_of(ressource),
                f"la ressource « {ressource.id} » est affectée à {totals[ressource.id]:g} % de son temps : "
                f"{' + '.join(places[ressource.id])}. Le gabarit limite le total à 100 %, temps hors programme "
                "compris ; vérifiez ces parts dans le plan adopté.",
            )


@rule("PIAR-W001", Severity.AVERTISSEMENT, "Nombre d'enjeux inhabituel", regles=REGLES)
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


@rule(
    "PIAR-W002",
    Severity.NON_CONFORMITE,
    "Enjeu sans objectif à atteindre",
    regles=REGLES,
    public="Le plan adopté ne précise pas d'objectif à atteindre pour cet enjeu.",
)
def enjeu_objectifs(ctx: Context) -> Iterator[Hit]:
    """A non-conformité: the gabarit asks for SMART objectives; the plan as adopted has none."""
    for enjeu in _plan(ctx).enjeux:
        if not enjeu.objectifs:
            yield Hit(
                path_of(enjeu),
                f"l'enjeu {enjeu.id} n'a pas d'objectif à atteindre, alors que le gabarit demande des "
                "objectifs SMART. Le plan est publié tel qu'adopté et la page de l'enjeu le signale.",
            )


@rule(
    "PIAR-W003",
    Severity.NON_CONFORMITE,
    "Enjeu sans indicateur",
    regles=REGLES,
    public="Le plan adopté ne précise pas d'indicateur de performance pour cet enjeu.",
)
def enjeu_indicateurs(ctx: Context) -> Iterator[Hit]:
    """A non-conformité: the gabarit asks for performance indicators for each enjeu."""
    for enjeu in _plan(ctx).enjeux:
        if not enjeu.indicateurs:
            yield Hit(
                path_of(enjeu),
                f"l'enjeu {enjeu.id} n'a pas d'indicateur de performance, alors que le gabarit en demande "
                "pour rendre compte des résultats. Le plan est publié tel qu'adopté et la page de l'enjeu "
                "le signale.",
            )


@rule("PIAR-W004", Severity.AVERTISSEMENT, "Ressource sans statut", regles=REGLES)
def resource_status(ctx: Context) -> Iterator[Hit]:
    """An avertissement: the status informs the ministry, the plan reads the same without it."""
    for ressource in _plan(ctx).ressources:
        if ressource.statut is None:
            yield Hit(
                path_of(ressource),
                f"la ressource « {ressource.id} » ne dit pas si elle est nouvelle, existante ou issue "
                "d'une promotion interne ; le gabarit le demande si le plan adopté le précise.",
            )


@rule("PIAR-W005", Severity.AVERTISSEMENT, "Plan déposé plus de trois mois après la convention", regles=REGLES)
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


@rule("PIAR-W006", Severity.AVERTISSEMENT, "Échéance antérieure à la date du plan", regles=REGLES)
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
                        f"({date_fr(plan.date_plan)}) : vérifiez qu'elle est bien saisie comme dans le plan adopté.",
                    )


@rule("PIAR-W007", Severity.AVERTISSEMENT, "Échéance après la fin de la période", regles=REGLES)
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


@rule(
    "PIAR-W008",
    Severity.NON_CONFORMITE,
    "Enjeu sans action",
    regles=REGLES,
    public="Le plan adopté ne prévoit aucune action pour cet enjeu.",
)
def enjeu_actions(ctx: Context) -> Iterator[Hit]:
    """A non-conformité: the gabarit asks for actions to reach each objective."""
    for enjeu in _plan(ctx).enjeux:
        if not enjeu.actions:
            yield Hit(
                path_of(enjeu),
                f"l'enjeu {enjeu.id} n'a aucune action, alors que le gabarit en demande pour atteindre "
                "chaque objectif. Le plan est publié tel qu'adopté et la page de l'enjeu le signale.",
            )


# A share as a text gives it: « 40 % », « 40% », « 12,5 % ».
_PERCENT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d+)?)\s*%")
# What separates the parts of « R1 : 40 %, R2 : 60 % » (a comma inside « 12,5 » does not).
_PARTS = re.compile(r";|\n|\+|/|,(?!\d)|\bet\b")


def _resource_names(text: str, ids: list[str]) -> list[str]:
    """The registry ids a piece of text names, as whole words, accents and case aside (« R1 »
    names r1, « la conseillère » names conseillere). Ids without a letter (« 1 ») are never
    looked for: a number in a text is not a resource."""
    folded = fold(text)
    return [
        rid
        for rid in ids
        if re.search(r"[a-z]", rid) and re.search(rf"(?<![a-z0-9-]){re.escape(rid)}(?![a-z0-9-])", folded)
    ]


def _percent(text: str) -> float:
    return float(text.replace(",", "."))


def stated_shares(text: str, ids: list[str]) -> dict[str, float] | None:
    """The share the text of a temps imparti gives each resource, when it ties each percentage
    to one resource without doubt (« R1 : 40 %, R2 : 60 % », « 40 % de la tâche de R1 »).

    None when any part is in doubt: a percentage without a resource or with several, a resource
    without a percentage (« R1 et R2 : 50 % »), two shares for one resource.
    """
    shares: dict[str, float] = {}
    for part in _PARTS.split(text):
        percents = _PERCENT.findall(part)
        names = _resource_names(part, ids)
        if not percents and not names:
            continue
        if len(percents) != 1 or len(names) != 1 or names[0] in shares:
            return None
        shares[names[0]] = _percent(percents[0])
    return shares


def _fr(value: float) -> str:
    """« 45 % », « 12,5 % »."""
    return f"{value:g}".replace(".", ",") + "\u00a0%"


def _disagreements(temps: TempsImparti, ids: list[str]) -> Iterator[tuple[str, float, float | None]]:
    """(resource, share the text gives, share the allocations give) where they differ."""
    if not temps.texte or not temps.allocations:
        return
    given: dict[str, float] = defaultdict(float)
    for allocation in temps.allocations:
        given[allocation.ressource] += allocation.part
    shares = stated_shares(temps.texte, ids)
    if shares is None and not _resource_names(temps.texte, ids):
        # « 60 % de la tâche de la ressource » names no one: with one allocation, the one share compares.
        percents = _PERCENT.findall(temps.texte)
        if len(percents) == 1 and len(temps.allocations) == 1:
            shares = {temps.allocations[0].ressource: _percent(percents[0])}
    for rid, stated in (shares or {}).items():
        if rid not in given:
            yield rid, stated, None
        elif abs(given[rid] - stated) > 1e-9:
            yield rid, stated, given[rid]


@rule("PIAR-W009", Severity.AVERTISSEMENT, "Temps imparti : texte et parts en désaccord", regles=REGLES)
def shares_match_text(ctx: Context) -> Iterator[Hit]:
    """An avertissement: the text is the plan's wording, the allocations its reading in numbers;
    when they differ, one of them was typed wrong, and only the adopted plan can say which."""
    ids = [r.id for r in getattr(ctx.plan, "ressources", None) or []]
    for element in ctx.tree.elements:
        for champ in element.niveau.champs:
            temps = element.valeur(champ.cle) if champ.type == "temps_imparti" else None
            if not isinstance(temps, TempsImparti):
                continue
            where = f"{element.niveau.singulier.lower()} {element.numero}"
            for rid, stated, given in _disagreements(temps, ids):
                counted = f"n'en donnent aucune à « {rid} »" if given is None else f"lui donnent {_fr(given)}"
                yield Hit(
                    (*element.path, champ.cle),
                    f"le texte du temps imparti ({where}) donne {_fr(stated)} à la ressource « {rid} », alors "
                    f"que ses parts chiffrées (allocations) {counted} : vérifiez lequel des deux suit le plan "
                    "adopté.",
                )


@rule("PIAR-I001", Severity.INFO, "Date de la convention absente", regles=REGLES)
def convention_date(ctx: Context) -> Iterator[Hit]:
    if _plan(ctx).date_convention is None:
        yield Hit(
            (),
            "date de la convention absente : si le plan adopté la donne, « date_convention: » "
            "permet de vérifier le délai de dépôt de trois mois.",
        )
