"""`coach` with no command: the start of the app, before any screen."""

from __future__ import annotations

import gc

import pytest

import coach.cli.app as app_module
from coach.cli import run


@pytest.mark.parametrize("ending", [None, SystemExit(3), RuntimeError("broken")])
def test_the_collector_rests_while_the_app_loads_and_always_works_again(monkeypatch, ending):
    # The modules the app loads make almost no garbage, so collecting during the load only
    # slows the start; whatever happens, the collector must not stay off.
    seen = []

    def open_app(demo: bool = False, voice: str | None = None) -> None:
        seen.append(gc.isenabled())
        if ending is not None:
            raise ending

    monkeypatch.setattr(app_module, "open_app", open_app)
    assert gc.isenabled()
    if ending is None:
        run([])
    else:
        with pytest.raises(SystemExit):
            run([])
    assert seen == [False]
    assert gc.isenabled()
