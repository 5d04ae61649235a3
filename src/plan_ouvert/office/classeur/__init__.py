"""The project's own editable workbook: one plan out to .xlsx, and back in from .xlsx or .csv.

The workbook is built from the plan's kind and its element tree, never from a kind's name:
a « Plan » sheet (the plan's own fields, one per row), an « Éléments » sheet (one row per
element, with its level, its id and its parent's id, then every field of the kinds' levels),
one sheet per structured field (indicators and their targets, time of the resources, funding),
the registries (partners, resources), the plan years and updates, and a « Colonnes » sheet that
explains each column in French. Reading it back gives the same plan (same public data): the
layout of each value is one `Conv`, used both ways.

Only public fields are written: `prive` never leaves the plan file. Text cells stay text (never
a formula), and the bytes depend only on the plan, so a rebuild gives the same file.

The package by concern: `columns` (how each value sits in a cell, both ways, and the columns of
each sheet), `write` (the sheets of a plan, then the bytes, through `plan_ouvert.formats.xlsx`),
`read` (a workbook or a CSV as raw rows, within the import's budgets) and `mapping` (raw rows to
a plan of a kind). This module only gathers their public names.
"""

from .mapping import import_workbook
from .write import sheets, workbook, xlsx_bytes

__all__ = ["import_workbook", "sheets", "workbook", "xlsx_bytes"]
