"""Open data: the public fields of every plan as CSV tables, one XLSX workbook and a Data Package.

One table per level of every kind of plan present (« enjeux », « moyens », « orientations »…),
its columns read from the kind's fields (their `colonne`, else their libellé), plus the tables
every kind shares: plans, années, mises à jour, partenaires, ressources, indicateurs and cibles.
Each row carries `plan_id` and the ids of its parents, so that the tables join without the
YAML. Text columns keep the source wording. No `prive` mapping is ever read here: the tables
are built field by field from public fields, and `plans.json` goes through
`export.public_data`.

Every file is a pure function of the plans (no clock, no machine state): two exports of the
same plans are byte for byte identical, so that a commit of the data shows only real changes.

The package by concern: `columns` (titles and cells of a kind's fields), `assemble` (the
tables and their rows), `csvfile`, `workbook` (XLSX), `descriptor` (datapackage.json) and
`files` (everything written at once). This module only gathers
their public names.
"""

from plan_ouvert.formats.xlsx import DATE_FORMAT, EPOCH, put, workbook_bytes

from .assemble import Layout, layout, tables
from .columns import Column, Table, number_text, target_value
from .csvfile import cell_text, csv_bytes, csv_cell
from .descriptor import datapackage
from .files import write_all
from .workbook import stamp, xlsx_bytes

__all__ = [
    "DATE_FORMAT",
    "EPOCH",
    "Column",
    "Layout",
    "Table",
    "cell_text",
    "csv_bytes",
    "csv_cell",
    "datapackage",
    "layout",
    "number_text",
    "put",
    "stamp",
    "tables",
    "target_value",
    "workbook_bytes",
    "write_all",
    "xlsx_bytes",
]
