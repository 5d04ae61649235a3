"""French labels of the model's enumerations and French words, shared by pages, exports and reports."""

from __future__ import annotations

from plan_ouvert.source.echeance import fold
from plan_ouvert.source.kinds import Niveau

STATUTS_PLAN = {"projet": "Projet", "adopte": "Adopté", "en_vigueur": "En vigueur", "echu": "Échu"}
STATUTS_RESSOURCE = {
    "nouvelle": "Nouvelle ressource",
    "existante": "Ressource existante",
    "promotion_interne": "Promotion interne",
}
STATUTS_SUIVI = {
    "a_venir": "À venir",
    "en_cours": "En cours",
    "realise": "Réalisé",
    "reporte": "Reporté",
    "abandonne": "Abandonné",
}
TEMPS = {"plein": "temps plein", "partiel": "temps partiel"}


# --- Numbers as French readers write them ---------------------------------------------------


def nombre(value: float | None) -> str:
    """French number: « 1 000 », « 2,5 »; amounts in millions as « 2,5 M »."""
    if value is None:
        return ""
    if value == int(value):
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", "\u202f").replace(".", ",")


def montant(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 1_000_000:
        return f"{nombre(value / 1_000_000)}\u00a0M$"
    return f"{nombre(value)}\u00a0$"


def pourcent(value: float | None) -> str:
    return "" if value is None else f"{nombre(value)}\u00a0%"


# --- French words ----------------------------------------------------------------------------

VOWELS = tuple("aeiouyh")


def de(word: str) -> str:
    """« de porteur », « d'échéancier »: French elision before a vowel or a mute h."""
    return f"d'{word}" if fold(word).startswith(VOWELS) else f"de {word}"


def minuscule(text: str) -> str:
    """« Moyens d'action » → « moyens d'action » inside a sentence; an acronym (« MRC ») stays."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def majuscule(text: str) -> str:
    return text[:1].upper() + text[1:]


def demonstratif(word: str, feminin: bool) -> str:
    """« cette clientèle », « cet objectif », « ce moyen d'action »."""
    if feminin:
        return f"cette {word}"
    return f"cet {word}" if fold(word).startswith(VOWELS) else f"ce {word}"


def ce(niveau: Niveau) -> str:
    """« cette action », « cet objectif », « ce moyen d'action »."""
    return demonstratif(niveau.singulier.lower(), niveau.feminin)


def un(niveau: Niveau) -> str:
    return "une" if niveau.feminin else "un"


def du(document: str) -> str:
    """« du plan », « de la programmation », « des priorités »: de before a noun and its article."""
    if document.startswith("le "):
        return f"du {document[3:]}"
    if document.startswith("les "):
        return f"des {document[4:]}"
    return f"de {document}"


def court(niveau: Niveau) -> str:
    """« moyen » for « Moyen d'action »: the level's first word, for counts (« 3 moyen(s) »)."""
    return minuscule(niveau.singulier.split(" ")[0])


def compte(niveau: Niveau, number: int) -> str:
    """« 3 moyen(s) », « 0 action(s) »."""
    return f"{number} {court(niveau)}(s)"
