"""The core never imports Textual: checked statically (import-linter) and at run time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, home: Path) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter with `home` as the data folder and a bare environment."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"COACH_HOME": str(home), "PATH": "/usr/bin:/bin"})


def test_import_linter_contract_holds():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The core never imports Textual KEPT" in result.stdout


def test_commands_without_the_tui_do_not_load_textual_or_the_scheduler(tmp_path):
    code = (
        "import sys\n"
        "from coach.cli import run\n"
        "try:\n"
        "    run(['today', '--json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('textual', 'apscheduler', 'plotext', 'plyer')\n"
        "heavy = sorted(m for m in heavy if m in sys.modules)\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    result = run_python(code, tmp_path)
    assert "HEAVY []" in result.stderr, result.stderr


def test_reading_does_not_load_tinydb_and_writing_still_uses_it(tmp_path):
    """Reads go straight through the store's own storage; TinyDB joins on the first write."""
    from datetime import datetime, timedelta, timezone

    from coach.store import Rating, Store

    moment = datetime.now(timezone(timedelta(hours=1))) - timedelta(days=2)
    Store(tmp_path).add_ratings([Rating("neck", 4, "check-in", moment)])
    code = (
        "import sys\n"
        "from coach.cli import run\n"
        "for argv in (['report', '--json'], ['today', '--json'], ['log', 'neck', '3']):\n"
        "    try:\n"
        "        run(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    print('TINYDB', argv[0], 'tinydb' in sys.modules, file=sys.stderr)\n"
    )
    result = run_python(code, tmp_path)
    lines = [line for line in result.stderr.splitlines() if line.startswith("TINYDB")]
    assert lines == ["TINYDB report False", "TINYDB today False", "TINYDB log True"], \
        result.stderr
    assert [rating.rating for rating in Store(tmp_path).ratings()] == [4, 3]
