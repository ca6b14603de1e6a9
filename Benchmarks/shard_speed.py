#!/usr/bin/env python3
"""fnn predict as array-job shards: throughput and memory.

Writes the 10,000 MNIST test images as PNG files (with fnn export-png), then prints in
one run: one fnn predict over all of them, and 1, 2 and 4 concurrent shards
(--shard i/N, --threads 2/N so the machine's cores are shared as an array job's tasks
would share them) over the same files, each with files/s and peak memory; then peak
memory over 10,000 and over 100,000 files (the same images ten times), which must stay
within 1.5× since rows stream out and the report keeps counts.

    Benchmarks/shard_speed.py [--data DIR] [--fnn PATH]

Release build: `swift build -c release` first (or pass --fnn).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def peak_of(report):
    with open(report) as f:
        return int(f.read().strip().splitlines()[-1]) / 1024


def run_concurrently(commands):
    """Starts every command at once; returns (seconds until all finished, peak MiB each)."""
    reports = [tempfile.mktemp() for _ in commands]
    start = time.perf_counter()
    processes = [
        subprocess.Popen(["/usr/bin/time", "-o", report, "-f", "%M"] + command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for command, report in zip(commands, reports)
    ]
    for process, command in zip(processes, commands):
        _, error = process.communicate()
        if process.returncode not in (0, 2):
            sys.exit(f"{' '.join(command)} failed:\n{error.decode()}")
    seconds = time.perf_counter() - start
    peaks = [peak_of(report) for report in reports]
    for report in reports:
        os.unlink(report)
    return seconds, peaks


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "datasets", "mnist"))
    parser.add_argument("--fnn", default=os.path.join(ROOT, ".build", "release", "fnn"))
    parser.add_argument("--repeats", type=int, default=3, help="runs of each setup; the best is printed")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as folder:
        corpus = os.path.join(folder, "d10k")
        subprocess.run([args.fnn, "export-png", "--data", args.data, "--set", "t10k", corpus], check=True, capture_output=True)
        count = sum(len(files) for _, _, files in os.walk(corpus))
        print(f"{count} MNIST test PNGs, {cores} cores, {args.fnn}")
        print(f"{'setup':<28} {'seconds':>8} {'files/s':>9} {'ratio':>6} {'peak MiB per task':>18}")
        baseline = None
        setups = [("fnn predict (one task)", 1, None)] + [(f"{n} concurrent shard{'s' if n > 1 else ''}", n, n) for n in (1, 2, 4)]
        for name, tasks, shards in setups:
            best = None
            for _ in range(args.repeats):
                commands = []
                for index in range(tasks):
                    command = [args.fnn, "predict", corpus, "-o", os.path.join(folder, f"out-{index}.csv"), "--force"]
                    if shards is not None:
                        command += ["--shard", f"{index}/{shards}", "--threads", str(max(1, cores // tasks))]
                    commands.append(command)
                result = run_concurrently(commands)
                if best is None or result[0] < best[0]:
                    best = result
            seconds, peaks = best
            rate = count / seconds
            baseline = baseline or rate
            print(f"{name:<28} {seconds:8.3f} {rate:9.0f} {rate / baseline:6.2f} {max(peaks):18.1f}")
        # Flat memory: 10× the files.
        big = os.path.join(folder, "d100k")
        os.mkdir(big)
        for copy in range(10):
            shutil.copytree(corpus, os.path.join(big, f"copy{copy}"))
        _, small_peak = run_concurrently([[args.fnn, "predict", corpus, "-o", os.path.join(folder, "m1.csv"), "--force"]])
        _, big_peak = run_concurrently([[args.fnn, "predict", big, "-o", os.path.join(folder, "m2.csv"), "--force"]])
        print(f"peak memory: {small_peak[0]:.1f} MiB over {count} files, {big_peak[0]:.1f} MiB over {10 * count} "
              f"({big_peak[0] / small_peak[0]:.2f}×; target at most 1.5×)")


if __name__ == "__main__":
    main()
