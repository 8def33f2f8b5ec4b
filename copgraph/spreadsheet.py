"""Text that a spreadsheet shows as text: the guard every CSV copgraph writes puts on its cells.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is a formula to Excel and
LibreOffice, so a name such as ``=HYPERLINK("http://...")``, imported from one spreadsheet, would run when an
export is opened in another (CSV injection). Such a cell gets a leading apostrophe, which both read as "this is
text" and do not show (OWASP's advice).

>>> spreadsheet_safe("=1+1"), spreadsheet_safe("Polypharmacy")
("'=1+1", 'Polypharmacy')
"""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "spreadsheet_safe"]

#: What a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text``, with a leading apostrophe if a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
