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

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

# The hooks read it: only this plan file is loaded (views/site.load_site).
PREVIEW_ENV = "PLAN_OUVERT_APERCU"


def command(args: argparse.Namespace) -> int:
    plan = Path(args.plan)
    if not plan.is_file():
        print(f"aperçu impossible : le fichier « {plan} » n'existe pas.", file=sys.stderr)
        return 2
    address = f"127.0.0.1:{args.port}"
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
    command = [sys.executable, "-m", "mkdocs", "serve", "--no-strict", "-a", address, "-f", args.config]
    try:
        return subprocess.run(command, env=env, check=False).returncode
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
