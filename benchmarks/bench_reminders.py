"""The idle reminder runner's footprint, measured side by side with a bare APScheduler process.

- Memory: resident set (VmRSS) of `coach remind run` vs a bare BlockingScheduler process
  with one interval job, both idle, in the same run. Target: at most 1.3x.
- Wake-ups: how many times the idle runner wakes. Every thread's voluntary context
  switches (/proc/PID/task/*/status) are sampled every 0.2 s; a wake-up is a run of
  samples in which the count grew (one tick may block briefly on a file several times,
  and a preemption is not a wake-up, so raw switch counts overstate it; strace shows one
  timed wait ending a minute). Target: at most one a minute when nothing is due, over a
  window of 150 s by default (BENCH_REMINDERS_WINDOW_S overrides), shorter than the
  issue's 5 minutes so `make bench` stays quick; a part minute counts as one.

Nothing is due in the window: breaks are off and there is no routine time.

With the idle and do-not-disturb sources active: where Xvfb, dbus-daemon and dunst are
installed, both processes run on a private desktop (an X server, a session bus, dunst),
so every tick reads X11 idle time, dunst's pause and the other sources, and the
notification buttons hold their D-Bus connection; the line says which sources answered.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import report  # noqa: E402

WINDOW_S = float(os.environ.get("BENCH_REMINDERS_WINDOW_S", "150"))
SETTLE_S = 4.0
SAMPLE_S = 0.2
MEMORY_TARGET = 1.3

BARE_SCHEDULER = """
from apscheduler.schedulers.blocking import BlockingScheduler
scheduler = BlockingScheduler()
scheduler.add_job(lambda: None, "interval", minutes=1)
scheduler.start()
"""


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def voluntary_switches(pid: int) -> int:
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            text = (task / "status").read_text()
        except FileNotFoundError:  # a thread that just ended
            continue
        for line in text.splitlines():
            if line.startswith("voluntary_ctxt_switches:"):
                total += int(line.split()[1])
    return total


def count_wakeups(pid: int, window_s: float) -> int:
    """Runs of samples in which the process went to sleep again after running."""
    wakeups, awake = 0, False
    last = voluntary_switches(pid)
    deadline = time.monotonic() + window_s
    while time.monotonic() < deadline:
        time.sleep(SAMPLE_S)
        now = voluntary_switches(pid)
        if now > last and not awake:
            wakeups += 1
        awake, last = now > last, now
    return wakeups


BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={runtime}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@contextlib.contextmanager
def private_desktop(root: Path):
    """{DISPLAY, DBUS_SESSION_BUS_ADDRESS, ...} of a private Xvfb + session bus + dunst, or {}."""
    if not all(shutil.which(program) for program in ("Xvfb", "dbus-daemon", "dunst")):
        yield {}
        return
    runtime = root / "runtime"
    runtime.mkdir(mode=0o700)
    (root / "bus.conf").write_text(BUS_CONFIG.format(runtime=runtime))
    processes, bus_pid = [], None
    try:
        read_end, write_end = os.pipe()
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp"],
                                pass_fds=(write_end,), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        processes.append(xvfb)
        os.close(write_end)
        with os.fdopen(read_end) as display:
            env = {"DISPLAY": ":" + display.readline().strip(), "XDG_RUNTIME_DIR": str(runtime)}
        bus = subprocess.run(["dbus-daemon", f"--config-file={root / 'bus.conf'}", "--fork",
                              "--print-address=1", "--print-pid=1"],
                             capture_output=True, text=True, timeout=10, check=True)
        address, pid = bus.stdout.split()[:2]
        bus_pid = int(pid)
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        processes.append(subprocess.Popen(["dunst"], env={**os.environ, **env},
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(1.0)
        yield env
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=10)
        if bus_pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(bus_pid, signal.SIGTERM)


def main() -> int:
    with tempfile.TemporaryDirectory() as home, private_desktop(Path(home)) as desktop:
        env = {**os.environ, **desktop, "COACH_HOME": home}
        coach = [sys.executable, "-m", "coach"]
        subprocess.run([*coach, "remind", "set", "--breaks", "off", "--routine-at", "none"],
                       env=env, check=True, capture_output=True)
        bare = subprocess.Popen([sys.executable, "-c", BARE_SCHEDULER], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runner = subprocess.Popen([*coach, "remind", "run"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(SETTLE_S)
            if runner.poll() is not None:
                print("bench_reminders: the runner did not start", file=sys.stderr)
                return 1
            runner_rss, bare_rss = rss_kib(runner.pid), rss_kib(bare.pid)
            status = json.loads(subprocess.run([*coach, "remind", "status", "--json"], env=env,
                                               capture_output=True, text=True).stdout)
            started = time.monotonic()
            wakeups = count_wakeups(runner.pid, WINDOW_S)
            window = time.monotonic() - started
            runner_rss, bare_rss = max(runner_rss, rss_kib(runner.pid)), max(bare_rss,
                                                                            rss_kib(bare.pid))
        finally:
            for process in (runner, bare):
                process.terminate()
                process.wait(timeout=10)

    idle = status.get("idle") or {}
    report("reminders: idle sources answering in the runner",
           f"idle: {idle.get('source', 'none')}, busy: "
           f"{(status.get('busy') or {}).get('source', 'free')}, notifications: "
           f"{status.get('backend')}", "a source answers", bool(idle))
    ratio = runner_rss / bare_rss
    memory_ok = report(
        "reminders: idle runner RSS / bare BlockingScheduler",
        f"{ratio:.2f}x ({runner_rss / 1024:.1f}/{bare_rss / 1024:.1f} MB)",
        f"<= {MEMORY_TARGET}x", ratio <= MEMORY_TARGET)
    allowed = math.ceil(window / 60)  # one a minute, a partial minute counting as one
    wake_ok = report(
        f"reminders: idle wake-ups in {window:.0f} s",
        f"{wakeups} ({wakeups / (window / 60):.2f}/min)",
        f"<= {allowed} (1/min)", wakeups <= allowed)
    return 0 if memory_ok and wake_ok else 3


if __name__ == "__main__":
    sys.exit(main())
