"""The page map: which public pages exist, their URLs (from stable ids) and their titles.

URLs never depend on wording, only on ids, so that a reworded action keeps its address.
Every URL is relative to the site root and ends with "/" (a folder holding index.html).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .echeance import fold
from .model import AnyPlan, Enjeu, Moyen, ObjectifSpecifique, PlanPAC, PlanPIAR

GABARIT_SIGLES = {"piar": "PIAR", "pac": "Programmation PAC"}


@dataclass(frozen=True)
class Page:
    url: str  # "plans/mrc-etchemins-pac-2022/moyens/1-1/"
    kind: str  # template name: "plan", "enjeu", "action", "objectif", "moyen", "partenaires", ...
    title: str  # the h1, also the start of <title>
    plan_id: str | None = None
    record_id: str | None = None
    parent: str | None = None  # url of the breadcrumb parent
    in_nav: bool = False
    crumb: str = ""  # shorter label for breadcrumbs, when the title is long

    @property
    def label(self) -> str:
        return self.crumb or self.title

    @property
    def src_uri(self) -> str:
        return f"{self.url}index.md"


def plan_label(plan: AnyPlan) -> str:
    """« PIAR, MRC de L'Assomption, 2021 »: what tells two plans apart in a title."""
    year = plan.date_plan.year if plan.date_plan else (plan.annees[0].debut if plan.annees else None)
    parts = [GABARIT_SIGLES[plan.gabarit], plan.organisme.nom]
    if year:
        parts.append(str(year))
    return ", ".join(parts)


def plan_title(plan: AnyPlan) -> str:
    return f"{plan.titre} — {plan.organisme.nom}"


def action_number(action_id: str) -> str:
    return action_id.replace("-", ".")


def enjeu_title(enjeu: Enjeu) -> str:
    return f"Enjeu {enjeu.id}"


def objectif_title(objectif: ObjectifSpecifique) -> str:
    base = f"Objectif spécifique {objectif.numero}"
    return f"{base} : {objectif.titre}" if objectif.titre else base


def moyen_title(moyen: Moyen) -> str:
    return f"Moyen d'action {action_number(moyen.id)}"


def slug(text: str) -> str:
    """Lowercase ASCII slug for values that have no id of their own (clientèles)."""
    folded = fold(text)
    out = []
    for char in folded:
        out.append(char if char.isascii() and char.isalnum() else "-")
    return "-".join(part for part in "".join(out).split("-") if part)[:60] or "x"


@dataclass
class PageMap:
    pages: list[Page] = field(default_factory=list)
    by_url: dict[str, Page] = field(default_factory=dict)
    redirects: dict[str, Page] = field(default_factory=dict)  # old URL → page it moved to

    def add(self, page: Page) -> None:
        self.pages.append(page)
        self.by_url[page.url] = page

    def __iter__(self) -> Iterator[Page]:
        return iter(self.pages)


def plan_url(plan_id: str) -> str:
    return f"plans/{plan_id}/"


def record_url(plan_id: str, kind: str, record_id: str) -> str:
    folder = {
        "enjeu": "enjeux",
        "action": "actions",
        "objectif": "objectifs",
        "moyen": "moyens",
        "partenaire": "partenaires",
        "clientele": "clienteles",
    }[kind]
    return f"plans/{plan_id}/{folder}/{record_id}/"


BROWSE = {
    # kind: (folder, title)
    "partenaires": ("partenaires", "Partenaires"),
    "programme": ("programme", "Objectifs et axes du programme"),
    "clienteles": ("clienteles", "Clientèles visées"),
    "echeances": ("echeances", "Échéances"),
    "etat": ("etat", "État du plan"),
    "suivi": ("suivi", "Suivi du plan"),
    "historique": ("historique", "Historique des versions"),
}


def report_url(plan_id: str, annee: int) -> str:
    return f"plans/{plan_id}/rapport/an-{annee}/"


def report_file(plan_id: str, annee: int) -> str:
    return f"{report_url(plan_id, annee)}{plan_id}-rapport-an-{annee}.xlsx"


def browse_url(plan_id: str, kind: str) -> str:
    return f"plans/{plan_id}/{BROWSE[kind][0]}/"


def wording_key(text: str) -> str:
    """What makes two clientèles one: the same words, whatever the case, accents and punctuation.

    Unlike `slug`, letters of every alphabet are kept: « Тоус » (Cyrillic) and « Вce » both
    slug to « x » but are two different clientèles.
    """
    return "-".join(re.findall(r"\w+", fold(text)))


@dataclass(frozen=True)
class Claim:
    """A record's claim on a URL: two claims with different keys on one URL would share a page."""

    url: str
    key: str  # what the record is
    label: str  # how a message names it
    path: tuple[str | int, ...]  # where the file writes it


def url_claims(plan: AnyPlan) -> Iterator[Claim]:
    """Every record page of a plan with the place that makes it, in file order."""
    records: list[tuple[str, Any]] = [("partenaire", p) for p in plan.partenaires]
    if isinstance(plan, PlanPIAR):
        records += [("enjeu", e) for e in plan.enjeux] + [("action", a) for e in plan.enjeux for a in e.actions]
    else:
        records += [("objectif", o) for o in plan.objectifs_specifiques]
        records += [("moyen", m) for o in plan.objectifs_specifiques for m in o.moyens]
    for kind, record in records:
        yield Claim(record_url(plan.id, kind, record.id), f"{kind}:{record.id}", f"{kind} {record.id}", record._path)
    if isinstance(plan, PlanPAC):
        for objectif in plan.objectifs_specifiques:
            for moyen in objectif.moyens:
                for index, text in enumerate(moyen.clientele):
                    yield Claim(
                        record_url(plan.id, "clientele", slug(text)),
                        f"clientele:{wording_key(text)}",
                        f"clientèle « {text[:80]} »",
                        (*moyen._path, "clientele", index),
                    )


def url_collisions(plan: AnyPlan) -> Iterator[tuple[Claim, Claim]]:
    """Pairs (first, other) of distinct records whose pages would have one URL.

    Two records of one kind with the same id are left to the duplicate-id rule.
    """
    first: dict[str, Claim] = {}
    for claim in url_claims(plan):
        seen = first.setdefault(claim.url, claim)
        if seen.key != claim.key:
            yield seen, claim


def clienteles(plan: AnyPlan) -> dict[str, str]:
    """Slug → wording of every clientèle of a PAC plan, in order of first appearance."""
    found: dict[str, str] = {}
    if isinstance(plan, PlanPAC):
        for objectif in plan.objectifs_specifiques:
            for moyen in objectif.moyens:
                for text in moyen.clientele:
                    found.setdefault(slug(text), text)
    return found


def build_page_map(plans: list[AnyPlan]) -> PageMap:
    pages = PageMap()
    pages.add(Page("plans/", "plans", "Plans", in_nav=True))
    for plan in plans:
        base = plan_url(plan.id)
        pages.add(Page(base, "plan", plan_title(plan), plan.id, parent="plans/", crumb=plan_label(plan)))
        if isinstance(plan, PlanPIAR):
            for enjeu in plan.enjeux:
                url = record_url(plan.id, "enjeu", enjeu.id)
                pages.add(Page(url, "enjeu", enjeu_title(enjeu), plan.id, enjeu.id, parent=base))
                for action in enjeu.actions:
                    pages.add(
                        Page(
                            record_url(plan.id, "action", action.id),
                            "action",
                            f"Action {action_number(action.id)}",
                            plan.id,
                            action.id,
                            parent=url,
                        )
                    )
        else:
            for objectif in plan.objectifs_specifiques:
                url = record_url(plan.id, "objectif", objectif.id)
                pages.add(Page(url, "objectif", objectif_title(objectif), plan.id, objectif.id, parent=base))
                for moyen in objectif.moyens:
                    pages.add(
                        Page(
                            record_url(plan.id, "moyen", moyen.id),
                            "moyen",
                            moyen_title(moyen),
                            plan.id,
                            moyen.id,
                            parent=url,
                        )
                    )
        for kind, (_folder, title) in BROWSE.items():
            if kind == "clienteles" and not isinstance(plan, PlanPAC):
                continue
            pages.add(Page(browse_url(plan.id, kind), kind, title, plan.id, parent=base))
        for annee in plan.annees:
            pages.add(
                Page(
                    report_url(plan.id, annee.numero),
                    "rapport",
                    f"Reddition de compte, An {annee.numero} ({annee.debut}-{annee.fin})",
                    plan.id,
                    str(annee.numero),
                    parent=base,
                    crumb=f"Reddition An {annee.numero}",
                )
            )
        for partenaire in plan.partenaires:
            pages.add(
                Page(
                    record_url(plan.id, "partenaire", partenaire.id),
                    "partenaire",
                    f"Partenaire : {partenaire.nom or partenaire.sigle or partenaire.id}",
                    plan.id,
                    partenaire.id,
                    parent=browse_url(plan.id, "partenaires"),
                    crumb=partenaire.nom or partenaire.sigle or partenaire.id,
                )
            )
        for key, text in clienteles(plan).items():
            pages.add(
                Page(
                    record_url(plan.id, "clientele", key),
                    "clientele",
                    f"Clientèle : {text}",
                    plan.id,
                    key,
                    parent=browse_url(plan.id, "clienteles"),
                    crumb=text,
                )
            )
    _add_redirects(pages, plans)
    return pages


def _add_redirects(pages: PageMap, plans: list[AnyPlan]) -> None:
    """Old ids (`anciens_ids`) keep their URL alive: a page there points to the new one."""
    for plan in plans:
        moved: list[tuple[str, str]] = [(plan_url(old), plan_url(plan.id)) for old in plan.anciens_ids]
        records: list[tuple[str, Any]] = [("partenaire", p) for p in plan.partenaires]
        if isinstance(plan, PlanPIAR):
            records += [("enjeu", e) for e in plan.enjeux]
            records += [("action", a) for e in plan.enjeux for a in e.actions]
        else:
            records += [("objectif", o) for o in plan.objectifs_specifiques]
            records += [("moyen", m) for o in plan.objectifs_specifiques for m in o.moyens]
        for kind, record in records:
            moved += [
                (record_url(plan.id, kind, old), record_url(plan.id, kind, record.id)) for old in record.anciens_ids
            ]
        for old_url, new_url in moved:
            target = pages.by_url.get(new_url)
            # An old URL that a live page uses again is not redirected (COM-E007 reports it).
            if target is not None and old_url not in pages.by_url:
                pages.redirects[old_url] = target
