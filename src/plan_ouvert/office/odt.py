"""An OpenDocument text (.odt) read through LibreOffice: converted to .docx in a temporary folder.

LibreOffice (`soffice`) is not a dependency of Plan ouvert: where it is missing, the message says
how to save the document as .docx by hand. The conversion runs without a shell, in a profile of its
own (a LibreOffice already open on the desktop does not block it), and within a time limit.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from plan_ouvert.office.resultat import ImportFailure

TIMEOUT_S = 120


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def as_docx(path: Path) -> Iterator[Path]:
    """The .docx form of `path`, alive while the context lasts; ImportFailure (French) when it cannot be made."""
    save_as = (
        "Ouvrez-le dans LibreOffice Writer ou Word, enregistrez-le au format .docx (Fichier > Enregistrer sous > "
        "« Word 2007-365 (.docx) »), puis relancez l'import avec le fichier .docx."
    )
    soffice = _soffice()
    if soffice is None:
        raise ImportFailure(f"{path.name} : LibreOffice n'est pas installé ici pour lire un document .odt. {save_as}")
    with tempfile.TemporaryDirectory(prefix="plan-ouvert-odt-") as folder:
        work = Path(folder)
        try:
            done = subprocess.run(
                [soffice, "--headless", f"-env:UserInstallation={(work / 'profil').as_uri()}",
                 "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "docx"), str(path.resolve())],
                capture_output=True, timeout=TIMEOUT_S, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired):
            done = None
        converted = work / "docx" / f"{path.stem}.docx"
        if done is None or done.returncode != 0 or not converted.is_file():
            raise ImportFailure(f"{path.name} : LibreOffice n'a pas pu convertir ce document .odt. {save_as}")
        yield converted
