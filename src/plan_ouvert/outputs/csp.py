"""Content Security Policy for the built pages: scripts only from the site itself, plus the
theme's own inline scripts of each page (by SHA-256), so that injected markup can never run.

An inline script is the theme's when one of the theme's templates writes it: the templates
give its exact text, their expressions (a base URL, a name) standing for a path-like value.
Any other inline script, hand-written in a page for instance, is reported, and never hashed.

Styles allow 'unsafe-inline' because the theme sets style attributes; styles cannot run code.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Sequence

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)
DATA_BLOCK = re.compile(r"""type=["']?application/(?:ld\+)?json""", re.IGNORECASE)
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
# What a template expression may print inside a theme script: a path or a name, never code (no
# quote, bracket or colon that could end a string, call a function or name a javascript: URL).
VALUE = r"[\w./~%-]*"

BASE = {
    "default-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}


def _inline_scripts(html: str) -> list[str]:
    """The bodies of a text's executable inline scripts (data blocks never run)."""
    return [body for attributes, body in INLINE_SCRIPT.findall(html) if not DATA_BLOCK.search(attributes)]


def theme_scripts(templates: Iterable[str]) -> list[re.Pattern[str]]:
    """One pattern per inline script that the theme's templates write."""
    patterns: dict[str, re.Pattern[str]] = {}
    for text in templates:
        for body in _inline_scripts(text):
            if not body.strip():
                continue
            source = VALUE.join(re.escape(part) for part in JINJA.split(body.strip()))
            patterns.setdefault(source, re.compile(source, re.DOTALL))
    return list(patterns.values())


def _known(body: str, known: Sequence[re.Pattern[str]]) -> bool:
    text = body.strip()
    return not text or any(pattern.fullmatch(text) for pattern in known)


def unknown_scripts(html: str, known: Sequence[re.Pattern[str]]) -> list[str]:
    """The start of each inline script of `html` that no theme template writes."""
    return [" ".join(body.split())[:80] for body in _inline_scripts(html) if not _known(body, known)]


def script_hashes(html: str, known: Sequence[re.Pattern[str]] | None = None) -> list[str]:
    """Hashes of the inline scripts of `html`: only the theme's, when its scripts are `known`."""
    hashes = []
    for body in _inline_scripts(html):
        if known is not None and not _known(body, known):
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        hashes.append(f"'sha256-{digest}'")
    return sorted(set(hashes))


# The summary card that other sites show in a frame: a document of text and one style sheet of
# this site, nothing else (no script at all, no image from elsewhere, no form).
CARD = {
    "default-src": ["'none'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
}


def policy(hashes: list[str], header: bool = False, card: bool = False) -> str:
    directives = dict(CARD) if card else {**BASE, "script-src": ["'self'", *hashes]}
    if header:
        # Only honoured in a header, not in <meta>: no site may frame a page, except the cards.
        directives["frame-ancestors"] = ["*"] if card else ["'none'"]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def add_meta(html: str, hashes: list[str] | None = None, card: bool = False) -> str:
    """Insert the page's policy as the first element of <head>: its inline scripts' `hashes`."""
    hashes = script_hashes(html) if hashes is None else hashes
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(hashes, card=card)}">'
    return re.sub(r"<head>", f"<head>\n    {meta}", html, count=1, flags=re.IGNORECASE)


COMMON_HEADERS = (
    "  X-Content-Type-Options: nosniff\n"
    "  Referrer-Policy: strict-origin-when-cross-origin\n"
    "  Permissions-Policy: camera=(), microphone=(), geolocation=()\n"
)


def headers_file(all_hashes: list[str], entries: Sequence[str] = (), card_folder: str | None = None) -> str:
    """`_headers` (Netlify, Cloudflare Pages and alike): the same policy for hosts that send headers.

    When several rules match a path, those hosts apply them all, and a header given twice is
    sent twice or joined by a comma: two policies, both enforced, the strictest winning. So a
    rule for the cards could never lift the site's `frame-ancestors 'none'` if a rule for the
    whole site (/*) also gave it. The policy is therefore written per top-level entry of the
    site (`entries`: its files and folders), the cards' folder apart, so that no two rules
    giving a policy ever match one path; /* gives only the headers every path shares.
    """
    page_policy = policy(sorted(set(all_hashes)), header=True)
    rules = ["/*\n" + COMMON_HEADERS]
    if not entries:  # no site to list: one policy for every path
        return "/*\n" + f"  Content-Security-Policy: {page_policy}\n" + COMMON_HEADERS
    paths = ["/"]
    for entry in sorted(entries):
        if entry.rstrip("/") == card_folder or entry.startswith("_"):
            continue
        paths += [f"/{entry.removesuffix('/')}/*"] if entry.endswith("/") else [f"/{entry}"]
    rules += [f"{path}\n  Content-Security-Policy: {page_policy}\n" for path in paths]
    if card_folder:
        rules.append(f"/{card_folder}/*\n  Content-Security-Policy: {policy([], header=True, card=True)}\n")
    return "\n".join(rules)
