"""`plan-ouvert`: check, describe and create plan files, in French."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .checks.catalogue import load_catalogue
from .checks.consultation import check_folders as check_consultations
from .outputs import schema as schema_module
from .source.findings import Severity, count, findings_json

# argparse speaks English through gettext; these are the strings a user can meet.
_FRENCH = {
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
    "show program's version number and exit": "afficher la version et quitter",
    "expected at least one argument": "au moins un argument attendu",
    "not allowed with argument %s": "incompatible avec l'argument %s",
}


def _french(text: str) -> str:
    return _FRENCH.get(text, text)


argparse._ = _french  # type: ignore[attr-defined]

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def _verifier(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.chemins] or [Path("plans")]
    catalogue = load_catalogue(paths, Path(args.referentiels) if args.referentiels else None)
    trees = {entry.plan.id: entry.tree for entry in catalogue.entries}
    catalogue.findings += check_consultations([p for p in paths if p.is_dir()], trees)  # plans/consultations/
    findings = [f for f in catalogue.findings if args.infos or f.severity is not Severity.INFO]
    if args.format == "json":
        print(findings_json(findings))
    else:
        for finding in findings:
            print(finding.format_github() if args.format == "github" else finding.format())
    errors, warnings = count(findings, Severity.ERREUR), count(findings, Severity.AVERTISSEMENT)
    departures = count(findings, Severity.NON_CONFORMITE)
    if args.format == "texte":
        plans = len(catalogue.entries)
        print(
            f"{plans} plan{'s' if plans > 1 else ''} vérifié{'s' if plans > 1 else ''} : "
            f"{errors} erreur{'s' if errors > 1 else ''}, "
            f"{departures} non-conformité{'s' if departures > 1 else ''}, "
            f"{warnings} avertissement{'s' if warnings > 1 else ''}.",
            file=sys.stderr,
        )
        if args.strict and departures and not errors:
            print("Mode strict : les non-conformités au gabarit font échouer la vérification.", file=sys.stderr)
    if catalogue.unreadable:
        return EXIT_UNREADABLE
    # --strict is for teams drafting a plan before adoption: departures from the gabarit then
    # count as failures; avertissements never do.
    return EXIT_ERRORS if errors or (args.strict and departures) else EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from .checks.catalogue import load_kinds

    loaded = load_kinds(Path(args.plans))
    for finding in loaded.findings:
        print(finding.format(), file=sys.stderr)
    if loaded.findings:
        return EXIT_UNREADABLE
    if args.sortie == "-":
        sys.stdout.write(schema_module.render("plan", loaded.kinds))
        return EXIT_OK
    for path in schema_module.write_all(Path(args.sortie), loaded.kinds):
        print(f"écrit : {path}")
    return EXIT_OK


def _lazy(module: str, function: str) -> Callable[[argparse.Namespace], int]:
    # Heavier commands import their module only when called.
    def run(args: argparse.Namespace) -> int:
        from importlib import import_module

        result: int = getattr(import_module(f"plan_ouvert.{module}"), function)(args)
        return result

    return run


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="plan-ouvert",
        description="Vérifier, décrire et publier les plans d'action en YAML.",
        epilog="Codes de sortie : 0 aucune erreur, 1 erreurs dans les plans, 2 fichier illisible ou appel incorrect.",
    )
    sub = main.add_subparsers(dest="commande", metavar="COMMANDE", title="commandes")
    sub.required = True

    verifier = sub.add_parser(
        "verifier",
        help="vérifier des plans et afficher chaque problème",
        description="Vérifie la forme et les règles du programme de chaque plan.",
    )
    verifier.add_argument("chemins", nargs="*", metavar="CHEMIN", help="fichiers ou dossiers (défaut : plans/)")
    verifier.add_argument(
        "--format",
        choices=["texte", "json", "github"],
        default="texte",
        help="texte (défaut), json, ou github (annotations GitHub Actions)",
    )
    verifier.add_argument("--infos", action="store_true", help="afficher aussi les simples informations")
    verifier.add_argument(
        "--strict",
        action="store_true",
        help="échouer aussi sur les non-conformités au gabarit (pour un plan en préparation)",
    )
    verifier.add_argument(
        "--referentiels",
        metavar="DOSSIER",
        help="dossier des référentiels (défaut : le dossier referentiels/ le plus proche)",
    )
    verifier.set_defaults(run=_verifier)

    schema = sub.add_parser(
        "schema",
        help="écrire les schémas JSON des plans, des référentiels et des types de plans",
        description="Écrit les schémas JSON (pour la complétion dans VS Code), y compris pour les types de "
        "plans écrits dans plans/types/.",
    )
    schema.add_argument("--plans", default="plans", metavar="DOSSIER", help="dossier des plans (défaut : plans)")
    schema.add_argument(
        "sortie",
        nargs="?",
        default=str(schema_module.SCHEMA_DIR),
        metavar="DOSSIER",
        help="dossier de sortie (défaut : docs/schema), ou « - » pour la sortie standard",
    )
    schema.set_defaults(run=_schema)

    nouveau = sub.add_parser(
        "nouveau",
        help="créer un plan d'un type donné (piar, pac, plan-action ou un type de plans/types/)",
        description="Écrit un nouveau fichier de plan, chaque champ expliqué en commentaire.",
    )
    nouveau.add_argument(
        "programme",
        metavar="TYPE",
        help="type de plan (piar, pac, plan-action, ou un type de plans/types/) ou référentiel d'un programme "
        "(acces-entreprise-quebec, mifi-pac)",
    )
    nouveau.add_argument("id", metavar="ID", help="identifiant du plan, ex. mrc-exemple-piar-2025")
    nouveau.add_argument("--dossier", default="plans", help="dossier des plans (défaut : plans)")
    nouveau.set_defaults(run=_lazy("outputs.nouveau", "command"))

    construire = sub.add_parser(
        "construire",
        help="construire le site dans site/ (sans écraser le dernier bon)",
        description="Vérifie les plans, construit le site dans un dossier temporaire, "
        "vérifie ses liens, puis remplace site/.",
    )
    construire.add_argument("--sortie", default="site", help="dossier du site (défaut : site)")
    construire.add_argument(
        "--hors-ligne",
        action="store_true",
        help="variante à ouvrir depuis le disque (liens vers index.html, recherche hors ligne)",
    )
    construire.set_defaults(run=_lazy("outputs.publish", "command"))

    apercu = sub.add_parser(
        "apercu",
        help="prévisualiser un plan pendant qu'on le modifie (pages à jour à chaque enregistrement)",
        description="Sert le site avec ce seul plan (et les pages communes) sur http://127.0.0.1:8000 ; "
        "chaque enregistrement du fichier met ses pages à jour en une ou deux secondes et affiche ses constats.",
        epilog="Exemple : plan-ouvert apercu plans/mrc-exemple-piar-2025.yml",
    )
    apercu.add_argument("plan", metavar="PLAN", help="fichier du plan à prévisualiser (plans/<id>.yml)")
    apercu.add_argument("--port", type=int, default=8000, help="port du serveur local (défaut : 8000)")
    apercu.add_argument("--config", default="mkdocs.yml", help="configuration du site (défaut : mkdocs.yml)")
    apercu.set_defaults(run=_lazy("outputs.apercu", "command"))

    comparer = sub.add_parser(
        "comparer",
        help="résumer en français ce qu'un changement fait aux plans",
        description="Compare deux versions des plans et écrit un résumé Markdown pour la révision. "
        "Chaque argument est une révision git, sauf s'il s'écrit comme un chemin (./plans, ../x, "
        "/chemin/absolu) ; un nom qui est à la fois une révision et un fichier est refusé.",
    )
    comparer.add_argument("base", metavar="BASE", help="version de départ : révision git, ou ./fichier, ./dossier")
    comparer.add_argument("head", metavar="HEAD", help="version proposée : révision git, ou ./fichier, ./dossier")
    nature = comparer.add_mutually_exclusive_group()
    nature.add_argument(
        "--revisions",
        dest="nature",
        action="store_const",
        const="revisions",
        help="BASE et HEAD sont des révisions git, même si un fichier porte leur nom",
    )
    nature.add_argument(
        "--fichiers",
        dest="nature",
        action="store_const",
        const="fichiers",
        help="BASE et HEAD sont des fichiers ou des dossiers",
    )
    comparer.add_argument(
        "--echec-si-erreurs",
        action="store_true",
        help="code de sortie 1 si le changement introduit des erreurs (pour l'intégration continue)",
    )
    comparer.set_defaults(run=_lazy("views.diff", "command"), nature="auto")

    liens = sub.add_parser(
        "liens-externes",
        help="vérifier les adresses Web citées dans les plans (réseau requis)",
        description="Vérifie chaque adresse Web citée par les plans et écrit un rapport.",
    )
    liens.add_argument("chemins", nargs="*", metavar="CHEMIN", help="fichiers ou dossiers (défaut : plans/)")
    liens.add_argument("--rapport", default="rapport-liens-externes.md", help="fichier du rapport Markdown")
    liens.add_argument("--delai", type=float, default=10.0, help="délai d'attente par adresse, en secondes")
    liens.set_defaults(run=_lazy("outputs.liens", "command"))

    exporter = sub.add_parser(
        "exporter",
        help="écrire les données ouvertes, ou un plan au format Word (gabarit du ministère) ou Excel",
        description="Écrit les plans en données ouvertes (--format donnees, par défaut) : un CSV par type "
        "d'élément (UTF-8 avec BOM, en-têtes en français), un classeur XLSX, le JSON et un datapackage.json. "
        "Avec --format docx, écrit un plan dans le gabarit Word du ministère ; avec --format xlsx, dans le "
        "classeur modifiable que « plan-ouvert importer » relit.",
    )
    exporter.add_argument(
        "chemins",
        nargs="*",
        metavar="CHEMIN",
        help="fichiers ou dossiers (défaut : plans/) ; un seul plan pour docx et xlsx",
    )
    exporter.add_argument(
        "--format",
        choices=["donnees", "docx", "xlsx"],
        default="donnees",
        help="donnees (défaut) : données ouvertes de tous les plans ; docx : gabarit Word du ministère ; "
        "xlsx : classeur modifiable",
    )
    exporter.add_argument(
        "--sortie",
        default=None,
        metavar="CHEMIN",
        help="dossier de sortie des données (défaut : donnees), ou fichier écrit pour docx et xlsx "
        "(défaut : <identifiant du plan>.docx ou .xlsx)",
    )
    exporter.set_defaults(run=_lazy("office.telechargements", "command"))

    importer = sub.add_parser(
        "importer",
        help="lire un plan depuis son document Word (.docx) ou un classeur (.xlsx, .csv)",
        description="Lit le tableau du plan dans le document Word du ministère (PIAR, programmation PAC) ou "
        "tout autre tableau de plan, et écrit le fichier du plan (chaque texte entre guillemets, un commentaire "
        "« # deviné » là où l'import a choisi une lecture) et un rapport d'import en français. Aucun texte "
        "n'est perdu : ce qui n'a pas trouvé sa place est dans le rapport (et, pour le tableau du plan, dans sa "
        "partie privée prive > a_verifier, jamais publiée). Un plan déjà dans plans/ (même organisme, type et "
        "période) est mis à jour plutôt que doublé.",
        epilog='Exemple : plan-ouvert importer mon-plan.docx --organisme "MRC de L\'Assomption"',
    )
    importer.add_argument("fichier", metavar="FICHIER", help="document .docx ou .odt, classeur .xlsx ou fichier .csv")
    importer.add_argument(
        "--type",
        metavar="TYPE",
        help="type de plan (piar, pac, plan-action ou un type de plans/types/) ; défaut : reconnu aux en-têtes",
    )
    importer.add_argument(
        "--colonnes",
        metavar="CORRESPONDANCE",
        help='colonnes d\'un autre tableau : "En-tête=champ,Autre en-tête=niveau.champ" '
        '(ex. "Action=texte,Responsable=porteurs,Échéance=echeance")',
    )
    importer.add_argument("--sortie", metavar="FICHIER", help="fichier du plan (défaut : plans/<id>.yml)")
    importer.add_argument("--rapport", metavar="FICHIER", help="rapport d'import (défaut : à côté du plan, en .md)")
    importer.add_argument("--id", metavar="ID", help="identifiant du plan (défaut : organisme, type et année)")
    importer.add_argument("--organisme", metavar="NOM", help="nom de la MRC, si le document ne le donne pas")
    importer.add_argument("--plans", default="plans", metavar="DOSSIER", help="dossier des plans (défaut : plans)")
    importer.add_argument(
        "--remplacer", action="store_true", help="écraser le fichier du plan et le rapport s'ils existent"
    )
    reimport = importer.add_mutually_exclusive_group()
    reimport.add_argument(
        "--fusionner",
        action="store_true",
        help="mettre à jour le plan déjà dans plans/ (même organisme, type et période) : son identifiant et les "
        "champs que le document ne porte pas sont gardés (c'est aussi le défaut quand un tel plan existe)",
    )
    reimport.add_argument(
        "--autre-plan",
        action="store_true",
        help="écrire un second plan pour le même organisme, type et période (avec --id)",
    )
    importer.set_defaults(run=_lazy("office.importer", "command"))

    _consultation_parser(sub)

    rapport = sub.add_parser(
        "rapport",
        help="écrire la reddition de compte annuelle d'un plan (XLSX)",
        description="Écrit, pour une année du plan, chaque cible avec son résultat, le statut "
        "et le commentaire, dans un classeur prêt à déposer au ministère.",
    )
    rapport.add_argument("plan", metavar="PLAN", help="identifiant du plan (dans plans/) ou chemin du fichier")
    rapport.add_argument("--annee", type=int, required=True, metavar="N", help="année du plan (1 pour l'An 1)")
    rapport.add_argument("--sortie", default="rapports", help="dossier de sortie (défaut : rapports)")
    rapport.set_defaults(run=_lazy("views.rapport", "command"))
    return main


def _consultation_parser(sub: Any) -> None:
    consultation = sub.add_parser(
        "consultation",
        help="consultation publique d'un projet de plan : importer les réponses du formulaire",
        description="Outils de la consultation publique d'un projet de plan (statut: projet).",
    )
    actions = consultation.add_subparsers(dest="action", metavar="ACTION", title="actions")
    actions.required = True
    importer = actions.add_parser(
        "importer",
        help="lire l'export d'un formulaire (CSV ou XLSX) et écrire plans/consultations/<plan>.yml",
        description="Lit l'export des réponses (Microsoft Forms, LimeSurvey ou tout formulaire), rattache chaque "
        "réponse à son élément par sa référence (« Action 1.2 ») et écrit le fichier de consultation du plan. "
        "Aucun nom ni aucune coordonnée n'est gardé ; un commentaire n'est cité que si la personne a consenti à sa "
        "publication, renseignements personnels retirés.",
        epilog="Exemple : plan-ouvert consultation importer reponses.xlsx --plan mrc-exemple-pdza-2026",
    )
    importer.add_argument("fichier", metavar="REPONSES", help="export des réponses, en .csv ou .xlsx")
    importer.add_argument("--plan", required=True, metavar="ID", help="identifiant du plan soumis à la consultation")
    importer.add_argument(
        "--colonnes",
        metavar="CORRESPONDANCE",
        help='colonnes de l\'export : "En-tête=champ,Autre en-tête=champ", champs : element, titre, plan, avis, '
        "consentement, theme, date, nom, personnel, ignorer (défaut : reconnues aux en-têtes de Microsoft Forms "
        "et de LimeSurvey)",
    )
    importer.add_argument("--plans", default="plans", metavar="DOSSIER", help="dossier des plans (défaut : plans)")
    importer.set_defaults(run=_lazy("office.consultation", "command"))


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        print("interrompu.", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
