"""Content Security Policy for the built pages: scripts only from the site itself, plus the
exact inline scripts of each page (by SHA-256), so that injected markup can never run.

Styles allow 'unsafe-inline' because the theme sets style attributes; styles cannot run code.
"""

from __future__ import annotations

import base64
import hashlib
import re

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)
DATA_BLOCK = re.compile(r"""type=["']?application/(?:ld\+)?json""", re.IGNORECASE)

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


def script_hashes(html: str) -> list[str]:
    hashes = []
    for attributes, body in INLINE_SCRIPT.findall(html):
        if DATA_BLOCK.search(attributes):
            continue  # data blocks are never executed
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        hashes.append(f"'sha256-{digest}'")
    return sorted(set(hashes))


def policy(hashes: list[str], header: bool = False) -> str:
    directives = {**BASE, "script-src": ["'self'", *hashes]}
    if header:
        directives["frame-ancestors"] = ["'none'"]  # only honoured in a header, not in <meta>
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def add_meta(html: str) -> str:
    """Insert the page's policy as the first element of <head>."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(script_hashes(html))}">'
    return re.sub(r"<head>", f"<head>\n    {meta}", html, count=1, flags=re.IGNORECASE)


def headers_file(all_hashes: list[str]) -> str:
    """`_headers` (Netlify, Cloudflare Pages and alike): the same policy for hosts that send headers."""
    return (
        "/*\n"
        f"  Content-Security-Policy: {policy(sorted(set(all_hashes)), header=True)}\n"
        "  X-Content-Type-Options: nosniff\n"
        "  Referrer-Policy: strict-origin-when-cross-origin\n"
        "  Permissions-Policy: camera=(), microphone=(), geolocation=()\n"
    )
