"""Starting the runner at login: a systemd user unit, or an XDG autostart entry without systemd.

Files go where the desktop looks for them ($XDG_CONFIG_HOME, else ~/.config):
    systemd/user/coach-reminders.service
    autostart/coach-reminders.desktop
The runner is started as `<this python> -m coach remind run`, so it uses the same install;
a COACH_HOME set at install time is carried along.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

UNIT_NAME = "coach-reminders.service"
DESKTOP_NAME = "coach-reminders.desktop"
MARK = "Written by `coach remind install`; `coach remind uninstall` removes it."


def config_home() -> Path:
    configured = os.environ.get("XDG_CONFIG_HOME")
    return Path(configured) if configured else Path.home() / ".config"


def unit_path() -> Path:
    return config_home() / "systemd" / "user" / UNIT_NAME


def autostart_path() -> Path:
    return config_home() / "autostart" / DESKTOP_NAME


def systemd_available() -> bool:
    """True when this machine booted with systemd (so `systemctl --user` works)."""
    return Path("/run/systemd/system").is_dir() and shutil.which("systemctl") is not None


def runner_command() -> list[str]:
    return [sys.executable, "-m", "coach", "remind", "run"]


def _systemd_quote(word: str) -> str:
    escaped = word.replace("%", "%%").replace("$", "$$")
    if any(char in escaped for char in ' \t"\'\\'):
        escaped = '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return escaped


def _desktop_quote(word: str) -> str:
    """Quoting for a .desktop Exec key (Desktop Entry Specification, "The Exec key")."""
    escaped = word.replace("%", "%%")
    if any(char in escaped for char in ' \t\n"\'\\><~|&;$*?#()`'):
        for char in ('\\', '"', '`', '$'):
            escaped = escaped.replace(char, "\\" + char)
        escaped = '"' + escaped + '"'
    # the desktop file format itself unescapes backslashes once more
    return escaped.replace("\\", "\\\\")


def unit_text(command: list[str], coach_home: str | None) -> str:
    environment = (f"Environment={_systemd_quote('COACH_HOME=' + coach_home)}\n"
                   if coach_home else "")
    return (
        f"# {MARK}\n"
        "[Unit]\n"
        "Description=coach break and routine reminders\n"
        "After=graphical-session.target\n"
        "\n"
        "[Service]\n"
        f"ExecStart={' '.join(_systemd_quote(word) for word in command)}\n"
        f"{environment}"
        "Restart=on-failure\n"
        "RestartSec=30\n"
        "\n"
        "[Install]\n"
        "WantedBy=default.target\n"
    )


def desktop_text(command: list[str], coach_home: str | None) -> str:
    if coach_home:
        command = ["env", f"COACH_HOME={coach_home}", *command]
    return (
        f"# {MARK}\n"
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=coach reminders\n"
        "Comment=Break and routine reminders from coach\n"
        f"Exec={' '.join(_desktop_quote(word) for word in command)}\n"
        "Terminal=false\n"
        "NoDisplay=true\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def install(using: str = "auto") -> tuple[Path, list[str]]:
    """Write the unit (or autostart entry); returns its path and how to turn it on."""
    if using == "auto":
        using = "systemd" if systemd_available() else "autostart"
    coach_home = os.environ.get("COACH_HOME")
    command = runner_command()
    if using == "systemd":
        path, text = unit_path(), unit_text(command, coach_home)
        steps = ["systemctl --user daemon-reload",
                 f"systemctl --user enable --now {UNIT_NAME}"]
    else:
        path, text = autostart_path(), desktop_text(command, coach_home)
        steps = ["it starts by itself at your next login; to start it now: coach remind run &"]
    from coach.store.files import atomic_write  # a random temp name, never through a link

    atomic_write(path, text.encode("utf-8"))
    return path, steps


def uninstall() -> list[Path]:
    """Remove what install wrote (and systemd's enable link); returns what was removed."""
    removed = []
    wants_link = unit_path().parent / "default.target.wants" / UNIT_NAME
    for path in (wants_link, unit_path(), autostart_path()):
        if path.is_symlink() or path.exists():
            path.unlink()
            removed.append(path)
    return removed
