"""What one import may cost: bounded sizes before anything is inflated, bounded counts, bounded time.

A plan is a few hundred elements in a file of a few hundred kilobytes. A Word or Excel file is a
zip archive of XML parts, and a hostile one can inflate a thousand times, pad its declared size
or repeat empty rows by the million. Each import therefore checks its archive's declared sizes
and ratios before inflating a byte (Python's zipfile never inflates more than the declared size),
counts what it reads, and stops at an overall deadline, always with a French message and before
anything is written.
"""

from __future__ import annotations

import resource
import time
import zipfile

from plan_ouvert.office.resultat import ImportFailure

MAX_MEMBERS = 2_000  # parts in one archive; a Word or Excel file has a few dozen
MAX_MEMBER_BYTES = 30_000_000  # one XML part, inflated (a 150-page plan's text is a few megabytes)
MAX_TOTAL_BYTES = 60_000_000  # all the XML parts, inflated
READ_SUFFIXES = (".xml", ".rels")  # the parts an import reads
# Office XML compresses about 5 to 20 times; a part that inflates far more is repeated markup.
MAX_RATIO = 150
RATIO_FROM_BYTES = 1_000_000  # small parts may compress well (a part of spaces): no ratio below this
MAX_WORK = 3_000_000  # units of work (paragraphs, rows, cells, styles) in one import
MAX_SECONDS = 120.0  # an import of a real plan takes about a second
MAX_GROWTH_KB = 1_500_000  # peak memory an import may add to its process (a real plan: a few dozen MB)

TOO_BIG = (
    "ce fichier se décompresserait en beaucoup plus de données qu'un plan d'action n'en contient "
    "({detail}) : l'import est arrêté. Vérifiez qu'il s'agit bien du plan, ou enregistrez-le de nouveau "
    "depuis Word ou votre tableur."
)


class Budget:
    """The work and time one import may spend; `spend` raises ImportFailure (French) beyond either."""

    def __init__(self, display: str, max_work: int = MAX_WORK, seconds: float = MAX_SECONDS) -> None:
        self.display = display
        self.max_work = max_work
        self.work = 0
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds
        self.peak_at_start = _peak_kb()

    def spend(self, units: int = 1) -> None:
        self.work += units
        if self.work > self.max_work:
            raise ImportFailure(
                f"{self.display} : ce fichier demande beaucoup plus de travail qu'un plan d'action "
                f"(plus de {_count(self.max_work)} éléments à lire) : l'import est arrêté."
            )
        if self.work % 1024 == 0 or units > 1:
            self.check_time()

    def check_time(self) -> None:
        """The deadline and the memory this import added, checked between two steps of reading."""
        if _peak_kb() - self.peak_at_start > MAX_GROWTH_KB:
            raise ImportFailure(
                f"{self.display} : la lecture de ce fichier demande beaucoup plus de mémoire qu'un plan d'action "
                f"(plus de {_mb(MAX_GROWTH_KB * 1000)}) : l'import est arrêté."
            )
        if time.monotonic() > self.deadline:
            raise ImportFailure(
                f"{self.display} : la lecture de ce fichier dépasse le temps permis pour un import "
                f"({int(self.seconds)} secondes) : l'import est arrêté."
            )


def check_archive(archive: zipfile.ZipFile, display: str) -> None:
    """Refuse an archive whose declared sizes (what zipfile will inflate at most) exceed a plan's."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ImportFailure(f"{display} : " + TOO_BIG.format(detail=f"{len(members)} parties dans l'archive"))
    total = 0
    for member in members:
        if not member.filename.lower().endswith(READ_SUFFIXES):
            continue  # pictures and embedded files are never inflated
        size = member.file_size
        total += size
        if size > MAX_MEMBER_BYTES:
            raise ImportFailure(
                f"{display} : " + TOO_BIG.format(detail=f"partie « {part_name(member.filename)} » de {_mb(size)}")
            )
        if size > RATIO_FROM_BYTES and size > MAX_RATIO * max(member.compress_size, 1):
            ratio = size // max(member.compress_size, 1)
            raise ImportFailure(
                f"{display} : "
                + TOO_BIG.format(detail=f"partie « {part_name(member.filename)} » comprimée {ratio} fois")
            )
    if total > MAX_TOTAL_BYTES:
        raise ImportFailure(f"{display} : " + TOO_BIG.format(detail=f"{_mb(total)} en tout"))


def part_name(name: str) -> str:
    """A part's name as a message shows it: a hostile archive's names may hold control characters."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in name)
    return shown if len(shown) <= 80 else shown[:79] + "…"


def _mb(size: int) -> str:
    return _count(round(size / 1_000_000)) + "\u00a0Mo"


def _count(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
