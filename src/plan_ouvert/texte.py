"""Plan text: plain text with a small safe subset of Markdown, rendered to HTML.

The text is escaped first; only then are **gras**, *italique*, [lien](https://…) and lines
starting with « - » turned into markup. Nothing else can become HTML: raw HTML, event
attributes, `javascript:` and `data:` links all stay visible text.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
# Escaped text: quotes are &#34; / &#39;, so a URL cannot leave its attribute.
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s()<>&]+(?:&amp;[^\s()<>&]+)*)\)")


def _inline(escaped: str) -> str:
    escaped = _LINK.sub(r'<a href="\2" rel="external nofollow noopener">\1</a>', escaped)
    escaped = _STRONG.sub(r"<strong>\1</strong>", escaped)
    return _EM.sub(r"<em>\1</em>", escaped)


def render(text: str | None) -> Markup:
    if not text:
        return Markup("")
    lines = str(escape(text)).split("\n")
    items = [line[2:] for line in lines if line.startswith("- ")]
    if items and len(items) == len([line for line in lines if line.strip()]):
        body = "".join(f"<li>{_inline(item)}</li>" for item in items)
        return Markup(f'<ul class="po-texte">{body}</ul>')  # noqa: S704 (built from escaped text)
    return Markup("<br>".join(_inline(line) for line in lines))  # noqa: S704 (built from escaped text)
