"""The `hooks:` module of mkdocs.yml: one Plan ouvert plugin, its events handed to MkDocs.

A hooks module runs after every plugin of `plugins:` and needs no installed entry point, so
the project builds from a checkout as it is; the work is in plugin.PlanOuvertPlugin.
"""

from __future__ import annotations

import sys
from pathlib import Path

# MkDocs loads this file by its path, as a module of no package: the adapter is imported as
# the package it is (`macros`, the one mkdocs-macros loads too), from the project's folder.
_project = str(Path(__file__).resolve().parent.parent)
sys.path.insert(0, _project)
try:
    from macros.plugin import PlanOuvertPlugin
finally:
    sys.path.remove(_project)

plugin = PlanOuvertPlugin()

on_startup = plugin.on_startup
on_config = plugin.on_config
on_files = plugin.on_files
on_page_context = plugin.on_page_context
on_page_content = plugin.on_page_content
on_post_page = plugin.on_post_page
on_post_template = plugin.on_post_template
on_env = plugin.on_env
on_serve = plugin.on_serve
on_build_error = plugin.on_build_error
on_post_build = plugin.on_post_build
