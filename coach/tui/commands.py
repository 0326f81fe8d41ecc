"""The command palette's coach actions (ctrl+p): the main things a person does, by name."""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits, Provider

# (name shown, action on the app, help line)
ACTIONS = (
    ("Start today's routine", "start_routine", "Begin the timed session now"),
    ("I only have a few minutes", "short_routine", "Rebuild today's routine shorter"),
    ("Resume today's session", "resume_session", "Continue where you stopped"),
    ("Log pain now", "quick_log", "Rate an area 0-10"),
    ("Trends", "open('trends')", "Resting pain over 8 weeks, pain after vs before"),
    ("Share a report", "share_report", "A printable report (HTML and PDF) for your clinician"),
    ("Settings", "open('settings')", "Profile and reminder schedule"),
    ("Library", "open('library')", "Every muscle, stretch and movement; search where it hurts"),
    ("History", "open('history')", "Ratings and sessions by day; fix a wrong rating"),
    ("Home: today's routine", "open('home')", "Back to today's list"),
    ("Help", "help", "Keys and what the numbers mean"),
)


class CoachCommands(Provider):
    """Offers coach's main actions; each runs as an app action, so keys and palette agree."""

    def _run(self, action: str):
        async def run() -> None:
            await self.app.run_action(_target(action))

        return run

    async def discover(self) -> Hits:
        for name, action, help_text in ACTIONS:
            yield DiscoveryHit(name, self._run(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in ACTIONS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), self._run(action), help=help_text)


def _target(action: str) -> str:
    """Home-screen actions go to the screen; the rest to the app."""
    if action in ("start_routine", "short_routine", "resume_session"):
        return f"app.home_action('{action}')"
    return f"app.{action}"
