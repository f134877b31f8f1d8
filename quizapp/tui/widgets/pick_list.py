"""`PickList`: an OptionList whose Enter key shows in the footer.

Textual's OptionList binds Enter without showing it, so on a screen whose main action is "pick
the highlighted row" the footer would not say how to pick one.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import OptionList


class PickList(OptionList):
    """An option list that advertises Enter ("Open") in the footer."""

    BINDINGS = [Binding("enter", "select", "Open", show=True)]
