"""The one reproducible zip writer: Office files (.xlsx, .docx) are zip archives.

zipfile stamps every member with the clock and the writer's file mode; here each member
carries a date given by the caller (a plan's own date) and a fixed mode, so the same content
gives the same bytes, written in one pass.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MODE = 0o600 << 16  # fixed permissions, whatever the umask of the machine


def member(name: str, moment: dt.datetime) -> zipfile.ZipInfo:
    """A member header that depends only on its name and the given date."""
    when = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = MODE
    return info


class StampedZip(zipfile.ZipFile):
    """A zip being written whose members all carry `moment`, for writers that take a ZipFile
    (openpyxl's) and call `writestr` with a bare name."""

    def __init__(self, file: io.BytesIO, moment: dt.datetime) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self._moment = moment

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = member(zinfo_or_arcname, self._moment)
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        """A file on disk (openpyxl's write-only sheets) goes in like any member: its disk date
        and mode stay out of the archive."""
        self.writestr(str(arcname or filename), Path(filename).read_bytes())


def zip_bytes(members: Iterable[tuple[str, bytes]], moment: dt.datetime) -> bytes:
    """An archive of `members` (name, bytes) in the given order, all dated `moment`."""
    out = io.BytesIO()
    with StampedZip(out, moment) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()
