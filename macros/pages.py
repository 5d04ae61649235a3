"""The pages Plan ouvert generates, as MkDocs pages of their own kind.

Their Markdown is empty and never converted: the HTML is rendered from the plan when MkDocs
writes the page (see PlanOuvertPlugin.on_page_context), not when it reads it, since MkDocs
reads every page before writing any and would hold all of them in memory.
"""

from __future__ import annotations

from collections.abc import Callable

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc


class GeneratedPage(Page):
    """A page of the page map (a plan, an element, a view) or a plan's « Intégrer » page."""

    def __init__(self, file: File, config: MkDocsConfig, title: str, body: Callable[[], str], plan_id: str | None):
        super().__init__(None, file, config)
        self.plan_title = title  # the page's title, plan text: escaped when set (on_page_content)
        self.body = body  # its HTML, rendered when MkDocs writes it
        self.plan_id = plan_id

    def read_source(self, config: MkDocsConfig) -> None:
        # Nothing for mkdocs-macros to render: it would compile an empty template per page.
        self.markdown, self.meta = "", {"render_macros": False}

    def render(self, config: MkDocsConfig, files: Files) -> None:
        """What Page.render gives for empty Markdown, without a Markdown converter with all its
        extensions built for each generated page."""
        self.content = ""
        self.toc = get_toc([])
        self.present_anchor_ids = set()
        self.links_to_anchors = {}


class PlanPage(GeneratedPage):
    """A page of the page map, known by its URL."""

    def __init__(
        self, file: File, config: MkDocsConfig, title: str, body: Callable[[], str], url: str, plan_id: str | None
    ):
        super().__init__(file, config, title, body, plan_id)
        self.map_url = url


class IntegrationPage(GeneratedPage):
    """« Intégrer ce plan à votre site »: the <iframe> code of a plan's card."""
