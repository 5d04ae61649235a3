"""Rules of the PAC programmation (Programme d'appui aux collectivités, MIFI).

The programmation's columns are all expected for every moyen; the gabarit asks for « la
cible en fonction de l'indicateur », so each indicator needs a target in each year of the
moyen's échéance. A column the adopted plan leaves empty is a non-conformité: the plan is
published as adopted and the moyen's page says what is missing. What looks like a typing
mistake is an avertissement. An échéance in a year the plan does not have is an erreur: an
unknown reference, which no reader can place.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from plan_ouvert.source.echeance import mistyped_number, parse
from plan_ouvert.source.findings import Severity
from plan_ouvert.source.tree import cible_years

from .base import Context, Hit, rule
from .common import path_of


def _plan(ctx: Context) -> Any:
    # The rule set runs on kinds that name it (pac.yml): objectifs spécifiques → moyens.
    return ctx.plan


def _moyens(ctx: Context) -> Iterator[Any]:
    for objectif in _plan(ctx).objectifs_specifiques:
        yield from objectif.moyens


def numero(moyen: Any) -> str:
    """« 2-1 » is shown as « 2.1 », as in the programmation."""
    return str(moyen.id).replace("-", ".")


def years_of(moyen: Any) -> list[int]:
    return [t.annee_plan for t in parse(moyen.echeance) if t.annee_plan is not None]


ADOPTED = "Le plan est publié tel qu'adopté et la page du moyen le signale."


def _missing(ctx: Context, field: str, what: str, how: str) -> Iterator[Hit]:
    for moyen in _moyens(ctx):
        if not getattr(moyen, field):
            yield Hit(path_of(moyen), f"le moyen {numero(moyen)} n'a pas {what} : {how}")


def _expected(what: str) -> str:
    # Says what the gabarit expects, never a value to type: the plan is published as adopted.
    return f"la programmation prévoit {what} pour chaque moyen. {ADOPTED}"


# The rule set a kind file names (`regles: [pac]`): this module's own name.
REGLES = __name__.rpartition(".")[2]


@rule(
    "PAC-W001",
    Severity.NON_CONFORMITE,
    "Moyen sans porteur",
    regles=REGLES,
    public="Le plan adopté ne précise pas de porteur pour ce moyen d'action.",
)
def moyen_porteur(ctx: Context) -> Iterator[Hit]:
    """A non-conformité: an empty column of the programmation."""
    yield from _missing(ctx, "porteurs", "de porteur", _expected("un porteur"))


@rule(
    "PAC-W002",
    Severity.NON_CONFORMITE,
    "Moyen sans résultat attendu",
    regles=REGLES,
    public="Le plan adopté ne précise pas de résultat attendu pour ce moyen d'action.",
)
def moyen_resultat(ctx: Context) -> Iterator[Hit]:
    """A non-conformité: an empty column of the programmation."""
    yield from _missing(ctx, "resultats_attendus", "de résultat attendu", _expected("des résultats attendus"))


@rule(
    "PAC-W003",
    Severity.NON_CONFORMITE,
    "Moyen sans indicateur",
    regles=REGLES,
    public="Le plan adopté ne précise pas d'indicateur de performance pour ce moyen d'action.",
)
def moyen_indicateur(ctx: Context) -> Iterator[Hit]:
    """A non-conformité: an empty column of the programmation."""
    yield from _missing(
        ctx, "indicateurs", "d'indicateur de performance", _expected("des indicateurs et leurs cibles par année")
    )


@rule("PAC-W004", Severity.NON_CONFORMITE, "Indicateur sans cible pour une année", regles=REGLES)
def indicateur_cibles(ctx: Context) -> Iterator[Hit]:
    """A non-conformité: the gabarit asks for a target per indicator and per year."""
    for moyen in _moyens(ctx):
        years = years_of(moyen)
        for indicateur in moyen.indicateurs:
            covered = {y for c in indicateur.cibles for y in cible_years(c)}
            missing = [y for y in years if y not in covered]
            if missing:
                labels = ", ".join(f"An {y}" for y in missing)
                yield Hit(
                    path_of(indicateur),
                    f"l'indicateur « {indicateur.texte} » du moyen {numero(moyen)} n'a pas de cible pour "
                    f"{labels}, alors que le gabarit demande une cible pour chaque année de l'échéance. {ADOPTED}",
                )


@rule(
    "PAC-W005",
    Severity.NON_CONFORMITE,
    "Moyen sans échéance",
    regles=REGLES,
    public="Le plan adopté ne précise pas d'échéance pour ce moyen d'action.",
)
def moyen_echeance(ctx: Context) -> Iterator[Hit]:
    """A non-conformité: no year is suggested, it would be one the plan does not have."""
    yield from _missing(ctx, "echeance", "d'échéance", _expected("une échéance en années du plan"))


@rule("PAC-E001", Severity.ERREUR, "Échéance hors des années du plan", regles=REGLES)
def echeance_in_plan(ctx: Context) -> Iterator[Hit]:
    """An erreur: « An 4 » in a plan of three years is an unknown reference, no view can place it."""
    known = {a.numero for a in _plan(ctx).annees}
    if not known:
        return
    for moyen in _moyens(ctx):
        for terme in parse(moyen.echeance):
            if terme.annee_plan is not None and terme.annee_plan not in known:
                yield Hit(
                    (*path_of(moyen), "echeance"),
                    f"« {terme.texte} » : le plan n'a pas d'An {terme.annee_plan} (années : "
                    f"{', '.join(f'An {n}' for n in sorted(known))}).",
                )


@rule("PAC-W006", Severity.AVERTISSEMENT, "Année du plan mal datée", regles=REGLES)
def year_label(ctx: Context) -> Iterator[Hit]:
    years = {a.numero: (a.debut, a.fin) for a in _plan(ctx).annees}
    for moyen in _moyens(ctx):
        for terme in parse(moyen.echeance):
            expected = years.get(terme.annee_plan or 0)
            if expected and terme.periode and terme.periode != expected:
                yield Hit(
                    (*path_of(moyen), "echeance"),
                    f"« {terme.texte} » (moyen {numero(moyen)}) : l'An {terme.annee_plan} du plan est "
                    f"{expected[0]}-{expected[1]}, pas {terme.periode[0]}-{terme.periode[1]}. Corrigez "
                    "l'année ou la période.",
                )


@rule("PAC-W007", Severity.AVERTISSEMENT, "Cible numérique mal saisie", regles=REGLES)
def cible_number(ctx: Context) -> Iterator[Hit]:
    for moyen in _moyens(ctx):
        for indicateur in moyen.indicateurs:
            for cible in indicateur.cibles:
                typo = mistyped_number(cible.texte)
                if typo:
                    yield Hit(
                        (*path_of(cible), "texte"),
                        f"cible « {cible.texte} » (moyen {numero(moyen)}) : « {typo} » mêle chiffres et "
                        "lettres : si c'est une faute de frappe, écrivez le nombre en chiffres seulement.",
                    )


@rule("PAC-W008", Severity.AVERTISSEMENT, "Partenaire absent du registre", regles=REGLES)
def partner_known(ctx: Context) -> Iterator[Hit]:
    registry = {p.id: p for p in ctx.plan.partenaires}
    for moyen in _moyens(ctx):
        for role in ("porteurs", "collaborateurs"):
            for index, ref in enumerate(getattr(moyen, role)):
                if ref in registry:
                    continue
                close = difflib.get_close_matches(ref, list(registry), n=1, cutoff=0.6)
                hint = f" Vouliez-vous dire « {close[0]} »" if close else ""
                if close and registry[close[0]].sigle:
                    hint += f" ({registry[close[0]].sigle})"
                hint = f"{hint} ?" if hint else " Ajoutez-le au registre « partenaires »."
                yield Hit(
                    (*path_of(moyen), role, index),
                    f"« {ref} » (moyen {numero(moyen)}) n'est pas dans le registre des partenaires.{hint}",
                )


@rule("PAC-W009", Severity.AVERTISSEMENT, "Cible hors de l'échéance", regles=REGLES)
def cible_within(ctx: Context) -> Iterator[Hit]:
    for moyen in _moyens(ctx):
        years = set(years_of(moyen))
        if not years:
            continue
        for indicateur in moyen.indicateurs:
            for cible in indicateur.cibles:
                outside = [y for y in cible_years(cible) if y not in years]
                if outside:
                    yield Hit(
                        path_of(cible),
                        f"cible « {cible.texte} » pour An {outside[0]}, hors de l'échéance du moyen "
                        f"{numero(moyen)} : vérifiez l'échéance et l'année de la cible dans le plan adopté.",
                    )


@rule("PAC-W010", Severity.AVERTISSEMENT, "Années du plan non définies", regles=REGLES)
def plan_years(ctx: Context) -> Iterator[Hit]:
    if not _plan(ctx).annees:
        yield Hit(
            (),
            "le plan ne définit pas ses années (An 1, An 2, An 3 et leurs années civiles) : les "
            "échéances ne peuvent être situées. « annees: » les décrit si le plan adopté les donne.",
        )


@rule("PAC-I001", Severity.INFO, "Moyen sans clientèle visée", regles=REGLES)
def moyen_clientele(ctx: Context) -> Iterator[Hit]:
    yield from _missing(ctx, "clientele", "de clientèle visée", "le plan adopté ne la précise pas.")
