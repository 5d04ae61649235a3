"""`plan-ouvert nouveau KIND ID`: a new plan file, every field explained in a comment.

A kind with a hand-written starter (`modele:`, under gabarits/) gets it; any other kind, one
written as data included, gets a starter generated from its levels and fields. Every text
value is quoted, so that French typography (« : », « (cible : 25) ») never breaks the YAML.
"""

from __future__ import annotations

import re
import sys
from importlib import resources
from pathlib import Path

from plan_ouvert.outputs import schema
from plan_ouvert.source.catalogue import load_kinds
from plan_ouvert.source.kinds import Champ, Kind, Niveau
from plan_ouvert.source.load import load_file
from plan_ouvert.source.model import ID_PATTERN, Referentiel

EXIT_OK, EXIT_UNREADABLE = 0, 2
TODO = '"À remplir"'


def _comment(champ: Champ) -> str:
    words = champ.libelle + (f" : {champ.aide}" if champ.aide and champ.aide != champ.libelle else "")
    need = " (attendu par le gabarit)" if champ.attendu or champ.obligatoire else ""
    return f"# {words}{need}".replace("\n", " ")


# What an active field (expected or required) starts with: « À remplir » where the plan's own
# words go (an erreur until replaced), nothing where a value would be invented (a number, a
# date, a reference, yes or no); a commented field shows only the form its value takes.
_SAMPLES = {
    "texte": TODO,
    "textes": f"[{TODO}]",
    "entier": "",
    "nombre": "",
    "montant": "",
    "date": "",
    "echeance": TODO,
    "partenaires": "[]",
    "reference": "[]",
    "lien": "",
    "oui_non": "",
}
_FORMS = {
    "entier": "N",
    "nombre": "N",
    "montant": "N (en dollars)",
    "date": "AAAA-MM-JJ",
    "reference": "[N, …]",
    "lien": '"https://…"',
    "oui_non": "true ou false",
    "echeance": '"…"',
    "texte": '"…"',
    "textes": '["…"]',
}
_BLOCKS = {
    "indicateurs": ["- texte: {todo}", "  cibles: []  # une cible par année, ex. - {{annee: N, texte: …}}"],
    "financement": ["- source: {todo}", "  # montant: N  # en dollars"],
    "temps_imparti": ["texte: {todo}", "allocations: []"],
    "suivi": ["# statut: a_venir"],
}


def _field_lines(champ: Champ, indent: str) -> list[str]:
    active = champ.attendu or champ.obligatoire
    comment = _comment(champ)
    if champ.type in _BLOCKS:
        mark = "" if active else "# "
        lines = [f"{indent}{mark}{champ.cle}:  {comment}"]
        lines += [f"{indent}{mark}  {line.format(todo=TODO)}" for line in _BLOCKS[champ.type]]
        return lines
    if not active:
        return [f"{indent}# {champ.cle}: {_FORMS.get(champ.type, '')}  {comment}".replace(":   ", ":  ")]
    value = _SAMPLES[champ.type]
    hint = f" (forme : {_FORMS[champ.type]})" if not value and champ.type in _FORMS else ""
    return [f"{indent}{champ.cle}:{' ' + value if value else ''}  {comment}{hint}"]


def _level_lines(niveaux: list[Niveau], depth: int, prefix: str, indent: str) -> list[str]:
    niveau = niveaux[depth]
    number = f"{prefix}-1" if prefix else "1"
    lines = [f"{indent}{niveau.cle}:  # {niveau.pluriel}", f'{indent}  - id: "{number}"  # « {niveau.singulier} »']
    inner = indent + "    "
    if niveau.numerotation == "champ":
        lines.append(f"{inner}numero: 1")
    for champ in niveau.champs:
        lines += _field_lines(champ, inner)
    if depth + 1 < len(niveaux):
        lines += _level_lines(niveaux, depth + 1, number, inner)
    return lines


def generated(kind: Kind, plan_id: str, programme: str | None) -> str:
    spec = kind.spec
    lines = [
        "# yaml-language-server: $schema=../docs/schema/plan.schema.json",
        f"# {spec.nom}." + (f" {spec.description}" if spec.description else ""),
        "# Remplacez chaque « À remplir » par le texte du plan adopté, tel quel, ou retirez la ligne si le",
        "# plan n'en donne pas : tant qu'il en reste, la vérification échoue et le site n'est pas construit.",
        "# Puis lancez :",
        f"#   plan-ouvert verifier plans/{plan_id}.yml",
        "# Les lignes en commentaire (#) sont les champs facultatifs : retirez le # pour les remplir.",
        "# Les identifiants (id) font les adresses des pages : minuscules, chiffres et traits d'union.",
        "",
        f"id: {plan_id}",
        f"gabarit: {spec.id}",
    ]
    if programme or spec.programme:
        lines.append(f"programme: {programme or 'a-remplir'}  # référentiel du programme, dans plans/referentiels/")
    lines += [
        f"titre: {TODO}",
        "organisme:",
        f"  nom: {TODO}  # l'organisme qui adopte le plan (ex. « MRC des Etchemins »)",
        "statut: projet  # projet, adopte, en_vigueur ou echu",
        "# annees:  # les années du plan et leurs années civiles, telles qu'adoptées",
        "#   - {numero: 1, debut: AAAA, fin: AAAA}",
        "# licence: CC-BY-4.0  # licence des données ouvertes",
        "",
        'partenaires: []  # registre des porteurs et partenaires cités, ex. - {id: mrc, sigle: "MRC", nom: …}',
    ]
    if spec.ressources:
        lines += ["ressources:  # registre des ressources", "  - id: ressource-1", f"    role: {TODO}"]
    lines.append("")
    lines += _level_lines(spec.niveaux, 0, "", "")
    return "\n".join(lines) + "\n"


def _refuse(message: str) -> int:
    print(f"plan-ouvert : erreur : {message}", file=sys.stderr)
    return EXIT_UNREADABLE


def nouveau(programme: str, id: str, dossier: str = "plans") -> int:
    """`plan-ouvert nouveau TYPE ID`: a new plan file of kind (or référentiel) `programme`."""
    # Both become file names: an id like « ../x » or « a/b » would write or read elsewhere.
    for what, value in (("type ou programme", programme), ("identifiant", id)):
        if not re.fullmatch(ID_PATTERN, value) or len(value) > 60:
            return _refuse(
                f"{what} « {value[:60]} » invalide : seulement des minuscules sans accents, des chiffres et des "
                "traits d'union (ex. mrc-exemple-piar-2025), sans « / » ni « .. »."
            )
    folder = Path(dossier)
    kinds = load_kinds(folder).kinds
    kind, reference = kinds.get(programme), None
    ref_path = folder / "referentiels" / f"{programme}.yml"
    if kind is None and ref_path.is_file() and not ref_path.is_symlink():
        loaded = load_file(ref_path, "referentiel")
        if isinstance(loaded.record, Referentiel):
            kind, reference = kinds.get(loaded.record.gabarit), loaded.record.id
    if kind is None:
        known = ", ".join(sorted(k.id for k in kinds))
        return _refuse(f"« {programme} » n'est ni un type de plan ({known}) ni un référentiel de {ref_path.parent}.")
    if reference is None:
        reference = kind.spec.programme_defaut
    target = folder / f"{id}.yml"
    if target.exists() or target.is_symlink():
        return _refuse(f"{target} existe déjà ; choisissez un autre identifiant.")
    starter = resources.files("plan_ouvert").joinpath("gabarits", f"{kind.spec.modele}.yml")
    if kind.spec.modele and starter.is_file():
        text = starter.read_text("utf-8").replace("__ID__", id).replace("__PROGRAMME__", reference or "a-remplir")
    else:
        text = generated(kind, id, reference)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"écrit : {target} (type {kind.id}) ; remplissez-le puis lancez « plan-ouvert verifier {target} ».")
    schemas = folder.parent / schema.SCHEMA_DIR
    if kind.id not in {k.id for k in type(kinds).builtin()} and schemas.is_dir():
        # VS Code completes from docs/schema/plan.schema.json: it must know the new kind.
        schema.write_all(schemas, kinds)
        print(f"schéma mis à jour pour le type {kind.id} : {schemas / 'plan.schema.json'}")
    return EXIT_OK
