"""Reading plan files: every bad input is a French finding with its place, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from plan_ouvert.cli import main
from plan_ouvert.source.load import load_file

from .helpers import petit, position


def _load(tmp_path: Path, content: str | bytes, name: str = "plan.yml"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return load_file(path, "plan", name)


def _only(loaded):
    assert loaded.record is None
    assert len(loaded.findings) == 1, loaded.findings
    return loaded.findings[0]


def test_valid_small_plans_load(tmp_path: Path) -> None:
    for name in ("petit-piar", "petit-pac"):
        loaded = _load(tmp_path, petit(name), f"{name}.yml")
        assert loaded.findings == []
        assert loaded.record is not None and loaded.record.id == name


def test_duplicate_key(tmp_path: Path) -> None:
    text = petit("petit-piar").replace("statut: adopte\n", "statut: adopte\nstatut: projet\n")
    finding = _only(_load(tmp_path, text))
    assert finding.code == "YAML-E002"
    assert "clé « statut » en double (déjà à la ligne" in finding.message
    assert (finding.line, finding.column) == position(text, "statut: projet")


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    text = petit("petit-piar").replace("echeance: En continu", "echeanse: En continu")
    finding = _only(_load(tmp_path, text))
    assert finding.code == "SCHEMA-E002"
    assert finding.message == "clé inconnue « echeanse » en enjeu 1, action 1. Vouliez-vous dire « echeance » ?"
    assert (finding.line, finding.column) == position(text, "echeanse:")


def test_wrong_type_says_what_was_expected(tmp_path: Path) -> None:
    text = petit("petit-piar").replace("objectifs_generaux: [4]", "objectifs_generaux: quatre")
    finding = _only(_load(tmp_path, text))
    assert finding.code == "SCHEMA-E008"
    assert "attendu une liste" in finding.message and "reçu un texte" in finding.message
    assert "quatre" not in finding.message  # values are never repeated: the line shows them
    assert (finding.line, finding.column) == position(text, "objectifs_generaux: quatre")


def test_wrong_item_type_points_at_the_item(tmp_path: Path) -> None:
    text = petit("petit-piar").replace("axes: [1, 2]", "axes: [1, deux]")
    finding = _only(_load(tmp_path, text))
    assert finding.code == "SCHEMA-E008"
    # Places are named as a person counts them, 1-based, with the words of the plan.
    assert "en enjeu 1, élément 2 de « axes » :" in finding.message and "un nombre entier" in finding.message
    assert "Écrivez seulement le nombre" in finding.message
    assert (finding.line, finding.column) == position(text, "deux]")


def test_missing_key(tmp_path: Path) -> None:
    text = petit("petit-piar").replace("        texte: Publier un répertoire des services\n", "")
    finding = _only(_load(tmp_path, text))
    assert finding.code == "SCHEMA-E001"
    assert finding.message == "clé obligatoire « texte » manquante en enjeu 1, action 2 : ajoutez-la."
    assert (finding.line, finding.column) == position(text, "id: 1-2")


def test_invalid_id(tmp_path: Path) -> None:
    text = petit("petit-pac").replace("id: 2-1", "id: Moyen 2.1")
    finding = _only(_load(tmp_path, text))
    assert finding.code == "SCHEMA-E004"
    assert "identifiant invalide en objectif spécifique 2, moyen d'action 1, « id » :" in finding.message
    assert "Moyen 2.1" not in finding.message


def test_value_outside_the_list(tmp_path: Path) -> None:
    text = petit("petit-piar").replace("statut: adopte", "statut: adopté")
    finding = _only(_load(tmp_path, text))
    assert finding.code == "SCHEMA-E005"
    assert "valeur non permise en « statut »" in finding.message and "'adopte'" in finding.message
    assert "adopté" not in finding.message


def test_missing_gabarit(tmp_path: Path) -> None:
    text = petit("petit-piar").replace("gabarit: piar\n", "")
    finding = _only(_load(tmp_path, text))
    assert finding.code == "SCHEMA-E003"


def test_tab_indentation(tmp_path: Path) -> None:
    text = petit("petit-piar").replace("  nom: MRC de Petite-Rivière", "\tnom: MRC de Petite-Rivière")
    finding = _only(_load(tmp_path, text))
    assert finding.code == "YAML-E001"
    assert "tabulation interdite" in finding.message
    assert finding.line == position(text, "\tnom:")[0]


def test_colon_in_unquoted_text(tmp_path: Path) -> None:
    text = petit("petit-piar").replace(
        "texte: Visiter les entreprises du territoire", "texte: Visiter : les entreprises: du territoire"
    )
    finding = _only(_load(tmp_path, text))
    assert finding.code == "YAML-E001"
    assert "guillemets" in finding.message
    assert finding.line == position(text, "Visiter : les")[0]


@pytest.mark.parametrize(
    ("content", "code", "fragment"),
    [
        ("", "YAML-E009", "fichier vide"),
        ("# seulement un commentaire\n", "YAML-E009", "fichier vide"),
        (b"%PDF-1.4\x00\x01\x02", "YAML-E012", "fichier binaire"),
        ("id: x\ntitre: Plan de l'\xe9t\xe9\n".encode("latin-1"), "YAML-E013", "enregistrez le fichier en UTF-8"),
        ("- a\n- b\n", "SCHEMA-E010", "un plan commence par des clés"),
        (
            "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
            "YAML-E003",
            "trop complexe",
        ),
        ("a: " + "[" * 60 + "]" * 60 + "\n", "YAML-E004", "imbrication trop profonde"),
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", "YAML-E004", "imbrication trop profonde"),
        ("id: !!python/object:os.system x\n", "YAML-E005", "étiquette YAML"),
        ("base: &b {a: 1}\nautre:\n  <<: *b\n", "YAML-E007", "fusion"),
    ],
    ids=[
        "vide",
        "commentaire",
        "binaire",
        "latin-1",
        "liste",
        "bombe-alias",
        "profond",
        "tres-profond",
        "etiquette",
        "fusion",
    ],
)
def test_malformed_files_give_one_french_finding(
    tmp_path: Path, content: str | bytes, code: str, fragment: str
) -> None:
    finding = _only(_load(tmp_path, content))
    assert finding.code == code
    assert fragment in finding.message


def test_latin1_points_at_the_byte(tmp_path: Path) -> None:
    finding = _only(_load(tmp_path, "id: x\ntitre: Plan de l'\xe9t\xe9\n".encode("latin-1")))
    assert (finding.line, finding.column) == (2, 18)


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    finding = _only(_load(tmp_path, "id: x\n" + "# remplissage\n" * 800_000))
    assert finding.code == "YAML-E010"
    assert "fichier trop volumineux (11,2 Mo)" in finding.message


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    text = petit("petit-pac").replace("\n", "\r\n")
    loaded = _load(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"), "petit-pac.yml")
    assert loaded.findings == []
    assert loaded.record is not None and loaded.record.organisme.nom == "MRC de Petite-Rivière"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        'https://exemple.org/" onmouseover="alert(1)',
        "exemple.org",
    ],
)
def test_web_addresses_must_be_http(tmp_path: Path, url: str) -> None:
    text = petit("petit-pac").replace(
        "    nom: Carrefour jeunesse-emploi de Petite-Rivière\n",
        f"    nom: Carrefour jeunesse-emploi de Petite-Rivière\n    site_web: '{url}'\n",
    )
    finding = _only(_load(tmp_path, text))
    assert finding.code == "SCHEMA-E011"
    assert "doit commencer par https://" in finding.message
    assert finding.line == position(text, "site_web:")[0]


@pytest.mark.parametrize(
    "courriel",
    [
        "info@mrc.qc.ca?cc=autre@exemple.org",
        "info@mrc.qc.ca?bcc=a@b.ca&body=bonjour",
        "info@mrc.qc.ca, autre@exemple.org",
        "info @mrc.qc.ca",
        "mailto:info@mrc.qc.ca",
        "info@mrc",
        "<info@mrc.qc.ca>",
    ],
)
def test_courriel_must_be_a_plain_address(tmp_path: Path, courriel: str) -> None:
    text = petit("petit-pac").replace(
        "statut: en_vigueur\n", f"statut: en_vigueur\ncontact:\n  courriel: '{courriel}'\n"
    )
    finding = _only(_load(tmp_path, text))
    assert finding.code == "SCHEMA-E012"
    assert finding.message.startswith("adresse courriel invalide en « contact.courriel » : une seule adresse")
    assert courriel not in finding.message
    assert (finding.line, finding.column) == position(text, "courriel:")


def test_plain_courriel_is_accepted(tmp_path: Path) -> None:
    text = petit("petit-pac").replace(
        "statut: en_vigueur\n", "statut: en_vigueur\ncontact:\n  courriel: dev.eco+plan@mrc-petite-riviere.qc.ca\n"
    )
    loaded = _load(tmp_path, text, "petit-pac.yml")
    assert loaded.findings == [] and loaded.record is not None and loaded.record.contact is not None
    assert loaded.record.contact.courriel == "dev.eco+plan@mrc-petite-riviere.qc.ca"


def test_number_where_text_is_expected_is_taken_as_text(tmp_path: Path) -> None:
    # A target « 12 » is text to the editor; YAML reads it as a number. It must load as « 12 ».
    text = (
        petit("petit-piar")
        .replace("      - texte: Nombre d'entreprises visitées\n", "      - texte: 12\n")
        .replace("          - texte: 50 entreprises / année\n", "          - texte: 2.5\n")
        .replace("        texte: Visiter les entreprises du territoire\n", "        texte: 2025\n")
    )
    loaded = _load(tmp_path, text)
    assert loaded.findings == []
    enjeu = loaded.record.enjeux[0]
    assert enjeu.indicateurs[0].texte == "12"
    # A decimal stays as YAML read it (« 2.5 »): quoting keeps any other wording exactly.
    assert enjeu.indicateurs[0].cibles[0].texte == "2.5"
    assert enjeu.actions[0].texte == "2025"


def test_number_or_text_field_keeps_numbers(tmp_path: Path) -> None:
    # A montant is number-or-text: 12000 stays a number, « 12 000 $ » stays text.
    text = petit("petit-plan-action")
    loaded = _load(tmp_path, text, "petit-plan-action.yml")
    assert loaded.findings == []
    [cout] = [v for v in _field_values(loaded.record, "cout")]
    assert cout == 12000 and isinstance(cout, float)
    worded = _load(tmp_path, text.replace("cout: 12000", 'cout: "12 000 $"'), "petit-plan-action.yml")
    assert [v for v in _field_values(worded.record, "cout")] == ["12 000 $"]


def _field_values(record: object, key: str) -> list[object]:
    """Every value of `key` anywhere in the loaded record."""
    found: list[object] = []
    if isinstance(record, list):
        for item in record:
            found += _field_values(item, key)
    elif hasattr(record, "__pydantic_fields__"):
        for name in list(type(record).model_fields) + list(record.model_extra or {}):
            value = getattr(record, name, None)
            if name == key and value is not None:
                found.append(value)
            found += _field_values(value, key)
    return found


# A plain (unquoted) scalar a starter may keep: numbers, dates, booleans, ids and enumerations.
_PLAIN_OK = re.compile(r"^(?:-?\d+(?:\.\d+)?|\d{4}-\d{2}-\d{2}|true|false|[a-z0-9]+(?:[-_][a-z0-9]+)*)$")


@pytest.mark.parametrize("kind", ["piar", "pac", "plan-action"])
def test_nouveau_quotes_every_text_value(tmp_path: Path, kind: str) -> None:
    # French typography (« : », « (cible : 25) ») breaks unquoted YAML: a starter shows quotes.
    folder = tmp_path / "plans"
    folder.mkdir()
    assert main(["nouveau", kind, "mrc-x", "--dossier", str(folder)]) == 0
    path = folder / "mrc-x.yml"
    text = path.read_text(encoding="utf-8")
    loaded = load_file(path, "plan", "mrc-x.yml")
    assert loaded.record is not None, loaded.findings
    assert [f for f in loaded.findings if f.code.startswith(("YAML", "SCHEMA"))] == []
    unquoted: list[tuple[int, str]] = []
    stack: list[list[int]] = []  # per open collection: [is_mapping, nodes seen]
    for event in yaml.parse(text):
        if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            stack.pop()
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        is_key = bool(stack) and stack[-1][0] == 1 and stack[-1][1] % 2 == 0
        if stack:
            stack[-1][1] += 1
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append([int(isinstance(event, yaml.MappingStartEvent)), 0])
        elif isinstance(event, yaml.ScalarEvent) and not is_key and event.style is None:
            unquoted.append((event.start_mark.line + 1, event.value))
    assert [(line, value) for line, value in unquoted if not _PLAIN_OK.match(value)] == []


def test_every_schema_problem_of_a_file_in_one_run_named_as_a_person_would(tmp_path: Path) -> None:
    text = (
        petit("petit-piar")
        .replace("        texte: Publier un répertoire des services\n", "        texte: yes\n")
        .replace("            unite: entreprises / année\n", "            unites: entreprises / année\n")
        .replace("      - texte: Délai moyen de traitement\n", "      - cibles: []\n")
    )
    loaded = _load(tmp_path, text)
    assert loaded.record is None
    by_code = sorted((f.code, f.line, f.message) for f in loaded.findings)
    assert by_code == [
        (
            "SCHEMA-E001",
            position(text, "- cibles: []")[0],
            "clé obligatoire « texte » manquante en enjeu 2, indicateur 1 : ajoutez-la.",
        ),
        (
            "SCHEMA-E002",
            position(text, "unites:")[0],
            "clé inconnue « unites » en enjeu 1, indicateur 1, cible 1. Vouliez-vous dire « unite » ?",
        ),
        (
            "SCHEMA-E008",
            position(text, "texte: yes")[0],
            "type inattendu en enjeu 1, action 2, « texte » : attendu un texte, reçu true ou false. "
            'Mettez le texte entre guillemets (ex. texte: "…").',
        ),
    ]
    # Values are never quoted back: messages reach public pull-request comments.
    assert all("yes" not in f.message and "entreprises" not in f.message for f in loaded.findings)


# --- Every syntax error of a file in one run ---------------------------------------------------


def _three_syntax_errors() -> str:
    """petit-piar with three independent mistakes a new editor makes: an unquoted « : » in a
    text, a line indented one space short, a quote left open (the next « " » is far below)."""
    return (
        petit("petit-piar")
        .replace("texte: Visiter les entreprises du territoire", "texte: Visiter : les entreprises du territoire")
        .replace("    objectifs:\n      - Accélérer le", "   objectifs:\n      - Accélérer le")
        .replace("enonce: Les démarrages d'entreprises diminuent.", "enonce: \"Les démarrages d'entreprises diminuent.")
        .replace("enonce: Le mentorat est peu connu.", 'enonce: "Le mentorat est peu connu."')
    )


def test_every_syntax_error_of_a_file_in_one_verifier_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from plan_ouvert.cli import main

    text = _three_syntax_errors()
    path = tmp_path / "petit-piar.yml"
    path.write_text(text, encoding="utf-8")
    assert main(["verifier", str(path)]) == 1
    out = capsys.readouterr()
    lines = [line for line in out.out.splitlines() if "YAML-E001" in line]
    places = [tuple(int(n) for n in line.split(": erreur")[0].rsplit(":", 2)[1:]) for line in lines]
    assert places == [
        position(text, "Visiter : les", offset=8),
        position(text, "   objectifs:\n      - Accélérer", offset=3),
        position(text, '"Les démarrages'),
    ]
    assert "mettez le texte entre guillemets s'il contient « : »" in lines[0]
    assert "indentation incohérente : alignez cette ligne sur les clés voisines." in lines[1]
    assert "guillemet non fermé : fermez le texte commencé ici." in lines[2]
    assert "3 erreurs" in out.err
    assert "Traceback" not in out.out + out.err


def test_file_with_syntax_errors_stays_unreadable(tmp_path: Path) -> None:
    # Reading on after an error only completes the messages: no plan comes out of it.
    loaded = _load(tmp_path, _three_syntax_errors(), "petit-piar.yml")
    assert loaded.record is None
    assert [f.code for f in loaded.findings] == ["YAML-E001"] * 3


def test_every_tab_is_reported_with_the_other_syntax_errors(tmp_path: Path) -> None:
    text = (
        petit("petit-piar")
        .replace("  nom: MRC de Petite-Rivière", "\tnom: MRC de Petite-Rivière")
        .replace("    statut: existante", "\tstatut: existante")
        .replace("texte: Visiter les entreprises du territoire", "texte: Visiter : les entreprises du territoire")
    )
    loaded = _load(tmp_path, text)
    assert [(f.line, f.message.split(" : ")[1]) for f in loaded.findings] == [
        (position(text, "\tnom:")[0], "tabulation interdite"),
        (position(text, "\tstatut:")[0], "tabulation interdite"),
        (position(text, "Visiter : les")[0], "deux-points inattendu"),
    ]


def test_syntax_errors_are_bounded(tmp_path: Path) -> None:
    text = "id: x\n" + "".join(f"cle{n}: a : b\n" for n in range(50))
    loaded = _load(tmp_path, text)
    assert len(loaded.findings) == 20
    assert [f.line for f in loaded.findings] == list(range(2, 22))


def test_numbers_and_control_characters_are_all_reported_in_one_reading(tmp_path: Path) -> None:
    text = petit("petit-pac").replace("titre: Programmation des", 'titre: "Programmation \\a" # des', 1)
    text = text.replace("texte: 5 activités", "texte: 5 activités\n                valeur: 0x" + "f" * 300, 1)
    text = text.replace("texte: 8 activités", 'texte: "8 \\x1b[2J activités"', 1)
    loaded = _load(tmp_path, text)
    assert loaded.record is None
    assert [(f.code, f.line, f.column) for f in loaded.findings] == [
        ("YAML-E017", *position(text, "\\a")),
        ("YAML-E016", *position(text, "0xfff")),
        ("YAML-E017", *position(text, "\\x1b")),
    ]
    assert "U+0007 (sonnerie)" in loaded.findings[0].message
    assert "\x07" not in loaded.findings[0].message and "\x1b" not in loaded.findings[2].message


@pytest.mark.parametrize("value", ["12", "-3.5", "1_000", "0x1F", ".inf", "1.7976931348623157e+308", "~", ""])
def test_ordinary_numbers_still_read(tmp_path: Path, value: str) -> None:
    # .inf is refused later, by the schema (SCHEMA-E006), as before: only overflow is YAML-E016.
    text = petit("petit-pac").replace("texte: 5 activités", f"texte: 5 activités\n                valeur: {value}", 1)
    assert all(f.code != "YAML-E016" for f in _load(tmp_path, text).findings)
