"""`plan-ouvert importer`: a Word or Excel file in, a plan file and its import report out.

Nothing is written unless the whole file was read: a bad file gives a French message and exit
code 2. An existing plan file is never overwritten without --remplacer.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plan_ouvert.office import reimport
from plan_ouvert.office.resultat import ImportFailure, ImportResult, control_character, refuse_control
from plan_ouvert.source.catalogue import load_kinds
from plan_ouvert.source.kinds import Kinds

EXIT_OK, EXIT_UNREADABLE = 0, 2


@dataclass(frozen=True)
class Demande:
    """What `plan-ouvert importer` was asked: the file, and what the user said about it."""

    fichier: str
    type: str | None = None
    colonnes: str | None = None
    sortie: str | None = None
    rapport: str | None = None
    id: str | None = None
    organisme: str | None = None
    plans: str = "plans"
    remplacer: bool = False
    fusionner: bool = False
    autre_plan: bool = False


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".csv")


def _kinds(plans: Path) -> Kinds:
    loaded = load_kinds(plans)
    if loaded.findings:
        raise ImportFailure(
            "Les types de plans de "
            + str(plans / "types")
            + " contiennent des erreurs : "
            + "; ".join(f.format() for f in loaded.findings)
        )
    return loaded.kinds


def _read(path: Path, args: Demande, kinds: Kinds, plans: Path) -> ImportResult:
    suffix = path.suffix.lower()
    if suffix in (".docx", ".odt"):
        from plan_ouvert.office.import_word import Options, import_word

        options = Options(args.type, args.colonnes, args.id, args.organisme, plans / "referentiels")
        if suffix == ".odt":
            from plan_ouvert.office.odt import as_docx

            with as_docx(path) as converted:
                return import_word(converted, kinds, options, path.name)
        return import_word(path, kinds, options, path.name)
    if suffix in WORKBOOK_SUFFIXES:
        try:
            from plan_ouvert.office.classeur import import_workbook
        except ImportError:
            raise ImportFailure(
                f"{path.name} : l'import des classeurs (.xlsx, .csv) n'est pas encore disponible dans cette version."
            ) from None
        plan: dict[str, Any] = {}
        if args.id:
            plan["id"] = args.id
        if args.organisme:
            plan["organisme"] = {"nom": args.organisme}
        return import_workbook(path, kinds, display=path.name, gabarit=args.type, plan=plan or None)
    if suffix == ".doc":
        raise ImportFailure(
            f"{path.name} : c'est un document Word de l'ancien format (.doc). Enregistrez-le au format .docx "
            "dans Word ou LibreOffice, puis relancez l'import."
        )
    raise ImportFailure(
        f"{path.name} : format non pris en charge ; attendu un document .docx ou .odt, un classeur .xlsx ou un .csv."
    )


def _refuse_controls(value: Any, shown: str, path: tuple[str, ...] = ()) -> None:
    """No control character reaches a plan file, whatever the reader let through (each reader
    refuses them first, naming the sheet, row and column)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_controls(key, shown, path)
            _refuse_controls(item, shown, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value, 1):
            _refuse_controls(item, shown, (*path, str(index)))
    elif isinstance(value, str):
        found = control_character(value)
        if found:
            raise refuse_control(f"{shown} : champ {' > '.join(path) or 'du plan'}", found)


def run(args: Demande) -> tuple[Path, Path]:
    """Import, then write the plan and its report; ImportFailure leaves nothing behind."""
    from plan_ouvert.office.yamlwriter import report_markdown, to_yaml

    path = Path(args.fichier)
    if not path.is_file():
        raise ImportFailure(f"{args.fichier} : fichier introuvable.")
    plans = Path(args.plans)
    kinds = _kinds(plans)
    result = _read(path, args, kinds, plans)
    _refuse_controls(result.data, path.name)
    same = reimport.same_plan(plans, result.data)
    fusing = same is not None and not args.autre_plan
    if args.fusionner and same is None:
        raise ImportFailure(
            f"--fusionner : aucun plan de {plans} n'a le même organisme, le même type et la même période que "
            f"{path.name} ; relancez sans --fusionner pour écrire un nouveau plan."
        )
    if same is not None and fusing and not args.fusionner and reimport.hinted(result):
        # Hidden data is a hint: it never picks, by itself, a published plan to update.
        raise reimport.refuse_hinted(same[0])
    if same is not None and fusing:
        result = reimport.fused(same[1], result)
    elif same is not None and str(result.data.get("id")) == str(same[1].get("id")):
        raise reimport.refuse_second(same[0])
    plan_id = str(result.data.get("id"))
    target = Path(args.sortie) if args.sortie else (same[0] if same and fusing else plans / f"{plan_id}.yml")
    report_path = Path(args.rapport) if args.rapport else target.with_suffix(".md")
    for existing in (target, report_path):
        if existing.exists() and not args.remplacer and not fusing:
            raise ImportFailure(
                f"{existing} existe déjà : rien n'a été écrit. Choisissez un autre fichier avec --sortie "
                "(ou --rapport), ou relancez avec --remplacer pour l'écraser."
            )
    kind = kinds.get(str(result.data.get("gabarit")))
    text = to_yaml(result)
    if fusing and target.is_file():
        # What the re-import changes, in `comparer`'s words, before it is written.
        print(reimport.summary(target, text))
    report = report_markdown(result.report, str(target), kind.spec.nom if kind else str(result.data.get("gabarit")))
    target.parent.mkdir(parents=True, exist_ok=True)
    report_path.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    report_path.write_text(report, encoding="utf-8")
    return target, report_path


def importer(
    fichier: str,
    type: str | None = None,
    colonnes: str | None = None,
    sortie: str | None = None,
    rapport: str | None = None,
    id: str | None = None,
    organisme: str | None = None,
    plans: str = "plans",
    remplacer: bool = False,
    fusionner: bool = False,
    autre_plan: bool = False,
) -> int:
    """`plan-ouvert importer FICHIER`: the plan file and its import report, or a French message."""
    args = Demande(fichier, type, colonnes, sortie, rapport, id, organisme, plans, remplacer, fusionner, autre_plan)
    try:
        target, report_path = run(args)
    except ImportFailure as exc:
        print(f"importer : {exc}", file=sys.stderr)
        print("Rien n'a été écrit.", file=sys.stderr)
        return EXIT_UNREADABLE
    except Exception as exc:  # a document nobody foresaw: a message, never a traceback
        print(
            f"importer : {args.fichier} : ce document n'a pas pu être lu ({exc.__class__.__name__}). "
            "Signalez-le à l'équipe de Plan ouvert, avec le fichier si possible.",
            file=sys.stderr,
        )
        print("Rien n'a été écrit.", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"plan écrit : {target}")
    print(f"rapport d'import : {report_path} (à lire avant de publier)")
    print(f"Étape suivante : plan-ouvert verifier {target}")
    return EXIT_OK
