"""`plan-ouvert apercu PLAN.yml`: the preview of one plan, updated a moment after each save.

The whole site is slow to rebuild on a portal of a hundred plans; the person editing a plan
wants to see that plan. The preview runs MkDocs' own server with only that plan (and the
shared pages: accueil, guide…), so that each save rebuilds a few dozen pages. The checks of
the plan are printed in French in the terminal at each save and shown on its « État du plan »
page, as in the full site. Pages that list every plan show only this one here;
`plan-ouvert construire` builds and checks the whole portal before publication.

MkDocs runs as a separate program, so this module does not import it; its server is guarded by
`host_guard` (wired in the site's hooks): a page of another site whose name was made to point at
127.0.0.1 (DNS rebinding) sends its own name as `Host`, and is refused.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plan_ouvert.source.findings import Finding

# The hooks read it: only this plan file is loaded (outputs/site.load_site).
PREVIEW_ENV = "PLAN_OUVERT_APERCU"


def apercu(plan: str, port: int = 8000, config: str = "mkdocs.yml") -> int:
    """`plan-ouvert apercu PLAN`: serve the site of this one plan while it is edited."""
    return _serve(Path(plan), port, config)


def _serve(plan: Path, port: int, config: str) -> int:
    if not plan.is_file():
        print(f"aperçu impossible : le fichier « {plan} » n'existe pas.", file=sys.stderr)
        return 2
    address = f"127.0.0.1:{port}"
    print(
        f"Aperçu de {plan} sur http://{address}/ : chaque enregistrement du fichier met ses pages à jour "
        "(constats en français ci-dessous). Les pages qui listent tous les plans n'y montrent que celui-ci. "
        "Ctrl-C pour arrêter.",
        file=sys.stderr,
    )
    env = {**os.environ, PREVIEW_ENV: str(plan.resolve()), "NO_MKDOCS_2_WARNING": "1"}
    # Served at the root of the local address, not under the public site's sub-path.
    env["PLAN_OUVERT_SITE_URL"] = f"http://{address}/"
    # Not strict: a departure or a broken link is shown, the preview keeps running.
    command = [sys.executable, "-m", "mkdocs", "serve", "--no-strict", "-a", address, "-f", config]
    try:
        with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True, encoding="utf-8") as server:
            for line in french_lines(server.stderr or ()):
                print(line, file=sys.stderr, flush=True)
            return server.wait()
    except KeyboardInterrupt:
        return 0


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The `Host` values of the bound address: the address itself, and localhost when it is local."""
    names = {host}
    if host in ("127.0.0.1", "::1", "localhost"):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    return frozenset(f"{name}:{port}".lower() for name in names)


def host_guard(app: WsgiApp, host: str, port: int) -> WsgiApp:
    """`app`, answering only requests addressed to the bound address (a short French refusal else)."""
    allowed = allowed_hosts(host, port)

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if str(environ.get("HTTP_HOST", "")).strip().lower() in allowed:
            return app(environ, start_response)
        body = (
            f"Requête refusée : cet aperçu ne répond qu'à l'adresse http://{host}:{port}/ "
            f"(ou http://localhost:{port}/).\n"
        ).encode()
        headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
        start_response("421 Misdirected Request", headers)
        return [body]

    return guarded


# MkDocs' and the theme's own English lines: the preview says in French what matters.
_ENGLISH = re.compile(
    r"Building documentation|Cleaning site directory|Documentation built in|Serving on|Watching paths|"
    r"Detected file changes|Reloading docs|Browser connected|Start watching|Stop watching|"
    r"The following pages exist|Doc file .* contains|mkdocs_macros|\[macros\]|Material for MkDocs|"
    r"^\s*-\s|^\s*$"
)
_LEVEL = re.compile(r"^(INFO|WARNING|ERROR|DEBUG)\s*-\s*(?:\[[\d:]+\]\s*)?")
_LEVELS = {"INFO": "", "WARNING": "attention : ", "ERROR": "erreur : ", "DEBUG": ""}


def french_lines(lines: Iterable[str]) -> Iterable[str]:
    """The server's log as the editor reads it: our French findings, MkDocs' English left out."""
    for raw in lines:
        line = raw.rstrip("\n")
        match = _LEVEL.match(line)
        text = line[match.end() :] if match else line
        if _ENGLISH.search(text):
            continue
        prefix = _LEVELS[match.group(1)] if match else ""
        said = re.search(r"\b(erreur|non-conformité|avertissement|attention)\b", text)
        yield text if said else f"{prefix}{text}"


def blocked_page(plan: Path, errors: Sequence[Finding]) -> str:
    """The preview's page of a plan that cannot be read: each blocking error at its line."""
    items = "\n".join(
        f"<li><strong>Ligne {e.line}, colonne {e.column}</strong> : {html.escape(e.message)} "
        f"<span class=code>({html.escape(e.code)})</span></li>"
        for e in errors
    )
    count = len(errors)
    title = f"{plan.name} : {count} erreur{'s' if count > 1 else ''} à corriger"
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} — aperçu</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}
h1{{font-size:1.5rem}}li{{margin:.5rem 0}}.code{{color:#555}}</style></head>
<body><main><h1>{html.escape(title)}</h1>
<p>Le fichier <code>{html.escape(str(plan))}</code> ne peut pas être lu : ses pages apparaîtront dès que
ces erreurs seront corrigées. L'aperçu se met à jour à chaque enregistrement du fichier.</p>
<ol>
{items}
</ol></main></body></html>
"""
