"""Page addresses, made from stable ids only, so that a reworded element keeps its URL.

Every URL is relative to the site root and ends with "/" (a folder holding index.html). Two
records that would share an address are found by checks/adresses.py, before any page is written.
"""

from __future__ import annotations

import re

from plan_ouvert.source.echeance import fold


def element_url(plan_id: str, dossier: str, record_id: str) -> str:
    return f"plans/{plan_id}/{dossier}/{record_id}/"


def slug(text: str) -> str:
    """Lowercase ASCII slug for values that have no id of their own (clientèles)."""
    folded = fold(text)
    out = []
    for char in folded:
        out.append(char if char.isascii() and char.isalnum() else "-")
    return "-".join(part for part in "".join(out).split("-") if part)[:60] or "x"


def plan_url(plan_id: str) -> str:
    return f"plans/{plan_id}/"


def partner_url(plan_id: str, partner_id: str) -> str:
    return f"plans/{plan_id}/partenaires/{partner_id}/"


def value_url(plan_id: str, dossier: str, text: str) -> str:
    """The page of one value of a field with a view (« clienteles/personnes-immigrantes/ »)."""
    return f"plans/{plan_id}/{dossier}/{slug(text)}/"


def report_url(plan_id: str, annee: int) -> str:
    return f"plans/{plan_id}/rapport/an-{annee}/"


def report_file(plan_id: str, annee: int) -> str:
    return f"{report_url(plan_id, annee)}{plan_id}-rapport-an-{annee}.xlsx"


def browse_url(plan_id: str, vue: str) -> str:
    """A browse view's page: « partenaires/ », « echeances/ », or a field's view (« clienteles/ »)."""
    return f"plans/{plan_id}/{vue}/"


def organisation_url(organisation: str) -> str:
    return f"organisations/{organisation}/"


def region_url(code: str) -> str:
    """A région's heading on the page of organisations (« organisations/#region-14 »)."""
    return f"organisations/#region-{code}"


def programme_url(key: str) -> str:
    return f"programmes/{key}/"


def dataset_url(plan_id: str) -> str:
    """« donnees/<plan>/dataset.jsonld »: the DCAT metadata of one plan's data."""
    return f"donnees/{plan_id}/dataset.jsonld"


def csv_url(table: str) -> str:
    """One table of the open data (« donnees/csv/actions.csv »)."""
    return f"donnees/csv/{table}.csv"


def wording_key(text: str) -> str:
    """What makes two clientèles one: the same words, whatever the case, accents and punctuation.

    Unlike `slug`, letters of every alphabet are kept: « Тоус » (Cyrillic) and « Вce » both
    slug to « x » but are two different clientèles.
    """
    return "-".join(re.findall(r"\w+", fold(text)))


def entendu_url(plan_id: str) -> str:
    """« Ce que nous avons entendu »: the page of a plan's public consultation."""
    return f"{plan_url(plan_id)}consultation/"


def changements_url(plan_id: str) -> str:
    """« Ce qui a changé depuis le projet »: from the draft to the adopted plan."""
    return f"{entendu_url(plan_id)}changements/"


def draft_file(plan_id: str) -> str:
    """The draft submitted to the consultation, as published beside its pages."""
    return f"{entendu_url(plan_id)}projet-{plan_id}.yml"


def consultation_data_files(plan_id: str) -> dict[str, str]:
    """The consultation's open data (counts only), by what each file holds."""
    base = entendu_url(plan_id)
    return {
        "elements": f"{base}avis-par-element.csv",
        "themes": f"{base}avis-par-theme.csv",
        "paquet": f"{base}datapackage.json",
    }
