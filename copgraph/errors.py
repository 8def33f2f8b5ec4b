"""The one exception the library raises for problems a user can fix."""

from __future__ import annotations


class CopgraphError(Exception):
    """A problem with the user's input or data, said as a sentence that tells what, where and what to do.

    The command line prints it as one line and exits with status 2; the web app answers it with a 4xx page.
    """
