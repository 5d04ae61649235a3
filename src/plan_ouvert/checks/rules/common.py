"""Rules for every gabarit: identifiers, references, empty text, plan metadata."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from pydantic import BaseModel

from plan_ouvert.checks.adresses import url_collisions
from plan_ouvert.source import licences, regions
from plan_ouvert.source.findings import Severity, shown
from plan_ouvert.source.model import Record, public_fields
from plan_ouvert.source.yamlsource import Source, YamlPath

from .base import Context, Hit, rule

# Text fields that the schema requires and that must say something.
REQUIRED_TEXT = ("titre", "enonce", "texte", "nom", "role", "libelle")


def walk(record: BaseModel) -> Iterator[BaseModel]:
    """Every record of a plan, depth first, in file order."""
    yield record
    for _name, value in public_fields(record):
        if isinstance(value, BaseModel):
            yield from walk(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel):
                    yield from walk(item)


def path_of(record: BaseModel) -> tuple[str | int, ...]:
    return record._path if isinstance(record, Record) else ()


@rule("COM-E001", Severity.ERREUR, "Identifiant en double")
def duplicate_ids(ctx: Context) -> Iterator[Hit]:
    # Ids make URLs: two records of the same kind with one id would share a page.
    seen: dict[tuple[str, str], tuple[str | int, ...]] = {}
    for record in walk(ctx.plan):
        record_id = getattr(record, "id", None)
        if record is ctx.plan or not isinstance(record_id, str):
            continue
        key = (type(record).__name__, record_id)
        if key in seen:
            line = ctx.source.locate(seen[key])[0]
            yield Hit(
                (*path_of(record), "id"),
                f"identifiant « {record_id} » déjà utilisé à la ligne {line} : chaque élément doit avoir le sien.",
            )
        else:
            seen[key] = path_of(record)


@rule("COM-E002", Severity.ERREUR, "Texte obligatoire vide")
def empty_text(ctx: Context) -> Iterator[Hit]:
    for record in walk(ctx.plan):
        for name in REQUIRED_TEXT:
            value = getattr(record, name, None)
            if isinstance(value, str) and not value.strip() and name in type(record).model_fields:
                required = type(record).model_fields[name].is_required()
                if required:
                    yield Hit((*path_of(record), name), f"« {name} » est vide : écrivez le texte de la source.")


@rule("COM-E003", Severity.ERREUR, "Ressource inconnue")
def unknown_resource(ctx: Context) -> Iterator[Hit]:
    known = {r.id for r in getattr(ctx.plan, "ressources", [])}
    for record in walk(ctx.plan):
        ressource = getattr(record, "ressource", None)
        if isinstance(ressource, str) and ressource not in known:
            choices = ", ".join(sorted(known)) or "aucune"
            yield Hit(
                (*path_of(record), "ressource"),
                f"ressource « {ressource} » absente du registre « ressources » (connues : {choices}).",
            )


@rule("COM-E004", Severity.ERREUR, "Gabarit différent de celui du programme")
def gabarit_matches(ctx: Context) -> Iterator[Hit]:
    if ctx.referentiel and ctx.referentiel.gabarit != ctx.plan.gabarit:
        yield Hit(
            ("gabarit",),
            f"le programme « {ctx.referentiel.nom} » utilise le gabarit « {ctx.referentiel.gabarit} », "
            f"pas « {ctx.plan.gabarit} ».",
        )


@rule("COM-I001", Severity.INFO, "Statut du plan non précisé")
def plan_status(ctx: Context) -> Iterator[Hit]:
    if ctx.plan.statut is None:
        yield Hit((), "statut du plan non précisé : ajoutez « statut: » (projet, adopte, en_vigueur ou echu).")


@rule("COM-I002", Severity.INFO, "Licence des données non précisée")
def plan_licence(ctx: Context) -> Iterator[Hit]:
    if ctx.plan.licence is None:
        yield Hit(
            (),
            "licence des données non précisée : ajoutez « licence: » (ex. CC-BY-4.0) pour "
            "que les données ouvertes puissent être réutilisées.",
        )


@rule("COM-W004", Severity.AVERTISSEMENT, "Licence des données inconnue")
def unknown_licence(ctx: Context) -> Iterator[Hit]:
    # A catalogue reads the licence as an identifier: free wording tells it nothing.
    licence = ctx.plan.licence
    if licence is not None and licences.find(licence) is None:
        yield Hit(("licence",), licences.unknown_message(licence))


@rule("COM-E010", Severity.ERREUR, "Région administrative inconnue")
def unknown_region(ctx: Context) -> Iterator[Hit]:
    # The portal groups organisations by région: a name it cannot place is ambiguous.
    region = ctx.plan.organisme.region
    if region is not None and regions.find_region(region) is None:
        hint = regions.closest_region(region)
        suggestion = f" Vouliez-vous dire « {hint.nom} » ({hint.code}) ?" if hint else ""
        yield Hit(
            ("organisme", "region"),
            f"région « {region} » inconnue en « organisme.region » : écrivez le code (01 à 17) ou le nom "
            f"d'une des 17 régions administratives du Québec (ex. « 14 » ou « Lanaudière »).{suggestion}",
        )


@rule("COM-W005", Severity.AVERTISSEMENT, "Code géographique mal formé")
def malformed_geographic_code(ctx: Context) -> Iterator[Hit]:
    code = ctx.plan.organisme.code_geographique
    if code is not None and not regions.CODE_GEOGRAPHIQUE.fullmatch(code):
        yield Hit(
            ("organisme", "code_geographique"),
            f"code géographique « {code} » mal formé en « organisme.code_geographique » : le Répertoire des "
            "municipalités donne 3 chiffres pour une MRC et 5 pour une municipalité.",
        )


@rule("COM-I003", Severity.INFO, "Partenaire sans nom complet")
def partner_name(ctx: Context) -> Iterator[Hit]:
    for partenaire in ctx.plan.partenaires:
        if not partenaire.nom:
            yield Hit(
                path_of(partenaire),
                f"partenaire « {partenaire.sigle or partenaire.id} » sans nom complet : ajoutez "
                "« nom: » pour que les citoyens sachent de qui il s'agit.",
            )


@rule("COM-I004", Severity.INFO, "Échéance non reconnue")
def unparsed_deadline(ctx: Context) -> Iterator[Hit]:
    from plan_ouvert.source.echeance import parse

    for record in walk(ctx.plan):
        value = getattr(record, "echeance", None)
        for terme in parse(value):
            if terme.genre == "inconnu":
                yield Hit(
                    (*path_of(record), "echeance"),
                    f"échéance « {terme.texte} » non reconnue : elle sera affichée telle quelle mais "
                    "n'entre pas dans le calendrier (formes reconnues : « 31 janvier 2021 », "
                    "« juin 2021 », « automne 2021 », « En continu », « Dès juin 2021 », « An 1 (2022-2023) »).",
                )


@rule("COM-E007", Severity.ERREUR, "Ancien identifiant encore utilisé")
def old_id_reused(ctx: Context) -> Iterator[Hit]:
    # An old id keeps a redirect; if a record of the same kind uses it again, the two would
    # claim one address.
    current: dict[str, set[str]] = {}
    for record in walk(ctx.plan):
        if record is not ctx.plan and isinstance(getattr(record, "id", None), str):
            current.setdefault(type(record).__name__, set()).add(record.id)  # type: ignore[attr-defined]
    for record in walk(ctx.plan):
        for index, old in enumerate(getattr(record, "anciens_ids", [])):
            if old in current.get(type(record).__name__, set()):
                yield Hit(
                    (*path_of(record), "anciens_ids", index),
                    f"l'ancien identifiant « {old} » est repris par un autre élément : retirez-le de "
                    "« anciens_ids » ou choisissez un autre identifiant.",
                )


# --- Deceptive characters ---------------------------------------------------------------------

# Bidirectional controls reorder what is displayed (« Trojan Source »): the text read is not
# the text written.
_BIDI = "\u202a-\u202e\u2066-\u2069"
# What is drawn as nothing: Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt,
# Unicode 15.1: format characters, the Hangul fillers, variation selectors, the tag block), the
# bidirectional controls aside (an error above), plus the Braille blank U+2800, which looks like
# a space but is none. A word holding one is another word: another search result, another page.
_SELECTORS = "\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef"
_IGNORABLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2060-\u2065\u206a-\u206f"
    "\u2800\u3164\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e00ff\U000e01f0-\U000e0fff" + _SELECTORS
)
# Each invisible's French name, by its first code point and last code point.
_INVISIBLE_NAMES = [
    (0x00AD, 0x00AD, "trait d'union conditionnel"),
    (0x034F, 0x034F, "gluon de graphèmes"),
    (0x061C, 0x061C, "marque de lettre arabe"),
    (0x115F, 0x1160, "remplissage hangeul"),
    (0x17B4, 0x17B5, "voyelle inhérente khmère"),
    (0x180B, 0x180D, "sélecteur de variante mongol"),
    (0x180E, 0x180E, "séparateur de voyelle mongol"),
    (0x180F, 0x180F, "sélecteur de variante mongol"),
    (0x200B, 0x200B, "espace sans chasse"),
    (0x200C, 0x200C, "antiliant sans chasse"),
    (0x200D, 0x200D, "liant sans chasse"),
    (0x200E, 0x200E, "marque gauche-à-droite"),
    (0x200F, 0x200F, "marque droite-à-gauche"),
    (0x2060, 0x2060, "gluon de mots"),
    (0x2061, 0x2064, "opérateur mathématique invisible"),
    (0x206A, 0x206F, "commande de mise en forme désuète"),
    (0x2800, 0x2800, "caractère braille vide"),
    (0x3164, 0x3164, "remplissage hangeul"),
    (0xFE00, 0xFE0F, "sélecteur de variante"),
    (0xFEFF, 0xFEFF, "indicateur d'ordre des octets"),
    (0xFFA0, 0xFFA0, "remplissage hangeul demi-chasse"),
    (0x1BCA0, 0x1BCA3, "commande de format sténographique"),
    (0x1D173, 0x1D17A, "commande de format musical"),
    (0xE0001, 0xE0001, "étiquette de langue"),
    (0xE0020, 0xE007F, "caractère d'étiquette"),
    (0xE0100, 0xE01EF, "sélecteur de variante"),
]


def invisible_name(char: str) -> str:
    """The French name of an invisible character (a reserved one has none of its own)."""
    code = ord(char)
    names = (name for first, last, name in _INVISIBLE_NAMES if first <= code <= last)
    return next(names, "caractère ignorable réservé")


LOOK_ALIKE_SCRIPTS = {"CYRILLIC": "cyrilliques", "GREEK": "grecques"}
# Greek and Cyrillic blocks: a text without any of these cannot mix them with Latin.
_LOOK_ALIKE = "\u0370-\u03ff\u0400-\u052f\u1c80-\u1c8f\u1d26-\u1d2a\u1d5e-\u1d61\u1f00-\u1fff\u2de0-\u2dff\ua640-\ua69f"
_SUSPICIOUS = re.compile(f"[{_BIDI}{_IGNORABLE}{_LOOK_ALIKE}]")
_BIDI_CHAR = re.compile(f"[{_BIDI}]")
_INVISIBLE_CHAR = re.compile(f"[{_IGNORABLE}]")
_SELECTOR = re.compile(f"[{_SELECTORS}]")
_UNSEEN = re.compile(f"[{_BIDI}{_IGNORABLE}]")
# Line breaks as YAML counts them, to turn a character back into a line and column.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_SEARCH_LINES = 200  # a text value spans a few lines; do not look further for its character


def texts(record: BaseModel) -> Iterator[tuple[YamlPath, str]]:
    """The public texts of one record (fields and lists of texts), never `prive`."""
    path = path_of(record)
    for name, value in public_fields(record):
        if isinstance(value, str):
            yield (*path, name), value
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, str):
                    yield (*path, name, index), item


def visible(text: str) -> str:
    """A text fit to quote in a message: invisible and direction characters removed, control
    characters written as their code points."""
    return shown("".join(c for c in _UNSEEN.sub("", text) if unicodedata.category(c) != "Cf"))


def _selects(previous: str) -> bool:
    """Whether a variation selector after `previous` chooses a glyph (an emoji's or a
    character's of a script without case: ❤️, 1️⃣, 葛󠄀) rather than hiding in a word."""
    return unicodedata.category(previous) in ("So", "Sm", "Lo") or previous in "0123456789#*"


def hidden_character(text: str) -> str | None:
    """The first invisible character of `text` that changes it without showing."""
    for match in _INVISIBLE_CHAR.finditer(text):
        start = match.start()
        if _SELECTOR.match(match.group()) and start > 0 and _selects(text[start - 1]):
            continue
        return match.group()
    return None


class _Places:
    """Where a character sits in the file: the value's line, or one of the lines after it."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.lines: list[str] | None = None

    def find(self, path: YamlPath, char: str) -> tuple[int, int] | None:
        if self.lines is None:
            try:
                self.lines = _LINE_BREAK.split(self.source.path.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError):
                self.lines = []
        line, column = self.source.locate(path)
        for number in range(line, min(len(self.lines), line + _SEARCH_LINES) + 1):
            found = self.lines[number - 1].find(char, column - 1 if number == line else 0)
            if found >= 0:
                return number, found + 1
        return None  # written as an escape (« \u202e »): the value's place will do


def _field(path: YamlPath) -> str:
    return next((str(p) for p in reversed(path) if isinstance(p, str)), "texte")


def _suspicious(ctx: Context) -> tuple[list[tuple[YamlPath, str]], _Places]:
    """The texts holding a character one of the three rules below looks for, found in one
    pass that the three share; almost every text is skipped by one regular expression."""
    if "suspects" not in ctx.memo:
        found = [
            (path, text)
            for record in walk(ctx.plan)
            for path, text in texts(record)
            if not text.isascii() and _SUSPICIOUS.search(text)
        ]
        ctx.memo["suspects"] = (found, _Places(ctx.source))
    result: tuple[list[tuple[YamlPath, str]], _Places] = ctx.memo["suspects"]
    return result


@rule("COM-E008", Severity.ERREUR, "Caractère de contrôle de direction")
def bidi_controls(ctx: Context) -> Iterator[Hit]:
    found, places = _suspicious(ctx)
    for path, text in found:
        match = _BIDI_CHAR.search(text)
        if match:
            char = match.group()
            yield Hit(
                path,
                f"caractère de contrôle de direction U+{ord(char):04X} dans « {_field(path)} » : invisible, "
                "il change l'ordre d'affichage du texte et fait lire autre chose que ce qui est écrit ; "
                "retirez-le.",
                places.find(path, char),
            )


@rule("COM-W002", Severity.AVERTISSEMENT, "Caractère invisible dans un texte")
def invisible_characters(ctx: Context) -> Iterator[Hit]:
    found, places = _suspicious(ctx)
    for path, text in found:
        char = hidden_character(text)
        if char:
            yield Hit(
                path,
                f"caractère invisible U+{ord(char):04X} ({invisible_name(char)}) dans « {_field(path)} » : il ne "
                "se voit pas mais change le texte (recherche, comparaison, adresse) ; retirez-le.",
                places.find(path, char),
            )


def _script(char: str) -> str | None:
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    return next((s for s in ("LATIN", *LOOK_ALIKE_SCRIPTS) if name.startswith(f"{s} ")), None)


def mixed_word(text: str) -> tuple[str, str, str] | None:
    """The first word mixing Latin letters with Cyrillic or Greek ones: (word, letter, script)."""
    for match in re.finditer(r"\w+", text):
        word = match.group()
        scripts = [(c, _script(c)) for c in word]
        if not any(script == "LATIN" for _, script in scripts):
            continue
        for letter, script in scripts:
            if script is not None and script in LOOK_ALIKE_SCRIPTS:
                return word, letter, script
    return None


@rule("COM-W003", Severity.AVERTISSEMENT, "Mot mêlant des alphabets")
def mixed_scripts(ctx: Context) -> Iterator[Hit]:
    # « Сlientèle » with a Cyrillic С looks French but is another word: another page, another
    # search result, a deceptive title.
    found, places = _suspicious(ctx)
    for path, text in found:
        mixed = mixed_word(text)
        if mixed:
            word, letter, script = mixed
            yield Hit(
                path,
                f"le mot « {visible(word)[:60]} » dans « {_field(path)} » mêle des lettres latines et "
                f"{LOOK_ALIKE_SCRIPTS[script]} (« {letter} », U+{ord(letter):04X}) : il ressemble à un mot "
                "français sans en être un ; retapez-le au clavier.",
                places.find(path, letter),
            )


@rule("COM-E009", Severity.ERREUR, "Deux éléments à la même adresse")
def url_collision(ctx: Context) -> Iterator[Hit]:
    for first, other in url_collisions(ctx.tree):
        line, column = ctx.source.locate(first.path)
        yield Hit(
            other.path,
            f"{visible(other.label)} : même page « {first.url} » que {visible(first.label)} "
            f"(ligne {line}, colonne {column}) ; l'une effacerait l'autre. Distinguez-les dès les premiers "
            "mots, en lettres latines : l'adresse de la page en vient.",
        )
