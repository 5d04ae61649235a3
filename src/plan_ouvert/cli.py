"""`plan-ouvert`: check, describe and create plan files, in French."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from .checks.catalogue import load_catalogue
from .checks.consultation import check_folders as check_consultations
from .outputs import schema as schema_module
from .source.catalogue import load_kinds
from .source.findings import Severity, count, findings_json

# argparse speaks English through `gettext.gettext`, bound in the module as `argparse._`, under
# gettext's default domain: a catalogue installed for it would translate every other program
# of the process too, and `error()` only receives messages already formatted in English. This
# is the one place that replaces a private name of argparse; tests/test_cli_table.py fails when
# the running Python's argparse no longer asks for one of these strings.
FRENCH_MESSAGES = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (choisir parmi %(choices)s)",
    "expected one argument": "un argument attendu",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s (%(matches)s)",
    "expected at least one argument": "au moins un argument attendu",
    "not allowed with argument %s": "incompatible avec l'argument %s",
}


def _french(text: str) -> str:
    return FRENCH_MESSAGES.get(text, text)


argparse._ = _french  # type: ignore[attr-defined]

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def verifier(
    chemins: list[str],
    format: str = "texte",
    infos: bool = False,
    strict: bool = False,
    referentiels: str | None = None,
) -> int:
    """`plan-ouvert verifier`: every finding of the plans under `chemins` (plans/ by default)."""
    paths = [Path(p) for p in chemins] or [Path("plans")]
    catalogue = load_catalogue(paths, Path(referentiels) if referentiels else None)
    trees = {entry.plan.id: entry.tree for entry in catalogue.entries}
    catalogue.findings += check_consultations([p for p in paths if p.is_dir()], trees)  # plans/consultations/
    findings = [f for f in catalogue.findings if infos or f.severity.is_reported]
    if format == "json":
        print(findings_json(findings))
    else:
        for finding in findings:
            print(finding.format_github() if format == "github" else finding.format())
    errors, warnings = count(findings, Severity.ERREUR), count(findings, Severity.AVERTISSEMENT)
    departures = count(findings, Severity.NON_CONFORMITE)
    if format == "texte":
        plans = len(catalogue.entries)
        print(
            f"{plans} plan{'s' if plans > 1 else ''} vérifié{'s' if plans > 1 else ''} : "
            f"{errors} erreur{'s' if errors > 1 else ''}, "
            f"{departures} non-conformité{'s' if departures > 1 else ''}, "
            f"{warnings} avertissement{'s' if warnings > 1 else ''}.",
            file=sys.stderr,
        )
        if strict and departures and not errors:
            print("Mode strict : les non-conformités au gabarit font échouer la vérification.", file=sys.stderr)
    if catalogue.unreadable:
        return EXIT_UNREADABLE
    # --strict is for teams drafting a plan before adoption: departures from the gabarit then
    # count as failures; avertissements never do.
    return EXIT_ERRORS if any(f.severity.fails(strict) for f in findings) else EXIT_OK


def schema(sortie: str = str(schema_module.SCHEMA_DIR), plans: str = "plans") -> int:
    """`plan-ouvert schema`: the JSON Schemas of plans, référentiels and kinds (for VS Code)."""
    loaded = load_kinds(Path(plans))
    for finding in loaded.findings:
        print(finding.format(), file=sys.stderr)
    if loaded.findings:
        return EXIT_UNREADABLE
    if sortie == "-":
        sys.stdout.write(schema_module.render("plan", loaded.kinds))
        return EXIT_OK
    for path in schema_module.write_all(Path(sortie), loaded.kinds):
        print(f"écrit : {path}")
    return EXIT_OK


# --- The command table ------------------------------------------------------------------------
# Each command names the plain function it calls ("module:function", imported only when the
# command runs) and its arguments; argparse's values reach the function as keyword arguments,
# one per argument destination, typed by the function's signature.


@dataclass(frozen=True)
class Arg:
    """One argument: argparse's own flags and options (help, metavar, default, type…)."""

    flags: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)


def arg(*flags: str, **options: Any) -> Arg:
    return Arg(flags, options)


@dataclass(frozen=True)
class Exclusive:
    """Arguments of which at most one may be given."""

    args: tuple[Arg, ...]


@dataclass(frozen=True)
class Command:
    name: str
    function: str  # "module:function" under plan_ouvert, or a function of this module
    help: str
    description: str
    args: tuple[Arg | Exclusive, ...] = ()
    epilog: str | None = None
    defaults: dict[str, Any] = field(default_factory=dict)

    def target(self) -> Callable[..., int]:
        module, _, name = self.function.rpartition(":")
        found: Callable[..., int] = getattr(import_module(f"plan_ouvert.{module}"), name) if module else globals()[name]
        return found


CHEMINS = arg("chemins", nargs="*", metavar="CHEMIN", help="fichiers ou dossiers (défaut : plans/)")

COMMANDS: tuple[Command, ...] = (
    Command(
        "verifier",
        "verifier",
        help="vérifier des plans et afficher chaque problème",
        description="Vérifie la forme et les règles du programme de chaque plan.",
        args=(
            CHEMINS,
            arg(
                "--format",
                choices=["texte", "json", "github"],
                default="texte",
                help="texte (défaut), json, ou github (annotations GitHub Actions)",
            ),
            arg("--infos", action="store_true", help="afficher aussi les simples informations"),
            arg(
                "--strict",
                action="store_true",
                help="échouer aussi sur les non-conformités au gabarit (pour un plan en préparation)",
            ),
            arg(
                "--referentiels",
                metavar="DOSSIER",
                help="dossier des référentiels (défaut : le dossier referentiels/ le plus proche)",
            ),
        ),
    ),
    Command(
        "schema",
        "schema",
        help="écrire les schémas JSON des plans, des référentiels et des types de plans",
        description="Écrit les schémas JSON (pour la complétion dans VS Code), y compris pour les types de "
        "plans écrits dans plans/types/.",
        args=(
            arg("--plans", default="plans", metavar="DOSSIER", help="dossier des plans (défaut : plans)"),
            arg(
                "sortie",
                nargs="?",
                default=str(schema_module.SCHEMA_DIR),
                metavar="DOSSIER",
                help="dossier de sortie (défaut : docs/schema), ou « - » pour la sortie standard",
            ),
        ),
    ),
    Command(
        "nouveau",
        "outputs.nouveau:nouveau",
        help="créer un plan d'un type donné (piar, pac, plan-action ou un type de plans/types/)",
        description="Écrit un nouveau fichier de plan, chaque champ expliqué en commentaire.",
        args=(
            arg(
                "programme",
                metavar="TYPE",
                help="type de plan (piar, pac, plan-action, ou un type de plans/types/) ou référentiel d'un "
                "programme (acces-entreprise-quebec, mifi-pac)",
            ),
            arg("id", metavar="ID", help="identifiant du plan, ex. mrc-exemple-piar-2025"),
            arg("--dossier", default="plans", help="dossier des plans (défaut : plans)"),
        ),
    ),
    Command(
        "construire",
        "outputs.publish:construire",
        help="construire le site dans site/ (sans écraser le dernier bon)",
        description="Vérifie les plans, construit le site dans un dossier temporaire, "
        "vérifie ses liens, puis remplace site/.",
        args=(
            arg("--sortie", default="site", help="dossier du site (défaut : site)"),
            arg(
                "--hors-ligne",
                action="store_true",
                help="variante à ouvrir depuis le disque (liens vers index.html, recherche hors ligne)",
            ),
        ),
    ),
    Command(
        "apercu",
        "outputs.apercu:apercu",
        help="prévisualiser un plan pendant qu'on le modifie (pages à jour à chaque enregistrement)",
        description="Sert le site avec ce seul plan (et les pages communes) sur http://127.0.0.1:8000 ; "
        "chaque enregistrement du fichier met ses pages à jour en une ou deux secondes et affiche ses constats.",
        epilog="Exemple : plan-ouvert apercu plans/mrc-exemple-piar-2025.yml",
        args=(
            arg("plan", metavar="PLAN", help="fichier du plan à prévisualiser (plans/<id>.yml)"),
            arg("--port", type=int, default=8000, help="port du serveur local (défaut : 8000)"),
            arg("--config", default="mkdocs.yml", help="configuration du site (défaut : mkdocs.yml)"),
        ),
    ),
    Command(
        "comparer",
        "outputs.comparer:comparer",
        help="résumer en français ce qu'un changement fait aux plans",
        description="Compare deux versions des plans et écrit un résumé Markdown pour la révision. "
        "Chaque argument est une révision git, sauf s'il s'écrit comme un chemin (./plans, ../x, "
        "/chemin/absolu) ; un nom qui est à la fois une révision et un fichier est refusé.",
        args=(
            arg("base", metavar="BASE", help="version de départ : révision git, ou ./fichier, ./dossier"),
            arg("head", metavar="HEAD", help="version proposée : révision git, ou ./fichier, ./dossier"),
            Exclusive(
                (
                    arg(
                        "--revisions",
                        dest="nature",
                        action="store_const",
                        const="revisions",
                        help="BASE et HEAD sont des révisions git, même si un fichier porte leur nom",
                    ),
                    arg(
                        "--fichiers",
                        dest="nature",
                        action="store_const",
                        const="fichiers",
                        help="BASE et HEAD sont des fichiers ou des dossiers",
                    ),
                )
            ),
            arg(
                "--echec-si-erreurs",
                action="store_true",
                help="code de sortie 1 si le changement introduit des erreurs (pour l'intégration continue)",
            ),
        ),
        defaults={"nature": "auto"},
    ),
    Command(
        "liens-externes",
        "outputs.liens:liens_externes",
        help="vérifier les adresses Web citées dans les plans (réseau requis)",
        description="Vérifie chaque adresse Web citée par les plans et écrit un rapport.",
        args=(
            CHEMINS,
            arg("--rapport", default="rapport-liens-externes.md", help="fichier du rapport Markdown"),
            arg("--delai", type=float, default=10.0, help="délai d'attente par adresse, en secondes"),
        ),
    ),
    Command(
        "exporter",
        "outputs.exporter:exporter",
        help="écrire les données ouvertes, ou un plan au format Word (gabarit du ministère) ou Excel",
        description="Écrit les plans en données ouvertes (--format donnees, par défaut) : un CSV par type "
        "d'élément (UTF-8 avec BOM, en-têtes en français), un classeur XLSX, le JSON et un datapackage.json. "
        "Avec --format docx, écrit un plan dans le gabarit Word du ministère ; avec --format xlsx, dans le "
        "classeur modifiable que « plan-ouvert importer » relit.",
        args=(
            arg(
                "chemins",
                nargs="*",
                metavar="CHEMIN",
                help="fichiers ou dossiers (défaut : plans/) ; un seul plan pour docx et xlsx",
            ),
            arg(
                "--format",
                choices=["donnees", "docx", "xlsx"],
                default="donnees",
                help="donnees (défaut) : données ouvertes de tous les plans ; docx : gabarit Word du ministère ; "
                "xlsx : classeur modifiable",
            ),
            arg(
                "--sortie",
                default=None,
                metavar="CHEMIN",
                help="dossier de sortie des données (défaut : donnees), ou fichier écrit pour docx et xlsx "
                "(défaut : <identifiant du plan>.docx ou .xlsx)",
            ),
        ),
    ),
    Command(
        "importer",
        "office.importer:importer",
        help="lire un plan depuis son document Word (.docx) ou un classeur (.xlsx, .csv)",
        description="Lit le tableau du plan dans le document Word du ministère (PIAR, programmation PAC) ou "
        "tout autre tableau de plan, et écrit le fichier du plan (chaque texte entre guillemets, un commentaire "
        "« # deviné » là où l'import a choisi une lecture) et un rapport d'import en français. Aucun texte "
        "n'est perdu : ce qui n'a pas trouvé sa place est dans le rapport (et, pour le tableau du plan, dans sa "
        "partie privée prive > a_verifier, jamais publiée). Un plan déjà dans plans/ (même organisme, type et "
        "période) est mis à jour plutôt que doublé.",
        epilog='Exemple : plan-ouvert importer mon-plan.docx --organisme "MRC de L\'Assomption"',
        args=(
            arg("fichier", metavar="FICHIER", help="document .docx ou .odt, classeur .xlsx ou fichier .csv"),
            arg(
                "--type",
                metavar="TYPE",
                help="type de plan (piar, pac, plan-action ou un type de plans/types/) ; défaut : reconnu aux en-têtes",
            ),
            arg(
                "--colonnes",
                metavar="CORRESPONDANCE",
                help='colonnes d\'un autre tableau : "En-tête=champ,Autre en-tête=niveau.champ" '
                '(ex. "Action=texte,Responsable=porteurs,Échéance=echeance")',
            ),
            arg("--sortie", metavar="FICHIER", help="fichier du plan (défaut : plans/<id>.yml)"),
            arg("--rapport", metavar="FICHIER", help="rapport d'import (défaut : à côté du plan, en .md)"),
            arg("--id", metavar="ID", help="identifiant du plan (défaut : organisme, type et année)"),
            arg("--organisme", metavar="NOM", help="nom de la MRC, si le document ne le donne pas"),
            arg("--plans", default="plans", metavar="DOSSIER", help="dossier des plans (défaut : plans)"),
            arg("--remplacer", action="store_true", help="écraser le fichier du plan et le rapport s'ils existent"),
            Exclusive(
                (
                    arg(
                        "--fusionner",
                        action="store_true",
                        help="mettre à jour le plan déjà dans plans/ (même organisme, type et période) : son "
                        "identifiant et les champs que le document ne porte pas sont gardés (c'est aussi le défaut "
                        "quand un tel plan existe)",
                    ),
                    arg(
                        "--autre-plan",
                        action="store_true",
                        help="écrire un second plan pour le même organisme, type et période (avec --id)",
                    ),
                )
            ),
        ),
    ),
    Command(
        "consultation",
        "office.consultation:command",
        help="consultation publique d'un projet de plan : importer les réponses du formulaire",
        description="Lit l'export des réponses d'un formulaire (Microsoft Forms, LimeSurvey ou tout formulaire), "
        "rattache chaque réponse à son élément par sa référence (« Action 1.2 ») et écrit le fichier de "
        "consultation du plan (plans/consultations/<plan>.yml). Aucun nom ni aucune coordonnée n'est gardé ; un "
        "commentaire n'est cité que si la personne a consenti à sa publication, renseignements personnels retirés.",
        epilog="Exemple : plan-ouvert consultation importer reponses.xlsx --plan mrc-exemple-pdza-2026",
        args=(
            arg("action", choices=["importer"], metavar="ACTION", help="importer : lire l'export des réponses"),
            arg("fichier", metavar="REPONSES", help="export des réponses, en .csv ou .xlsx"),
            arg("--plan", required=True, metavar="ID", help="identifiant du plan soumis à la consultation"),
            arg(
                "--colonnes",
                metavar="CORRESPONDANCE",
                help='colonnes de l\'export : "En-tête=champ,Autre en-tête=champ", champs : element, titre, plan, '
                "avis, consentement, theme, date, nom, personnel, ignorer (défaut : reconnues aux en-têtes de "
                "Microsoft Forms et de LimeSurvey)",
            ),
            arg("--plans", default="plans", metavar="DOSSIER", help="dossier des plans (défaut : plans)"),
        ),
    ),
    Command(
        "rapport",
        "outputs.rapport:rapport",
        help="écrire la reddition de compte annuelle d'un plan (XLSX)",
        description="Écrit, pour une année du plan, chaque cible avec son résultat, le statut "
        "et le commentaire, dans un classeur prêt à déposer au ministère.",
        args=(
            arg("plan", metavar="PLAN", help="identifiant du plan (dans plans/) ou chemin du fichier"),
            arg("--annee", type=int, required=True, metavar="N", help="année du plan (1 pour l'An 1)"),
            arg("--sortie", default="rapports", help="dossier de sortie (défaut : rapports)"),
        ),
    ),
)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="plan-ouvert",
        description="Vérifier, décrire et publier les plans d'action en YAML.",
        epilog="Codes de sortie : 0 aucune erreur, 1 erreurs dans les plans, 2 fichier illisible ou appel incorrect.",
    )
    sub = main.add_subparsers(dest="commande", metavar="COMMANDE", title="commandes")
    sub.required = True
    for command in COMMANDS:
        one = sub.add_parser(command.name, help=command.help, description=command.description, epilog=command.epilog)
        for item in command.args:
            if isinstance(item, Exclusive):
                group = one.add_mutually_exclusive_group()
                for each in item.args:
                    group.add_argument(*each.flags, **each.options)
            else:
                one.add_argument(*item.flags, **item.options)
        one.set_defaults(**command.defaults)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    values = vars(parser().parse_args(argv))
    name = values.pop("commande")
    command = next(c for c in COMMANDS if c.name == name)
    try:
        code: int = command.target()(**values)
    except KeyboardInterrupt:
        print("interrompu.", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
