"""The project's settings in mkdocs.yml (`extra.plan_ouvert`), typed with MkDocs' own Config
machinery: each key is declared once here, with its type and default, and read as an attribute."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from plan_ouvert.outputs.render import Settings

SECTION = "plan_ouvert"  # under `extra:` in mkdocs.yml, where the README and the guide name it


class PlanOuvertConfig(base.Config):  # type: ignore[no-untyped-call]
    """`extra.plan_ouvert` in mkdocs.yml (see the comments there)."""

    plans = c.Type(str, default="plans")  # the folder of the plans, from mkdocs.yml's folder
    templates = c.Type(str, default="overrides/plan")  # the page fragments (Jinja)
    depot = c.Type(str, default="")  # « Proposer une modification » opens this repository
    branche = c.Type(str, default="main")
    completude_minimale = c.Type(int, default=0)  # percent; 0 = never fails
    conformite_stricte = c.Type(bool, default=False)  # non-conformités fail the build
    licence = c.Type(str, default="")  # default licence of the plans' data, an identifier


def defaults() -> PlanOuvertConfig:
    """The settings of a project whose mkdocs.yml sets none."""
    typed = PlanOuvertConfig()
    typed.validate()
    return typed


# What each key holds, in the words of the error message.
EXPECTED = {
    "plans": "un chemin de dossier",
    "templates": "un chemin de dossier",
    "depot": "une adresse",
    "branche": "un nom de branche",
    "completude_minimale": "un nombre entier (pourcentage, 0 pour aucun minimum)",
    "conformite_stricte": "true ou false",
    "licence": "un identifiant de licence (ex. CC-BY-4.0)",
}


def read(config: MkDocsConfig) -> tuple[PlanOuvertConfig, Settings]:
    """The typed section, and the core's settings made from it; a wrong value stops the build
    with a French message naming the key."""
    section = config.extra.get(SECTION) or {}
    if not isinstance(section, dict):
        raise PluginError(f"mkdocs.yml : extra.{SECTION} doit être une liste de réglages (clé: valeur).")
    typed = PlanOuvertConfig(config_file_path=config.config_file_path)
    typed.load_dict(dict(section))  # other keys: warnings of MkDocs, left aside
    failed, _ = typed.validate()
    if failed:
        wrong = " ; ".join(f"extra.{SECTION}.{key} attend {EXPECTED.get(key, 'une autre valeur')}" for key, _ in failed)
        raise PluginError(f"mkdocs.yml : réglage invalide : {wrong}.")
    settings = Settings.read(
        Path(config.config_file_path).resolve().parent,
        section,
        site_name=config.site_name,
        site_url=config.site_url,
        directory_urls=bool(config.use_directory_urls),
    )
    return typed, settings
