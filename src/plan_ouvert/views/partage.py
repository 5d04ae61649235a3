"""What a link preview shows of a page: a short French description computed from its content.

A social network, a messaging app or a search engine reads `<meta name="description">` and the
Open Graph tags of a page; the description here says what the page holds, in the plan's own
words where the plan has them (an element's text), and in a sentence of ours otherwise (a
plan's counts, a view's purpose). Plain text only: the engine's templates escape it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from plan_ouvert.source.tree import Element, PlanTree
from plan_ouvert.views.libelles import minuscule
from plan_ouvert.views.pages import Page, plan_label

if TYPE_CHECKING:  # the site imports the open data, which reads the descriptions here
    from plan_ouvert.views.context import SiteContext as Site
    from plan_ouvert.views.suivi import Tableau

# Search engines show about 155 to 160 characters of a description; longer text is cut.
LIMIT = 160
ELLIPSIS = "…"
# Names of organisations that take « de la » in French (« de la MRC de L'Assomption »).
FEMININE_ORGANISATIONS = ("MRC ", "Ville ", "Municipalité ", "Communauté ", "Agglomération ")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(\*\*|__|\*|`)")

# What each view of a plan is for; the plan's label follows (« — PIAR, MRC de L'Assomption, 2021 »),
# with no article, since a kind's short name may be masculine or feminine.
PURPOSES = {
    "echeances": "Échéancier : ce qui est prévu, élément par élément, et quand",
    "suivi": "Suivi : avancement de chaque élément et cibles atteintes par année",
    "etat": "État du plan : complétude des renseignements et écarts au gabarit du programme",
    "historique": "Historique des versions : mises à jour déclarées et modifications du fichier",
    "partenaires": "Partenaires nommés dans le plan et leur rôle dans chaque élément",
    "programme": "Objectifs et axes du programme, et les éléments du plan qui les visent",
    "rapport": "{titre} : réalisations et cibles de l'année, prêtes à déposer",
    "partenaire": "{titre}, et son rôle dans chaque élément du plan",
    "valeurs": "{titre} : chaque valeur et les éléments du plan qui la nomment",
    "valeur": "{titre}, et les éléments du plan qui la nomment",
}
# The pages across plans (« {titre} »: the page's title).
PORTAL = {
    "plans": "Tous les plans d'action publiés sur ce site : organisme, période, statut et avancement de chacun.",
    "programmes": "Les programmes dont relèvent les plans publiés sur ce site, et les plans de chacun.",
    "programme-plans": "{titre} : chaque plan du programme et les objectifs et axes que chacun couvre.",
    "organisations": "Les organismes qui publient un plan sur ce site, par région administrative.",
    "organisation": "{titre} : les plans de cet organisme publiés sur ce site.",
}


def plain(text: str) -> str:
    """The text without the small Markdown the plans may hold, on one line."""
    text = _LINK.sub(r"\1", text)
    text = _MARKS.sub("", text)
    return " ".join(text.split())


def shorten(text: str, limit: int = LIMIT) -> str:
    """`text` cut at the last word boundary before `limit` characters, with « … » if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS) + 1]
    space = cut.rfind(" ")
    if space > limit // 2:  # a word boundary not too far back; else cut inside a long word
        cut = cut[:space]
    return cut[: limit - len(ELLIPSIS)].rstrip(" ,;:.–—-") + ELLIPSIS


def of_organisation(nom: str) -> str:
    """« de la MRC de L'Assomption », « de CieNOV »: who adopted the plan, after its title."""
    if nom.startswith(FEMININE_ORGANISATIONS):
        return f"de la {nom}"
    return f"d'{nom}" if minuscule(nom)[:1] in "aeiouyhéèêàâîôû" else f"de {nom}"


def counts(tree: PlanTree) -> str:
    """« 6 enjeux, 17 actions »: how many elements of each level the plan holds."""
    parts = []
    for niveau in tree.niveaux:
        number = len(tree.of_type(niveau.type))
        word = niveau.pluriel if number > 1 else niveau.singulier
        parts.append(f"{number} {minuscule(word)}")
    return ", ".join(parts)


def year(tree: PlanTree) -> int | None:
    plan = tree.plan
    if plan.date_plan:
        return plan.date_plan.year
    return plan.annees[0].debut if plan.annees else None


def plan_description(tree: PlanTree) -> str:
    """« Plan d'intervention… de la MRC de L'Assomption, 2021 : 6 enjeux, 17 actions. »"""
    plan = tree.plan
    head = f"{plan.titre} {of_organisation(plan.organisme.nom)}"
    when = year(tree)
    if when:
        head += f", {when}"
    if plan.fictif:
        head += " (plan fictif)"
    return shorten(f"{head} : {counts(tree)}.")


def element_description(tree: PlanTree, element: Element) -> str:
    """An element's lead text, shortened; its label and plan when it has no text."""
    text = element.texte
    if isinstance(text, str) and text.strip():
        return shorten(plain(text))
    return shorten(f"{element.titre}, {plan_label(tree)}.")


def _view_description(page: Page, tree: PlanTree) -> str:
    purpose = PURPOSES.get(page.kind, "{titre}")
    return shorten(f"{purpose.format(titre=page.title)} — {plan_label(tree)}.")


def page_description(site: Site, page: Page) -> str:
    """The description of a generated page, from what the page shows."""
    if page.plan_id is None:
        return shorten(PORTAL.get(page.kind, "{titre}.").format(titre=page.title))
    tree = site.tree(page.plan_id)
    if page.kind == "plan":
        return plan_description(tree)
    element = site.element(page.url)
    if element is not None:
        return element_description(tree, element)
    return _view_description(page, tree)


def progression(tableau: Tableau) -> str:
    """« 5 actions réalisées sur 17, 3 en cours »: the card's progress, from the declared follow-up."""
    if not tableau.has_follow_up:
        return "Aucun suivi déclaré pour l'instant."
    total = len(tableau.elements)
    feminin = all(n.feminin for n in tableau.niveaux)
    if len(tableau.niveaux) == 1:
        word = minuscule(tableau.niveaux[0].pluriel if total > 1 else tableau.niveaux[0].singulier)
    else:
        word = "éléments" if total > 1 else "élément"
    done = tableau.by_statut.get("realise", 0)
    ongoing = tableau.by_statut.get("en_cours", 0)
    realise = "réalisée" if feminin else "réalisé"
    realise += "s" if done > 1 else ""
    return f"{done} {realise} sur {total} {word}, {ongoing} en cours."
