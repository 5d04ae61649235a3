"""File formats: how bytes are laid out, each library's quirks kept in one place.

Nothing here knows a plan: the modules take rows, cells and members, and give bytes. Any
private part of a library that is kept for a measured reason lives here, next to a canary
test (tests/test_formats.py) that compares it with the library's public path.
"""
