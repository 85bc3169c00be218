"""
`make run` and `make serve` start the mail worker beside the server and stop it with the server: one Ctrl-C
stops both, and the worker gets that one signal only (a second would cut off an e-mail it is sending). The
targets run for real, with stand-ins for the server and the worker.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
STAND_IN = """#!/bin/sh
case "$*" in
    *mail_worker*) exec "$REAL_PYTHON" "$STAND_IN_WORKER" ;;
    *runserver*|*gunicorn.conf.py*)
        echo "server started" >> "$MAKE_TARGET_LOG"
        if [ -n "$SERVER_STOPS" ]; then
            while ! grep -q "worker started" "$MAKE_TARGET_LOG"; do sleep 0.1; done
            exit 0
        fi
        exec sleep 60 ;;
esac
"""
WORKER = """
import os, signal, sys, time
def stop(number, frame):
    with open(os.environ["MAKE_TARGET_LOG"], "a") as log:
        log.write(f"worker stopped by {signal.Signals(number).name}\\n")
    sys.exit(0)
signal.signal(signal.SIGINT, stop)
signal.signal(signal.SIGTERM, stop)
with open(os.environ["MAKE_TARGET_LOG"], "a") as log:
    log.write("worker started\\n")
time.sleep(60)
"""
NOT_PASSED_ON = {"SITE_URL", "HOST", "PORT", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def start(target, tmp_path, **environment):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    for program in ("python", "gunicorn"):
        (venv / "bin" / program).write_text(STAND_IN)
        (venv / "bin" / program).chmod(0o755)
    (venv / ".installed").touch()
    (tmp_path / "worker.py").write_text(WORKER)
    log = tmp_path / "commands.log"
    log.touch()
    env = {key: value for key, value in os.environ.items() if key not in NOT_PASSED_ON}
    env.update(
        environment, MAKE_TARGET_LOG=str(log), REAL_PYTHON=sys.executable, STAND_IN_WORKER=str(tmp_path / "worker.py"),
        DJANGO_SECRET_KEY="x" * 50,
    )  # fmt: skip
    make = subprocess.Popen(
        ["make", "-s", target, f"VENV={venv}", f"BIN={venv / 'bin'}", "PORT=9001"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    return make, log


def wait_for(log, *lines, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(line in log.read_text() for line in lines):
            return
        time.sleep(0.05)
    raise AssertionError(f"{lines} not in {log.read_text()!r}")


@pytest.mark.parametrize("target", ["run", "serve"])
def test_ctrl_c_stops_the_server_and_the_worker_with_one_signal_each(tmp_path, target):
    make, log = start(target, tmp_path)
    try:
        wait_for(log, "server started", "worker started")
        os.killpg(make.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
        make.wait(timeout=20)
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
    wait_for(log, "worker stopped by SIGINT")
    assert "SIGTERM" not in log.read_text()
    deadline = time.monotonic() + 10
    with pytest.raises(ProcessLookupError):  # nothing left running
        while time.monotonic() < deadline:
            os.killpg(make.pid, 0)
            time.sleep(0.05)


@pytest.mark.parametrize("target", ["run", "serve"])
def test_a_server_that_stops_by_itself_stops_the_worker(tmp_path, target):
    make, log = start(target, tmp_path, SERVER_STOPS="1")
    try:
        assert make.wait(timeout=20) == 0, make.stdout.read()
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
    assert log.read_text().splitlines()[-1] == "worker stopped by SIGTERM"
