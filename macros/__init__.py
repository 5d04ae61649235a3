"""mkdocs-macros module: wiring from MkDocs to the plan_ouvert core, nothing more.

Pages call `plan_page(url)`; hand-written pages can call `liste_plans()`,
`carte_element(plan_id, type, id)` (« carte_element('mrc-x', 'action', '1-2') ») and
`resume_plan(plan_id)` and `consultations_en_cours()`.
"""

from __future__ import annotations

import posixpath
from typing import Any

from plan_ouvert.outputs import consultation as consultations
from plan_ouvert.outputs.render import current_renderer
from plan_ouvert.outputs.site import cached_site
from plan_ouvert.views import opendata
from plan_ouvert.views.site import Site


def define_env(env: Any) -> None:
    # Macros render with the build's one renderer, which the hooks make from the build's
    # settings: a hand-written page links as a generated one (to files in the offline variant).

    def site() -> Site:
        return cached_site(current_renderer().settings.plans)

    def current_url() -> str:
        # The folder of the page, as the page map writes URLs ("a/b/"), whatever
        # use_directory_urls says: "a/b/index.html" and "a/b/" both give "a/b/".
        url = str(env.page.url) if env.page else ""
        if url.endswith(".html"):
            folder = posixpath.dirname(url)
            return f"{folder}/" if folder else ""
        return url

    @env.macro  # type: ignore[untyped-decorator]
    def plan_page(url: str) -> str:
        return current_renderer().page(site(), url)

    @env.macro  # type: ignore[untyped-decorator]
    def liste_plans() -> str:
        return current_renderer().render("_plans_table.html", site(), current_url())

    @env.macro  # type: ignore[untyped-decorator]
    def consultations_en_cours() -> str:
        return consultations.en_cours_html(current_renderer(), site(), current_url())

    @env.macro  # type: ignore[untyped-decorator]
    def donnees_ouvertes() -> str:
        current = site()
        tables = opendata.tables(sorted(current.trees, key=lambda t: t.id), current.catalogue.kinds)
        return current_renderer().render("_donnees.html", current, current_url(), tables=tables)

    @env.macro  # type: ignore[untyped-decorator]
    def resume_plan(plan_id: str) -> str:
        entry = site().entry(plan_id)
        return current_renderer().render(
            "_plan_facts.html", site(), current_url(), plan=entry.plan, referentiel=entry.referentiel, tree=entry.tree
        )

    @env.macro  # type: ignore[untyped-decorator]
    def carte_element(plan_id: str, type_: str, element_id: str) -> str:
        current = site()
        element = current.find(plan_id, type_, element_id)
        if element is None:
            raise ValueError(f"carte_element : aucun élément « {type_} {element_id} » dans le plan « {plan_id} ».")
        tree = current.tree(plan_id)
        return current_renderer().render(
            "_carte.html", current, current_url(), plan=tree.plan, tree=tree, element=element
        )
