"""DCAT metadata in JSON-LD: the catalogue of the site's data and one dataset per plan.

Données Québec is a CKAN catalogue that harvests DCAT; so do most open-data portals. Each plan
is a dcat:Dataset (its title, description, publisher, licence, keywords, period, territory,
dates, update frequency) whose distributions are the files the site publishes for it; the
tables of all plans (CSV, XLSX, JSON) form one more dataset. The JSON-LD context is written
inline, never as a remote URL, so that a reader needs no network to interpret the file.

Every value comes from the plans and the site's configuration: no clock, no guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from plan_ouvert.source import licences
from plan_ouvert.source.model import PlanBase
from plan_ouvert.source.regions import Region, find_region
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.source.urls import plan_url
from plan_ouvert.views import partage

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
# Controlled vocabularies of the EU Publications Office, which DCAT-AP and CKAN's DCAT
# harvester read: update frequency and language.
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
FRENCH = "http://publications.europa.eu/resource/authority/language/FRA"
IANA = "https://www.iana.org/assignments/media-types/"
# Media types and format names of the files the site publishes, by file extension.
MEDIA_TYPES = {
    "csv": ("text/csv", "CSV"),
    "json": ("application/json", "JSON"),
    "yml": ("application/yaml", "YAML"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
    "xml": ("application/atom+xml", "Atom"),
}
FILE_TITLES = {
    "yml": "Le plan en YAML (fichier source)",
    "json": "Le plan en JSON",
    "xlsx": "Classeur Excel",
    "docx": "Document Word",
    "xml": "Flux Atom des mises à jour",
}


@dataclass(frozen=True)
class Catalogue:
    """What the metadata needs from the site's configuration."""

    base_url: str  # the public site's address, ending in « / » (from configuration only)
    titre: str  # the site's name
    description: str
    licence: str | None = None  # the default licence of plans that name none


def _text(value: str) -> dict[str, str]:
    return {"@value": value, "@language": "fr"}


def _date(day: dt.date) -> dict[str, str]:
    return {"@value": day.isoformat(), "@type": "xsd:date"}


def _year(year: int) -> dict[str, str]:
    return {"@value": str(year), "@type": "xsd:gYear"}


def issued(plan: PlanBase) -> dt.date | None:
    """When the plan was made public: its date, else its adoption."""
    return plan.date_plan or (plan.adoption.date if plan.adoption else None)


def modified(plan: PlanBase) -> dt.date | None:
    """Its last declared update, else its date of issue."""
    dates = [m.date for m in plan.mises_a_jour]
    first = issued(plan)
    if first:
        dates.append(first)
    return max(dates) if dates else None


def licence_of(plan: PlanBase, default: str | None) -> str | None:
    """The plan's licence identifier, or the site's default when the plan names none."""
    return plan.licence or default


def licence_uri(identifier: str | None) -> str | None:
    found = licences.find(identifier)
    return found.url if found else None


def _region(plan: PlanBase) -> Region | None:
    value = getattr(plan.organisme, "region", None)
    return find_region(str(value)) if value else None


def region(plan: PlanBase) -> str | None:
    """The official name of the organisation's région administrative, when the plan names it."""
    found = _region(plan)
    return found.nom if found else None


def geographic_code(plan: PlanBase) -> str | None:
    value = getattr(plan.organisme, "code_geographique", None)
    return str(value) if value else None


def spatial(plan: PlanBase) -> dict[str, Any] | None:
    """The territory the plan covers: the organisation's territory (official geographic code)
    within its région administrative (code and name), as far as the plan gives them."""
    code, found = geographic_code(plan), _region(plan)
    if not code and not found:
        return None
    area: dict[str, Any] | None = None
    if found:
        area = {
            "@type": "dct:Location",
            "dct:identifier": found.code,
            "skos:prefLabel": _text(f"{found.nom} (région administrative {found.code})"),
        }
    if not code:
        return area
    location: dict[str, Any] = {
        "@type": "dct:Location",
        "dct:identifier": code,
        "skos:prefLabel": _text(plan.organisme.nom),
    }
    if area:
        location["dct:isPartOf"] = area
    return location


def temporal(plan: PlanBase) -> dict[str, Any] | None:
    """The period the plan covers: its dates, else its plan years as calendar years."""
    if plan.periode:
        start, end = _date(plan.periode.debut), _date(plan.periode.fin)
    elif plan.annees:
        start = _year(min(a.debut for a in plan.annees))
        end = _year(max(a.fin for a in plan.annees))
    else:
        return None
    return {"@type": "dct:PeriodOfTime", "dcat:startDate": start, "dcat:endDate": end}


def keywords(tree: PlanTree) -> list[str]:
    """What a catalogue's search should find the plan by: its kind, programme, organisation, région."""
    plan = tree.plan
    words = ["plan d'action", tree.kind.spec.sigle, plan.organisme.nom]
    if tree.referentiel:
        words += [tree.referentiel.nom, tree.referentiel.ministere]
    name = region(plan)
    if name:
        words.append(name)
    seen: dict[str, None] = {}
    for word in words:
        seen.setdefault(word.strip(), None)
    return [w for w in seen if w]


def publisher(plan: PlanBase) -> dict[str, Any]:
    organisation: dict[str, Any] = {"@type": "foaf:Organization", "foaf:name": plan.organisme.nom}
    if plan.organisme.site_web:
        organisation["foaf:homepage"] = {"@id": plan.organisme.site_web}
    where = spatial(plan)
    if where:
        organisation["dct:spatial"] = where
    return organisation


def distribution(base_url: str, path: str, title: str, licence: str | None) -> dict[str, Any]:
    """One file of the site: its address, media type (IANA URI) and format."""
    extension = path.rsplit(".", 1)[-1].lower()
    media_type, format_name = MEDIA_TYPES[extension]
    described: dict[str, Any] = {
        "@type": "dcat:Distribution",
        "dct:title": _text(title),
        "dcat:downloadURL": {"@id": base_url + path},
        "dcat:accessURL": {"@id": base_url + path},
        "dcat:mediaType": {"@id": IANA + media_type},
        "dct:format": format_name,
    }
    uri = licence_uri(licence)
    if uri:
        described["dct:license"] = {"@id": uri}
    return described


def _file_title(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    if "-rapport-an-" in name:
        number = name.rsplit("-an-", 1)[-1].split(".")[0]
        return f"Reddition de compte, année {number} (classeur Excel)"
    return FILE_TITLES.get(name.rsplit(".", 1)[-1].lower(), name)


def dataset(tree: PlanTree, site: Catalogue, files: Sequence[str]) -> dict[str, Any]:
    """The dcat:Dataset of one plan; `files`: its published files, paths from the site's root."""
    plan = tree.plan
    licence = licence_of(plan, site.licence)
    page = site.base_url + plan_url(plan.id)
    described: dict[str, Any] = {
        "@id": f"{page}#jeu-de-donnees",
        "@type": "dcat:Dataset",
        "dct:identifier": plan.id,
        "dct:title": _text(f"{plan.titre} — {plan.organisme.nom}"),
        "dct:description": _text(partage.plan_description(tree)),
        "dct:publisher": publisher(plan),
        "dcat:keyword": [_text(word) for word in keywords(tree)],
        "dct:language": {"@id": FRENCH},
        "dcat:landingPage": {"@id": page},
        # A plan changes when it is updated, at no fixed time; its follow-up is reported yearly.
        "dct:accrualPeriodicity": {"@id": FREQUENCY + ("ANNUAL" if plan.annees else "IRREG")},
    }
    uri = licence_uri(licence)
    if uri:
        described["dct:license"] = {"@id": uri}
    for key, value in (("dct:temporal", temporal(plan)), ("dct:spatial", spatial(plan))):
        if value:
            described[key] = value
    first, last = issued(plan), modified(plan)
    if first:
        described["dct:issued"] = _date(first)
    if last:
        described["dct:modified"] = _date(last)
    if plan.contact and (plan.contact.courriel or plan.contact.nom):
        contact: dict[str, Any] = {"@type": "vcard:Organization", "vcard:fn": plan.contact.nom or plan.organisme.nom}
        if plan.contact.courriel:
            contact["vcard:hasEmail"] = {"@id": f"mailto:{plan.contact.courriel}"}
        described["dcat:contactPoint"] = contact
    described["dcat:distribution"] = [distribution(site.base_url, f, _file_title(f), licence) for f in files]
    return described


def all_plans(trees: Sequence[PlanTree], site: Catalogue, files: Sequence[str]) -> dict[str, Any]:
    """The dataset of every plan's tables together (CSV per table, one workbook, JSON)."""
    plans = [t.plan for t in trees]
    ids = sorted({licence_of(p, site.licence) or "" for p in plans})
    licence = ids[0] if len(ids) == 1 and ids[0] else None
    described: dict[str, Any] = {
        "@id": f"{site.base_url}donnees/#jeu-de-donnees",
        "@type": "dcat:Dataset",
        "dct:identifier": "plans",
        "dct:title": _text(f"{site.titre} : tous les plans en données ouvertes"),
        "dct:description": _text(
            "Les champs publics de tous les plans, une table par type d'élément, reliées par leurs "
            f"identifiants : {len(plans)} plan(s)."
        ),
        "dcat:keyword": [_text(w) for w in sorted({w for t in trees for w in keywords(t)})],
        "dct:language": {"@id": FRENCH},
        "dcat:landingPage": {"@id": f"{site.base_url}donnees/"},
        "dct:accrualPeriodicity": {"@id": FREQUENCY + "IRREG"},
    }
    uri = licence_uri(licence)
    if uri:
        described["dct:license"] = {"@id": uri}
    first = [d for d in (issued(p) for p in plans) if d]
    last = [d for d in (modified(p) for p in plans) if d]
    if first:
        described["dct:issued"] = _date(min(first))
    if last:
        described["dct:modified"] = _date(max(last))
    described["dcat:distribution"] = [
        distribution(site.base_url, f, f"Table « {f.rsplit('/', 1)[-1]} »", licence) for f in files
    ]
    return described


def catalogue(
    trees: Sequence[PlanTree], site: Catalogue, plan_files: Mapping[str, Sequence[str]], shared: Sequence[str]
) -> dict[str, Any]:
    """The dcat:Catalog of the site: one dataset per plan, and the tables of all plans."""
    ordered = sorted(trees, key=lambda t: t.plan.id)
    datasets = [dataset(t, site, plan_files.get(t.plan.id, [])) for t in ordered]
    if shared:
        datasets.append(all_plans(ordered, site, shared))
    described: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": f"{site.base_url}donnees/catalogue.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": _text(site.titre),
        "dct:description": _text(site.description),
        "dct:language": {"@id": FRENCH},
        "foaf:homepage": {"@id": site.base_url},
        "dcat:dataset": datasets,
    }
    uri = licence_uri(site.licence)
    if uri:
        described["dct:license"] = {"@id": uri}
    last = [d for d in (modified(t.plan) for t in ordered) if d]
    if last:
        described["dct:modified"] = _date(max(last))
    return described


def dataset_document(tree: PlanTree, site: Catalogue, files: Sequence[str]) -> dict[str, Any]:
    """One plan's dataset as its own JSON-LD file (donnees/<plan>/dataset.jsonld)."""
    return {"@context": CONTEXT, **dataset(tree, site, files)}
