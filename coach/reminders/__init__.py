"""Desktop reminders: break reminders through the work day and the daily routine reminder.

settings.py  what the person chose (validated), stored under settings["reminders"]
planner.py   what is due when, on an injected clock (pure)
texts.py     the words of each reminder (micro-routine for the area that hurts most)
notifier.py  plyer behind one small interface
sleep.py     suspend detection (wall clock vs monotonic; logind PrepareForSleep)
idle.py      idle time and screen lock from the desktop (first source that answers)
busy.py      do not disturb and full screen (a due reminder waits)
suggestions.py what a break suggests: rotating movements, pressure within the dosage rules
actions.py   done/snooze/skip, and notifications with those buttons over D-Bus
desktop_bus.py one-question D-Bus reads shared by idle.py and busy.py
scheduler.py APScheduler wiring
runner.py    the engine, `coach remind run`, the TUI-hosted scheduler, status
service.py   systemd user unit / XDG autostart entry
"""
