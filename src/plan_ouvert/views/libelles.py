"""French labels of the model's enumerations and French words, shared by pages, exports and reports."""

from __future__ import annotations

from plan_ouvert.source.echeance import fold

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
