"""DCAT metadata (JSON-LD) and the Data Package carry the facts a catalogue such as Données
Québec harvests: title, licence URI, distributions with media types, period, territory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.views import dcat, opendata, partage

from .helpers import ROOT, plans_folder

# rdflib 7.6's JSON-LD parser uses its own deprecated ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
BASE = "https://plans.exemple.qc.ca/"
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def trees() -> dict[str, PlanTree]:
    catalogue = load_catalogue([ROOT / "plans"])
    return {e.plan.id: e.tree for e in catalogue.entries}


def _graph(document: dict[str, object]) -> Graph:
    # The context is inline: parsing must never need the network.
    assert all(not isinstance(c, str) for c in [document["@context"]])
    return Graph().parse(data=json.dumps(document), format="json-ld")


def _about(licence: str | None = "CC-BY-4.0") -> dcat.Catalogue:
    return dcat.Catalogue(BASE, "Plans de la région", "Les plans d'action des MRC.", licence)


def test_a_plans_dataset_gives_title_licence_period_territory_and_typed_files(trees: dict[str, PlanTree]) -> None:
    tree = trees["mrc-etchemins-pac-2022"]
    files = ["plans/mrc-etchemins-pac-2022/mrc-etchemins-pac-2022.json", "plans/mrc-etchemins-pac-2022/flux.xml"]
    files.append("plans/mrc-etchemins-pac-2022/rapport/an-1/mrc-etchemins-pac-2022-rapport-an-1.xlsx")
    graph = _graph(dcat.dataset_document(tree, _about(), files))
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)
    assert graph.value(dataset, DCTERMS.title) == Literal(f"{tree.plan.titre} — MRC des Etchemins", lang="fr")
    assert graph.value(dataset, DCTERMS.description) == Literal(partage.plan_description(tree), lang="fr")
    # No licence in the plan: the site's default, as the licence's URI.
    assert tree.plan.licence is None
    assert graph.value(dataset, DCTERMS.license) == CC_BY
    assert graph.value(dataset, DCAT.landingPage) == URIRef(f"{BASE}plans/mrc-etchemins-pac-2022/")
    publisher = graph.value(dataset, DCTERMS.publisher)
    assert str(graph.value(publisher, URIRef("http://xmlns.com/foaf/0.1/name"))) == "MRC des Etchemins"
    period = graph.value(dataset, DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate) == Literal("2022", datatype=XSD.gYear)
    assert graph.value(period, DCAT.endDate) == Literal("2025", datatype=XSD.gYear)
    place = graph.value(dataset, DCTERMS.spatial)
    assert str(graph.value(place, DCTERMS.identifier)) == "12"
    assert str(graph.value(place, SKOS.prefLabel)) == "Chaudière-Appalaches (région administrative 12)"
    frequency = graph.value(dataset, DCTERMS.accrualPeriodicity)
    assert frequency == URIRef("http://publications.europa.eu/resource/authority/frequency/ANNUAL")
    media = {
        str(graph.value(d, DCAT.downloadURL)): str(graph.value(d, DCAT.mediaType))
        for d in graph.objects(dataset, DCAT.distribution)
    }
    assert media == {
        BASE + files[0]: "https://www.iana.org/assignments/media-types/application/json",
        BASE + files[1]: "https://www.iana.org/assignments/media-types/application/atom+xml",
        BASE + files[2]: f"https://www.iana.org/assignments/media-types/{XLSX}",
    }
    keywords = {str(k) for k in graph.objects(dataset, DCAT.keyword)}
    assert {"MRC des Etchemins", "Chaudière-Appalaches"} <= keywords
    # The programmation gives no date: none is made up.
    assert graph.value(dataset, DCTERMS.issued) is None and graph.value(dataset, DCTERMS.modified) is None


def test_a_plans_own_licence_wins_and_without_any_none_is_invented(trees: dict[str, PlanTree]) -> None:
    demo = trees["demo-mrc-fictive-pac-2024"]
    assert demo.plan.licence == "CC-BY-4.0"
    graph = _graph(dcat.dataset_document(demo, _about("CC0-1.0"), []))
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)
    assert graph.value(dataset, DCTERMS.license) == CC_BY
    graph = _graph(dcat.dataset_document(trees["mrc-lassomption-piar-2021"], _about(None), []))
    assert list(graph.objects(None, DCTERMS.license)) == []
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)
    assert graph.value(dataset, DCTERMS.issued) == Literal("2021-06-30", datatype=XSD.date)
    assert graph.value(dataset, DCTERMS.modified) == Literal("2021-08-27", datatype=XSD.date)


def test_the_catalogue_lists_each_plan_and_the_tables_of_all(trees: dict[str, PlanTree]) -> None:
    shared = ["donnees/csv/plans.csv", "donnees/plans.xlsx", "donnees/plans.json"]
    document = dcat.catalogue(list(trees.values()), _about(), {}, shared)
    graph = _graph(document)
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert graph.value(catalogue, DCTERMS.title) == Literal("Plans de la région", lang="fr")
    datasets = set(graph.objects(catalogue, DCAT.dataset))
    assert len(datasets) == len(trees) + 1
    identifiers = {str(graph.value(d, DCTERMS.identifier)) for d in datasets}
    assert identifiers == {*trees, "plans"}
    (tables,) = [d for d in datasets if str(graph.value(d, DCTERMS.identifier)) == "plans"]
    formats = {str(graph.value(d, DCTERMS["format"])) for d in graph.objects(tables, DCAT.distribution)}
    assert formats == {"CSV", "XLSX", "JSON"}


def test_the_built_site_publishes_the_catalogue_and_links_each_plans_metadata(site: Path) -> None:
    graph = Graph().parse(site / "donnees" / "catalogue.jsonld", format="json-ld")
    assert len(list(graph.subjects(RDF.type, DCAT.Catalog))) == 1
    plan_dir = site / "plans" / "mrc-lassomption-piar-2021"
    graph = Graph().parse(site / "donnees" / "mrc-lassomption-piar-2021" / "dataset.jsonld", format="json-ld")
    urls = {str(u) for u in graph.objects(None, DCAT.downloadURL)}
    # Every file the site publishes for the plan, and only those.
    published = {
        p.relative_to(site).as_posix()
        for p in plan_dir.rglob("*")
        if p.suffix in (".json", ".yml", ".xlsx", ".docx", ".xml")
    }
    assert {u.split("/plan-ouvert/", 1)[-1] for u in urls} == published
    assert "plans/mrc-lassomption-piar-2021/flux.xml" in published


def test_the_data_package_carries_the_same_facts_and_validates(tmp_path: Path, trees: dict[str, PlanTree]) -> None:
    from frictionless import validate

    ordered = [trees[k] for k in sorted(trees)]
    paths = opendata.write_all(ordered, tmp_path, licence="CC-BY-4.0")
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"] == [
        {"name": "CC-BY-4.0", "path": str(CC_BY), "title": "Creative Commons Attribution 4.0 International"}
    ]
    assert package["temporal"] == {"start": "2022", "end": "2027"}
    assert {"organisme": "MRC de L'Assomption", "region": "Lanaudière"} in package["spatial"]
    assert {"MRC des Etchemins", "Chaudière-Appalaches", "plan d'action"} <= set(package["keywords"])
    assert package["created"] == "2021-06-30T00:00:00Z"
    assert {"title": "MRC des Etchemins", "role": "publisher"} in package["contributors"]
    assert tmp_path / "datapackage.json" in paths
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])[:5]


def test_without_a_default_plans_without_licence_leave_the_package_unlicensed(
    tmp_path: Path, trees: dict[str, PlanTree]
) -> None:
    opendata.write_all([trees[k] for k in sorted(trees)], tmp_path)
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert "licenses" not in package
    assert "n'est pas précisée pour tous les plans" in package["description"]


def test_an_unknown_licence_is_reported_where_it_is_written(tmp_path: Path) -> None:
    text = (ROOT / "tests" / "data" / "petit" / "petit-pac.yml").read_text(encoding="utf-8")
    text = text.replace("licence: CC-BY-4.0", "licence: Licence libre")
    folder = plans_folder(tmp_path, {"petit-pac.yml": text})
    (finding,) = [f for f in load_catalogue([folder]).findings if f.code == "COM-W004"]
    line = text.splitlines().index("licence: Licence libre") + 1
    assert (finding.line, finding.column) == (line, 1)
    assert finding.file.endswith("plans/petit-pac.yml")
    assert f"petit-pac.yml:{line}:1: avertissement COM-W004: " in finding.format()
    assert "licence « Licence libre » inconnue" in finding.message
    assert "CC-BY-4.0" in finding.message and "ODbL-1.0" in finding.message


def test_an_unknown_default_licence_stops_the_build_at_its_line(tmp_path: Path) -> None:
    import logging

    from macros import plugin

    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: X\nextra:\n  plan_ouvert:\n    licence: CC BY\n", encoding="utf-8")
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    plugin.log.addHandler(handler)
    try:
        plugin.check_licence("CC-BY-4.0", config)
        assert records == []
        plugin.check_licence("CC BY", config)
    finally:
        plugin.log.removeHandler(handler)
    (record,) = records
    assert record.levelno == logging.ERROR  # a --strict build stops on it
    assert record.getMessage().startswith("mkdocs.yml:4:14 : licence « CC BY » inconnue")
