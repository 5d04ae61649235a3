"""Synthetic plans for the benchmark: half PIAR, half PAC, shaped like the two real seeds.

Deterministic: every plan comes from its own `random.Random` seeded with its number (never the
clock), so plan 7 is the same file whether 10 or 100 plans are generated, and two runs write
identical files. The wording reuses fragments of the seeds (MRC de L'Assomption PIAR 2021,
MRC des Etchemins PAC 2022) with a small French word list, so that text lengths and the
vocabulary of the search index stay close to real plans.

    python bench/generate.py --plans 100 --sortie bench/out/plans

writes DIR/<id>.yml for each plan and DIR/referentiels/ (a copy of plans/referentiels/).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

from plan_ouvert.source.echeance import MOIS_AFFICHES

ROOT = Path(__file__).resolve().parent.parent
SEED = "plan-ouvert-bench-1"
SCHEMA_COMMENT = "# yaml-language-server: $schema=../docs/schema/plan.schema.json\n"
HEADER = "# Plan SYNTHÉTIQUE généré par bench/generate.py pour mesurer la construction : aucune MRC réelle.\n"

# --- Word banks (French, Québec), mostly fragments of the two seed plans -------------------

LIEUX = [
    "Bellerive",
    "Val-des-Cèdres",
    "Haut-Richelieu-Nord",
    "Lac-aux-Sables",
    "Rivière-Rouge",
    "Monts-et-Marées",
    "Pointe-aux-Outardes",
    "Saint-Aubert",
    "Hautes-Laurentides-Est",
    "Basses-Terres",
    "Côte-des-Érables",
    "Plateau-Boisé",
    "Portage-du-Fort",
    "Sainte-Clotilde",
    "Grandes-Prairies",
    "Mont-Saint-Rémi",
]

ENONCES = [
    "Exode important d'entreprises manufacturières et de services aux entreprises hors du territoire",
    "Peu d'entreprises en opération sur le territoire ont recours aux services de la MRC et des partenaires "
    "pour réaliser des projets d'investissement ou pour de l'accompagnement ponctuel",
    "Plusieurs entreprises du territoire ont été lourdement affectées par la pandémie et ont besoin de soutien "
    "technique et financier pour se relancer et gérer leurs liquidités.",
    "Peu d'entreprises bénéficient du soutien financier disponible par l'entremise des outils financiers de la MRC",
    "Le nombre de démarrages d'entreprises a chuté au cours de la dernière année et a été en dents de scie au "
    "cours des dernières années",
    "Les entrepreneurs débutants doivent relever de nombreux défis à l'étape du lancement de leur entreprise et "
    "ils requièrent une attention particulière en termes d'accompagnement",
    "La pénurie de main-d'œuvre freine la croissance des entreprises manufacturières et agroalimentaires",
    "La relève entrepreneuriale n'est pas assurée dans plusieurs entreprises familiales du territoire",
    "Les entreprises du territoire connaissent mal les programmes d'Investissement Québec et des partenaires",
    "Le virage numérique des commerces de proximité accuse un retard par rapport aux autres régions",
]

OBJECTIFS = [
    "Améliorer la rétention des entreprises en croissance sur le territoire de la MRC et favoriser "
    "l'attraction d'investissement d'entreprises hors du territoire",
    "Recadrer et bonifier l'offre d'accompagnement offerte aux entreprises en complémentarité avec l'offre "
    "d'IQ et des autres partenaires du développement économique",
    "Améliorer le taux de survie des entreprises en leur offrant un accompagnement soutenu et des aides "
    "financières adaptées.",
    "Augmenter le nombre de projets d'entreprises financés par les outils financiers de la MRC ainsi que les "
    "retombées économiques qui en découlent",
    "Relancer le service d'accompagnement en lancement d'entreprises et susciter le goût d'entreprendre dans "
    "la population de la MRC.",
    "Relancer le service de mentorat offert aux entrepreneurs souhaitant être jumelés à un entrepreneur "
    "aguerri et expérimenté",
]

ACTIONS = [
    "Embaucher une ressource spécialisée en accompagnement de projet immobilier qui soutiendra les entreprises "
    "dans la réalisation de leur projet sur le territoire",
    "Établir des relations avec les promoteurs immobiliers et recenser les occasions de relocalisation sur le "
    "territoire",
    "Établir une relation de confiance avec les partenaires du développement économique de façon à faciliter "
    "l'accès aux services de nos partenaires",
    "Développer une offre de services axée sur l'accompagnement ponctuel et la concrétisation de projets "
    "d'investissement, de main-d'œuvre et de croissance.",
    "Optimiser l'utilisation des fonds qui nous ont été octroyés",
    "Former une deuxième ressource à la préparation et à l'analyse des demandes de financement au FLI/FLS et "
    "aux fonds de la MRC",
    "Accélérer le traitement des demandes de financement",
    "Faire la promotion de l'entrepreneuriat sur le territoire et mettre en valeur le territoire en tant que "
    "terre d'accueil d'entreprises en lancement",
    "Déployer un fonds de soutien au lancement d'entreprises",
    "Recruter de nouveaux mentors à la fois aguerris, disponibles et en mesure de bien comprendre les enjeux "
    "actuels de l'entrepreneuriat",
    "Mobiliser l'ensemble des ressources pour augmenter le nombre de financements et promouvoir les fonds de la MRC",
]

COMPLEMENTS = [
    "en complémentarité avec la nouvelle offre de service d'IQ",
    "sur l'ensemble du territoire de la MRC",
    "en collaboration avec les partenaires du milieu",
    "auprès des entreprises manufacturières et de services",
    "dans chacune des municipalités",
    "avec le soutien du comité aviseur",
    "en priorité auprès des entreprises éprouvées",
    "selon les besoins exprimés par les entreprises",
]

INDICATEURS_PIAR = [
    ("Accompagner {n} entreprises / année ayant des projets de croissance", "entreprises / année"),
    ("Référencer {n} entreprises / année aux partenaires de développement économique dont IQ", "entreprises / année"),
    ("Financer au moins {n} entreprises par année via le FLI/FLS", "entreprises / année"),
    ("Soutenir le démarrage d'au moins {n} nouvelles entreprises par année", "entreprises / année"),
    ("Soutenir la création de {n} nouveaux emplois par des entreprises en lancement", "emplois"),
    ("Concrétiser {n} jumelages mentors/mentorés par année", "jumelages / année"),
    ("Recruter {n} nouveaux mentors aguerris", "mentors"),
]

ROLES = [
    "Ressource spécialisée en accompagnement de projet immobilier",
    "Ressource qui accompagnera les entreprises ayant des projets d'investissement, de croissance et de "
    "développement des marchés",
    "Conseiller en financement",
    "Nouvelle ressource qui pourra accompagner les promoteurs de projets d'entreprises à l'étape du lancement",
    "Nouvelle ressource qui pourra relancer le service de mentorat et faciliter le jumelage entre mentors et mentorés",
    "Agent de développement économique",
]

MOYENS = [
    "Développer une stratégie d'attraction et de rétention des personnes immigrantes dans la MRC.",
    "Mettre en œuvre les activités et les outils admissibles au MIFI dans la stratégie d'attraction et de "
    "rétention des personnes immigrantes de la MRC.",
    "Sensibiliser aux enjeux et aux réalités vécues par les personnes immigrantes dans la région, notamment en "
    "présentant le diagnostic et le plan d'action au milieu.",
    "Soutenir l'organisation de formations en compétences interculturelles et sur les codes culturels pour les "
    "acteurs municipaux et les intervenants communautaires du milieu.",
    "Soutenir la mise en place et la coordination de l'instance reliée à la mise en œuvre du plan d'action.",
    "Soutenir le milieu (municipalités, écoles, organismes) dans l'organisation d'activités d'accueil des "
    "nouveaux arrivants.",
    "Créer, adapter et mettre à la disposition des intervenants communautaires et municipaux une trousse "
    "d'accueil destinée aux nouveaux arrivants.",
    "Mettre en place un comité d'accueil local pour les personnes immigrantes dans les municipalités concernées.",
    "Structurer une démarche visant à améliorer l'offre de services sur le territoire en consultant les "
    "personnes immigrantes et en sollicitant les intervenants municipaux.",
    "Créer un guide des meilleures pratiques en intervention en contexte interculturel pour les partenaires.",
    "Développer et tenir à jour une programmation commune d'activités interculturelles offertes dans la région.",
    "Coordonner et animer des rencontres avec les personnes immigrantes, les élus et les acteurs du milieu pour "
    "planifier des activités interculturelles.",
    "Sensibiliser et appuyer les municipalités afin de développer un volet interculturel lors d'événements.",
    "Soutenir le développement de compétences interculturelles des animateurs dans les organismes qui offrent "
    "des lieux d'échange et de rapprochement interculturel.",
    "Élaborer et organiser des activités d'information et de sensibilisation pour les employeurs sur les enjeux "
    "d'immigration.",
    "Organiser des rencontres avec les entreprises pour connaître les enjeux auxquels elles font face en lien "
    "avec l'immigration et l'intégration des personnes immigrantes.",
    "Mettre en place un comité de suivi et de pilotage du PAC-MRC.",
    "Assurer le suivi auprès des partenaires pour la mise en œuvre des actions.",
    "Réaliser les redditions de compte et les rapports de suivi.",
    "Effectuer une veille sur les initiatives des autres MRC sur les enjeux qui touchent notre MRC.",
]

RESULTATS = [
    "Une région attractive et une rétention des personnes immigrantes sur le territoire",
    "Augmenter la part de la population sensibilisée aux enjeux",
    "Faire connaître le plan d'action triennal",
    "Former les intervenants du territoire sur les codes culturels",
    "Consolider les engagements des partenaires de la MRC",
    "Avoir des activités pour les nouveaux arrivants dans les municipalités",
    "Doter les intervenants d'une trousse d'accueil",
    "Offre de services adaptée aux besoins des personnes immigrantes",
    "Rendre disponible une programmation d'activités interculturelles",
    "Informer les entreprises sur l'embauche de travailleurs immigrants",
    "Réaliser le plan d'action avec les partenaires",
]

INDICATEURS_PAC = [
    ("Nombre de partenaires mobilisés", "partenaires mobilisés"),
    ("Nombre de présentations", "présentations"),
    ("Nombre d'actions déployées", "actions déployées"),
    ("Nombre de personnes immigrantes rejointes", "personnes immigrantes rejointes"),
    ("Nombre de formations", "formations"),
    ("Nombre de personnes par formation", "personnes"),
    ("Nombre d'activités", "activités"),
    ("Nombre de rencontres", "rencontres"),
    ("Nombre d'entreprises présentes", "entreprises"),
    ("Nombre de publications", "publicités"),
    ("Nombre de municipalités sensibilisées et appuyées", "municipalités"),
]

CLIENTELES = [
    "Citoyens de la MRC",
    "Personnes immigrantes de la MRC et du Québec",
    "Partenaires et entreprises de la région",
    "Intervenants",
    "Élus et employés municipaux",
    "Nouveaux arrivants issus de l'immigration",
    "Municipalités",
    "Bénévoles",
    "Entreprises de la MRC",
    "Travailleurs issus de l'immigration",
    "Jeunes personnes immigrantes",
    "Intervenants municipaux",
]

PARTENAIRES = [
    ("municipalites", None, "Municipalités"),
    ("tcie", "TCIE", "Table de concertation en immigration et emploi"),
    ("idee", "IDÉE", None),
    ("cjee", "CJEE", "Carrefour jeunesse-emploi"),
    ("cea", "CEA", None),
    ("maison-des-jeunes", None, "Maison des jeunes"),
    ("chambre", None, "Chambre de commerce régionale"),
    ("sadc", "SADC", "Société d'aide au développement de la collectivité"),
]

COMMENTAIRES = [
    "La validation des activités sera faite auprès du MIFI",
    "Inclus dans les frais de gestion",
    "En fonction du programme, on doit respecter un maximum de 15 % du budget alloué pour la diffusion médias",
]

MOTS = [
    "régional",
    "concertée",
    "durable",
    "locale",
    "accrue",
    "ciblée",
    "structurante",
    "inclusive",
    "coordonnée",
    "proactive",
]

MOIS = ["janvier", "mars", "avril", "juin", "septembre", "octobre", "décembre"]
MOIS_NOMS = MOIS_AFFICHES  # the project's own month names


# --- Helpers -------------------------------------------------------------------------------


def phrase(rng: random.Random, bank: list[str]) -> str:
    """A fragment of the seeds, sometimes lengthened by a complement, as the seeds' lengths vary."""
    text = rng.choice(bank).rstrip(".")
    if rng.random() < 0.5:
        text += " " + rng.choice(COMPLEMENTS)
    if rng.random() < 0.25:
        text += f" de façon {rng.choice(MOTS)}"
    return text + ("." if rng.random() < 0.5 else "")


def lieu(index: int) -> str:
    """A distinct fictitious place per plan: titles carry it, and no two pages may share a title."""
    base = LIEUX[index % len(LIEUX)]
    return base if index < len(LIEUX) else f"{base}-{index // len(LIEUX) + 1}"


def plan_id(index: int, gabarit: str, year: int) -> str:
    return f"mrc-synthetique-{index:03d}-{gabarit}-{year}"


def _metadata(rng: random.Random, index: int, gabarit: str, year: int) -> dict[str, Any]:
    nom = f"MRC de {lieu(index)}"
    plan: dict[str, Any] = {
        "id": plan_id(index, gabarit, year),
        "gabarit": gabarit,
        "programme": "acces-entreprise-quebec" if gabarit == "piar" else "mifi-pac",
        "titre": "Plan d'intervention et d'affectation des ressources"
        if gabarit == "piar"
        else "Programmation des activités ou projets à réaliser pour la mise en œuvre du plan d'action",
        "organisme": {"nom": nom, "region": f"{index % 17 + 1:02d}"},  # every région in turn
    }
    if gabarit == "piar" and rng.random() < 0.5:
        plan["organisme"]["delegataire"] = f"Développement économique {lieu(index)}"
    if rng.random() < 0.5:
        plan["statut"] = rng.choice(["adopte", "en_vigueur"])
        plan["licence"] = "CC-BY-4.0"
    return plan


# --- PIAR ----------------------------------------------------------------------------------


def piar(index: int) -> dict[str, Any]:
    rng = random.Random(f"{SEED}-{index}")
    year = 2021 + rng.randrange(5)
    plan = _metadata(rng, index, "piar", year)
    date_plan = dt.date(year, rng.choice([3, 6, 9]), rng.choice([15, 30]))
    plan["date_plan"] = date_plan
    if rng.random() < 0.5:
        plan["date_convention"] = date_plan - dt.timedelta(days=60)
    if rng.random() < 0.6:
        plan["mises_a_jour"] = [{"date": date_plan + dt.timedelta(days=58)}]
    plan["source"] = f"PIAR de la MRC de {lieu(index)}, daté du {date_plan.day} {MOIS_NOMS[date_plan.month - 1]} {year}"
    enjeux_count = 6
    ressources = []
    for number in range(1, enjeux_count + 1):
        ressource = {"id": f"ressource-{number}", "role": rng.choice(ROLES)}
        if rng.random() < 0.9:  # like the seeds, a few gaps that « État du plan » reports
            ressource["statut"] = rng.choice(["nouvelle", "nouvelle", "existante", "promotion_interne"])
        ressources.append(ressource)
    if rng.random() < 0.5:
        ressources[-1]["temps"] = "partiel"
    plan["ressources"] = ressources
    enjeux = []
    for number in range(1, enjeux_count + 1):
        actions = []
        for k in range(1, rng.choice([2, 2, 3, 3, 3]) + 1):
            echeance = rng.choice(
                [
                    f"{rng.randrange(1, 29)} {rng.choice(MOIS)} {year + 1}",
                    "En continu",
                    f"{rng.choice(MOIS).capitalize()} {year + 1}",
                    f"Dès {rng.choice(MOIS)} {year}",
                    f"En continu, dès {rng.choice(MOIS)} {year + 1}",
                    f"automne {year + 1}",
                ]
            )
            actions.append({"id": f"{number}-{k}", "texte": phrase(rng, ACTIONS), "echeance": echeance})
        indicateurs = []
        for template, unite in rng.sample(INDICATEURS_PIAR, rng.choice([2, 3])):
            n = rng.choice([10, 12, 18, 25, 30, 50, 55, 125, 200])
            texte = template.format(n=n)
            cible: dict[str, Any] = {"texte": f"{n} {unite}", "valeur": n, "unite": unite}
            if rng.random() < 0.5:
                cible["echeance"] = f"dès {year + 1}"
            indicateurs.append({"texte": texte, "cibles": [cible]})
        enjeux.append(
            {
                "id": str(number),
                "enonce": phrase(rng, ENONCES),
                "objectifs_generaux": sorted(rng.sample([1, 2, 3, 4], rng.choice([1, 2]))),
                "axes": sorted(rng.sample(range(1, 8), rng.choice([1, 2, 3]))),
                "objectifs": [phrase(rng, OBJECTIFS)],
                "actions": actions,
                "indicateurs": indicateurs,
                "temps_imparti": {
                    "texte": "100% de la tâche de la ressource (Embauche d'une nouvelle ressource)",
                    "allocations": [{"ressource": f"ressource-{number}", "part": 100}],
                },
            }
        )
    plan["enjeux"] = enjeux
    return plan


# --- PAC -----------------------------------------------------------------------------------


def _an(numero: int, year: int) -> str:
    return f"An {numero} ({year + numero - 1}-{year + numero})"


def pac(index: int) -> dict[str, Any]:
    rng = random.Random(f"{SEED}-{index}")
    year = 2021 + rng.randrange(5)
    plan = _metadata(rng, index, "pac", year)
    plan["annees"] = [{"numero": n, "debut": year + n - 1, "fin": year + n} for n in (1, 2, 3)]
    if rng.random() < 0.5:
        plan["date_plan"] = dt.date(year, 4, 1)
    plan["source"] = f"Programmation du plan d'action de la MRC de {lieu(index)}, Programme d'appui aux collectivités"
    others = rng.sample(PARTENAIRES, 3)
    registre = [{"id": "mrc", "sigle": "MRC", "nom": f"MRC de {lieu(index)}"}]
    for ident, sigle, nom in others:
        entry: dict[str, Any] = {"id": ident}
        if sigle:
            entry["sigle"] = sigle
        if nom:
            entry["nom"] = nom
        registre.append(entry)
    plan["partenaires"] = registre
    ids = [p["id"] for p in registre[1:]]
    clienteles = rng.sample(CLIENTELES, 5)
    objectifs = []
    for number in range(1, 8):
        moyens = []
        for k in range(1, rng.choice([2, 2, 3, 3, 3, 4]) + 1):
            years = sorted(rng.sample([1, 2, 3], rng.choice([1, 2, 3, 3])))
            indicateurs = []
            for texte, unite in rng.sample(INDICATEURS_PAC, rng.choice([1, 2, 2, 3])):
                cibles = [{"annee": y, "texte": f"{rng.choice([2, 3, 4, 5, 8, 10, 25, 50])} {unite}"} for y in years]
                if len(cibles) > 1 and rng.random() < 0.1:
                    cibles.pop()  # a missing yearly target, as in the seed (PAC-W004)
                indicateurs.append({"texte": texte, "cibles": cibles})
            porteurs = ["mrc"] if rng.random() < 0.8 else ["mrc", ids[0]]
            autres = [i for i in ids if i not in porteurs]
            moyen: dict[str, Any] = {
                "id": f"{number}-{k}",
                "texte": phrase(rng, MOYENS),
                "porteurs": porteurs,
                "collaborateurs": sorted(rng.sample(autres, rng.choice([0, 1, 2]))),
                "resultats_attendus": [phrase(rng, RESULTATS) for _ in range(rng.choice([1, 1, 2]))],
                "indicateurs": indicateurs,
                "echeance": [_an(y, year) for y in years],
                "clientele": rng.sample(clienteles, rng.choice([1, 2, 3])),
            }
            if not moyen["collaborateurs"]:
                del moyen["collaborateurs"]
            if rng.random() < 0.3:
                moyen["commentaires"] = rng.choice(COMMENTAIRES)
            moyens.append(moyen)
        objectif: dict[str, Any] = {"id": str(number), "numero": number}
        if rng.random() < 0.15:
            objectif["titre"] = rng.choice(["AXE ENTREPRISE", "AXE COMMUNAUTÉ", "AXE CONCERTATION"])
        objectif["moyens"] = moyens
        objectifs.append(objectif)
    plan["objectifs_specifiques"] = objectifs
    return plan


# --- Writing -------------------------------------------------------------------------------


def plan(index: int) -> dict[str, Any]:
    """Plan number `index` (1-based): odd numbers are PIAR, even numbers PAC."""
    return piar(index) if index % 2 else pac(index)


def dump(data: dict[str, Any]) -> str:
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)
    return SCHEMA_COMMENT + HEADER + body


def generate(count: int, target: Path) -> list[Path]:
    target = target.resolve()
    plans_dir = (ROOT / "plans").resolve()
    if target == plans_dir or plans_dir in target.parents:
        raise SystemExit("generate.py : refus d'écrire dans plans/ ; choisissez un autre dossier (--sortie).")
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("mrc-synthetique-*.yml"):
        old.unlink()
    written = []
    for index in range(1, count + 1):
        data = plan(index)
        path = target / f"{data['id']}.yml"
        path.write_text(dump(data), encoding="utf-8")
        written.append(path)
    referentiels = target / "referentiels"
    if referentiels.exists():
        shutil.rmtree(referentiels)
    shutil.copytree(ROOT / "plans" / "referentiels", referentiels)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Écrire des plans synthétiques (moitié PIAR, moitié PAC).")
    parser.add_argument("--plans", type=int, default=100, help="nombre de plans (défaut : 100)")
    parser.add_argument("--sortie", type=Path, default=Path("bench/out/plans"), help="dossier de sortie")
    args = parser.parse_args(argv)
    if args.plans < 1:
        parser.error("--plans doit valoir au moins 1")
    written = generate(args.plans, args.sortie)
    print(f"{len(written)} plans synthétiques écrits dans {args.sortie}/ (référentiels copiés).", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
