#!/usr/bin/env python3
"""Measures `fnn predict` on the hostile PNGs: peak resident memory and seconds.

    swift build && python3 Tests/Fixtures/png/measure_hostile.py [path/to/fnn]

Runs `fnn predict` once over the whole `hostile/` folder, once per file, and once per
big case written by `make_hostile.py --big` into a temporary folder. Each run's peak
RSS comes from wait4(2) for that child alone. Fails (exit 1) if the folder run takes
256 MB or more, or 5 s or more, or any single file 3 s or more.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]


def run(fnn, path):
    start = time.monotonic()
    child = subprocess.Popen([fnn, "predict", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return time.monotonic() - start, usage.ru_maxrss / 1024, child.returncode


def main():
    fnn = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".build/debug/fnn")
    failures = []
    seconds, megabytes, status = run(fnn, HERE / "hostile")
    print(f"{'hostile/ (whole folder)':45} {seconds:6.2f} s {megabytes:8.1f} MB  exit {status}")
    if megabytes >= 256 or seconds >= 5:
        failures.append("the folder")
    with tempfile.TemporaryDirectory() as big:
        subprocess.run([sys.executable, str(HERE / "make_hostile.py"), "--big", big], check=True, stdout=subprocess.DEVNULL)
        paths = sorted((HERE / "hostile").glob("*.png")) + sorted(Path(big).glob("*.png"))
        for path in paths:
            seconds, megabytes, status = run(fnn, path)
            print(f"{path.name:45} {seconds:6.2f} s {megabytes:8.1f} MB  exit {status}")
            if seconds >= 3 or megabytes >= 256:
                failures.append(path.name)
    if failures:
        print("over budget:", ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
