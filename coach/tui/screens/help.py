"""`?`: the keys on each screen and what the numbers mean, in one calm page."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP_TEXT = """\
[b]Everywhere[/b]
  l  log pain now (area, then 0-10)   ?  this help
  ctrl+p  command palette

[b]Today[/b]
  s, Enter  start today's routine     m  "I only have N minutes"
  r  resume today's unfinished session
  t  trends   h  history   ,  settings   q  quit
  b  library: every muscle with its body map; search where it hurts

[b]History[/b]
  e  edit the chosen rating   d  delete it (a note of it is kept)

[b]During a session[/b]
  space  pause / go on     n  skip step    b  back a step
  +  15 more seconds       q  end (what you did is kept)
  p  body map on/off (shown by itself on a wide terminal)
  m  sounds / bell on, off  f  flash on/off   v  spoken cues on, off
  No voice? Install a speech service:
    apt install speech-dispatcher espeak-ng

[b]Pain ratings[/b]  0 = no pain, 10 = worst imaginable.
  1-3 mild, 4-6 moderate, 7-10 severe. A change of about 2 points
  or 30% is one you would notice. Press to "good pain", about 5-7:
  wincing means too hard.

[b]Soreness afterwards[/b] like after exercise is normal and goes
  within 24-48 hours; if it lasts longer, it was too much: coach
  asks the next day and makes that area lighter.

[b]Stop and see a clinician[/b] if you get numbness, tingling or
  weakness, sharp or shooting pain, or pain that is constant or severe.

Esc or ? closes this page."""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(classes="coach-dialog")

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static("coach: keys and numbers", classes="title")
            yield Static(HELP_TEXT)

    def action_close(self) -> None:
        self.dismiss(None)
