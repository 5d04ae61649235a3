"""`plan-ouvert apercu PLAN.yml`: the preview of one plan, updated a moment after each save.

The whole site is slow to rebuild on a portal of a hundred plans; the person editing a plan
wants to see that plan. The preview runs MkDocs' own server with only that plan (and the
shared pages: accueil, guide…), so that each save rebuilds a few dozen pages. The checks of
the plan are printed in French in the terminal at each save and shown on its « État du plan »
page, as in the full site. Pages that list every plan show only this one here;
`plan-ouvert construire` builds and checks the whole portal before publication.

MkDocs runs as a separate program, so this module does not import it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
        return subprocess.run(command, env=env, check=False).returncode
    except KeyboardInterrupt:
        return 0
