"""Ctrl+P in Vietnamese: commands found without accents ("hang doi dong bo"), and "no matches" said in Vietnamese."""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

NO_MATCHES = "Không tìm thấy chức năng nào khớp"


class CounterCommands(Provider):
    """The app's system commands, matched on accent-folded text (officers often type without accents)."""

    async def discover(self) -> Hits:
        for name, help_text, callback, discover in sorted(self.app.get_system_commands(self.screen)):
            if discover:
                yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        from onestop.text import fold

        matcher = self.matcher(fold(query))
        for name, help_text, callback, *_ in self.app.get_system_commands(self.screen):
            score = max(matcher.match(fold(name)), matcher.match(fold(help_text)) * 0.9)
            if score > 0:
                yield Hit(score, Text(name), callback, help=help_text)


class CounterPalette(CommandPalette):
    """Textual's palette with its one English sentence said in Vietnamese."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(NO_MATCHES, style="not bold")), disabled=True, id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show)
