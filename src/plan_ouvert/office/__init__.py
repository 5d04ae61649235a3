"""Office files in and out: the ministry's Word gabarits and the project's editable workbook.

Import reads a .docx, .xlsx or .csv into a plan file and a French import report; export writes
the ministry's gabarit filled with a plan (.docx) and the editable workbook (.xlsx). This layer
reads plans through the element tree (views) and never knows MkDocs.
"""
