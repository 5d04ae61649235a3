"""Rules that follow from a kind's declarations, for plans of every kind.

A kind file says which fields its gabarit expects (`attendu: true`); the adopted plan may
leave one empty, and that is reported, never a reason to refuse the plan. Where a programme
has its own rule for the same fact (PAC-W008 for partners, PIAR-W006 for early échéances),
the kind names that rule set and the generic rule stands aside, so that one fact gives one
finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from plan_ouvert.source.echeance import date_fr
from plan_ouvert.source.findings import Severity
from plan_ouvert.source.tree import Element

from .base import Context, Hit, rule


def _generic_only(ctx: Context) -> bool:
    """Kinds with programme rules (piar, pac) have their own words for these facts."""
    return not ctx.tree.kind.spec.regles


def _what(element: Element) -> str:
    article = (
        "l'"
        if element.niveau.singulier[:1].lower() in "aeiouyhéèêàâîô"
        else ("la " if element.niveau.feminin else "le ")
    )
    return f"{article}{element.libelle[0].lower()}{element.libelle[1:]}"


@rule("TYPE-W001", Severity.NON_CONFORMITE, "Champ attendu absent")
def expected_field(ctx: Context) -> Iterator[Hit]:
    """A non-conformité: a departure from the gabarit, never a reason to refuse the plan."""
    for element in ctx.tree.elements:
        for champ, value in element.champs():
            if champ.attendu and value in (None, "", []):
                yield Hit(
                    element.path,
                    f"{_what(element)} ne précise pas « {champ.libelle} », que le gabarit attend. Le plan est "
                    "publié tel qu'adopté et sa page le signale.",
                )


@rule("TYPE-W002", Severity.AVERTISSEMENT, "Partenaire absent du registre")
def partner_known(ctx: Context) -> Iterator[Hit]:
    if not _generic_only(ctx):
        return
    known = {p.id for p in ctx.plan.partenaires}
    for element in ctx.tree.elements:
        for champ, refs in element.partenaires():
            for index, ref in enumerate(refs):
                if ref not in known:
                    yield Hit(
                        (*element.path, champ.cle, index),
                        f"« {ref} » ({champ.libelle.lower()} de {_what(element)}) n'est pas au registre "
                        "« partenaires » du plan : ajoutez-l'y avec son nom complet.",
                    )


@rule("TYPE-W003", Severity.AVERTISSEMENT, "Échéance hors de la période du plan")
def deadline_in_period(ctx: Context) -> Iterator[Hit]:
    if not _generic_only(ctx):
        return
    plan = ctx.plan
    start = plan.periode.debut if plan.periode else plan.date_plan
    end = plan.periode.fin if plan.periode else None
    for element in ctx.tree.elements:
        for terme in element.termes:
            if start and terme.fin and not terme.depuis and terme.fin < start:
                yield Hit(
                    element.path,
                    f"l'échéance « {terme.texte} » de {_what(element)} précède le début du plan ({date_fr(start)}).",
                )
            elif end and terme.debut and terme.debut > end:
                yield Hit(
                    element.path,
                    f"l'échéance « {terme.texte} » de {_what(element)} tombe après la fin du plan ({date_fr(end)}).",
                )


@rule("TYPE-I001", Severity.INFO, "Indicateur sans cible")
def indicator_target(ctx: Context) -> Iterator[Hit]:
    if not _generic_only(ctx):
        return
    for element in ctx.tree.elements:
        for champ in element.niveau.champs:
            if champ.type != "indicateurs":
                continue
            for index, indicateur in enumerate(element.valeur(champ.cle) or []):
                if not indicateur.cibles:
                    yield Hit(
                        (*element.path, champ.cle, index),
                        f"l'indicateur « {indicateur.texte} » de {_what(element)} n'a pas de cible.",
                    )
