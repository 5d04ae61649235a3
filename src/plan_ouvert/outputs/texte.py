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


# Link text that reads as an address: « https://… », « www.… », « quebec.ca/… », « nom@domaine.ca ».
_ADDRESS = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+|(?:[\w-]+\.)+[a-z]{2,}(?:[/?#]\S*)?|[^\s@]+@(?:[\w-]+\.)+[a-z]{2,}",
    flags=re.IGNORECASE,
)


def _address(text: str) -> str:
    """An address without what does not change where it leads: scheme, « www. », final « / », case."""
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text.strip(), flags=re.IGNORECASE).lower()
    return text.removeprefix("www.").rstrip("/")


def _link(match: re.Match[str]) -> str:
    # [https://www.quebec.ca](https://evil.example) would show one address and lead to
    # another: a link text that reads as an address shows the real target instead.
    label, href = match.group(1), match.group(2)
    if _ADDRESS.fullmatch(label.strip()) and _address(label) != _address(href):
        label = href
    return f'<a href="{href}" rel="external nofollow noopener">{label}</a>'


def _inline(escaped: str) -> str:
    escaped = _LINK.sub(_link, escaped)
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
