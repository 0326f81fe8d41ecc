"""Desktop reminders: break reminders through the work day and the daily routine reminder.

settings.py  what the person chose (validated), stored under settings["reminders"]
planner.py   what is due when, on an injected clock (pure)
texts.py     the words of each reminder (micro-routine for the area that hurts most)
notifier.py  plyer behind one small interface
sleep.py     suspend detection (wall clock vs monotonic; logind PrepareForSleep)
scheduler.py APScheduler wiring
runner.py    the engine, `coach remind run`, the TUI-hosted scheduler, status
service.py   systemd user unit / XDG autostart entry
"""
