"""The library: browse every entry by area, search by name or by where it hurts, and open a
card with its body map. The core (coach.library) decides what matches; this screen shows it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from coach.tui.widgets.body_map import BodyMapView
from coach.tui.widgets.footer import KeyFooter
from coach.tui.widgets.title_bar import TitleBar

SEARCH_HINT = "Search a muscle, or where it hurts: e.g. pain behind the eye"
KIND_MARK = {"pressure": "", "stretch": "  (stretch only)", "movement": "  (movement)"}


class LibraryScreen(Screen):
    DEFAULT_CSS = """
    LibraryScreen #library-search {
        margin: 1 1 0 1;
    }
    LibraryScreen #library-status {
        color: $text-muted;
        padding: 0 2;
        height: 1;
    }
    LibraryScreen #library-list {
        height: 1fr;
        margin: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("slash", "search", "Search", key_display="/"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar("Library")
        yield Input(placeholder=SEARCH_HINT, id="library-search")
        yield Static("", id="library-status")
        yield OptionList(id="library-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.show_entries("")
        self.query_one("#library-list", OptionList).focus()

    def show_entries(self, query: str) -> None:
        """Every entry grouped by area, or the search's matches, best first."""
        from coach.library import by_area, search

        catalog = self.app.catalog
        options: list[Option | None] = []
        status = self.query_one("#library-status", Static)
        if query.strip():
            matches = search(catalog, query)
            for match in matches:
                options.append(Option(self._entry_text(match.target, match.why),
                                      id=match.target.id))
            status.update(f"{len(matches)} match{'es' if len(matches) != 1 else ''} for "
                          f"“{query.strip()}”" if matches else
                          "Nothing matches: try a muscle's name or where it hurts.")
        else:
            total = 0
            for label, targets in by_area(catalog):
                if options:
                    options.append(None)
                options.append(Option(Text(label, style="bold"), disabled=True))
                for target in targets:
                    total += 1
                    # An entry that helps two areas is listed under both; ids must be unique.
                    options.append(Option(self._entry_text(target), id=f"{label}/{target.id}"))
            status.update("By area · Enter opens a card · / searches")
        listing = self.query_one("#library-list", OptionList)
        listing.clear_options()
        listing.add_options(options)
        listing.highlighted = next((index for index, option in enumerate(listing.options)
                                    if not option.disabled), None)

    @staticmethod
    def _entry_text(target, why: str = "") -> Text:
        text = Text(f"  {target.name}")
        mark = KIND_MARK.get(target.kind, "")
        if mark:
            text.append(mark, style="italic")
        if why and why != "name":
            text.append(f" · {why}", style="dim")
        return text

    def on_input_changed(self, event: Input.Changed) -> None:
        self.show_entries(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        listing = self.query_one("#library-list", OptionList)
        if listing.option_count:
            listing.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        target_id = (event.option.id or "").rsplit("/", 1)[-1]
        target = self.app.catalog.targets.get(target_id)
        if target is not None:
            self.app.push_screen(CardScreen(target))

    def action_search(self) -> None:
        self.query_one("#library-search", Input).focus()

    def action_back(self) -> None:
        search = self.query_one("#library-search", Input)
        if search.value:
            search.value = ""  # the first Esc clears the search, the next goes back
            self.query_one("#library-list", OptionList).focus()
            return
        self.app.pop_screen()


class CardScreen(Screen):
    """One entry's card: the map beside the text (above it on a narrow terminal)."""

    DEFAULT_CSS = """
    CardScreen #card-body {
        height: 1fr;
    }
    CardScreen #card-map {
        width: 40%;
        min-width: 22;
        max-width: 60;
        height: 1fr;
        margin: 1 1 0 1;
    }
    CardScreen #card-text {
        width: 1fr;
        height: 1fr;
        padding: 0 1;
    }
    CardScreen #card-summary {
        margin: 1 0 0 0;
    }
    CardScreen #card-key {
        color: $text-muted;
    }
    CardScreen .card-section {
        margin: 1 0 0 0;
    }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("q", "app.pop_screen", "Back", show=False),
    ]

    def __init__(self, target) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        from coach.library import card

        entry = card(self.app.catalog, self.target)
        yield TitleBar(f"Library · {self.target.name}")
        with Horizontal(id="card-body"):
            if self.target.body_map is not None:
                yield BodyMapView(self.target.body_map, id="card-map")
            with VerticalScroll(id="card-text"):
                yield Static(Text(entry.summary(), style="bold"), id="card-summary")
                if self.target.body_map is not None:
                    yield Static("● press here (stretch only: feel the stretch here) · "
                                 "shaded: where the pain goes", id="card-key")
                for heading, paragraphs in entry.sections():
                    body = Text()
                    body.append(f"{heading}\n", style="bold")
                    bullet = len(paragraphs) > 1
                    for number, paragraph in enumerate(paragraphs):
                        if number:
                            body.append("\n")
                        body.append(f"• {paragraph}" if bullet else paragraph)
                    yield Static(body, classes="card-section")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#card-text").focus()
