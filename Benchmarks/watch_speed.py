#!/usr/bin/env python3
"""fnn watch's benchmark: a burst of 10,000 PNGs, and single-file latency.

1. Burst: renames the 10,000 MNIST test images (as PNGs) into incoming/ of a running
   `fnn watch` at once and reports the time until every result is durable (each image
   is moved to done/ only after its result has been flushed to disk), beside `fnn
   predict` on the same files in the same run. Target: at most 1.5 × predict.
2. Latency: on the idle daemon, renames single files into incoming/ one at a time and
   measures until each is in done/ (so its result line is on disk); prints p50 and p99.
   Target: p99 ≤ 50 ms.
3. Workers: the same burst into a fresh folder served by 1, 2 and 4 `fnn watch`
   processes at once (`--instance w0` …), in files/s until every input is in done/ and
   no claim folder is left, and checks that there is exactly one result line per input
   across the workers' logs.

    Benchmarks/watch_speed.py [--data DIR] [--fnn PATH] [--latency-files N] [--workers 1,2,4]
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


def wait_for(predicate, timeout, interval=0.005):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def start_daemon(fnn, root, hot="hot", instance=None):
    log = open(os.path.join(root, f"daemon-{instance or 'default'}.log"), "w")
    extra = ["--instance", instance] if instance else []
    daemon = subprocess.Popen([fnn, "watch", os.path.join(root, hot)] + extra, stderr=log, stdout=subprocess.DEVNULL)
    if not wait_for(lambda: "serving" in open(log.name).read(), 30):
        sys.exit("fnn watch did not start:\n" + open(log.name).read())
    return daemon


def burst_with_workers(fnn, root, files, workers):
    """Seconds for `workers` processes on one fresh folder to finish a burst of `files`
    (hard links made beforehand beside incoming/, then renamed in at once)."""
    hot = f"hot-{workers}"
    folder = os.path.join(root, hot)
    stage = os.path.join(root, f"stage-{workers}")
    os.makedirs(stage)
    for index, path in enumerate(files):
        os.link(path, os.path.join(stage, f"{index:05d}.png"))
    daemons = [start_daemon(fnn, root, hot, f"w{number}") for number in range(workers)]
    done = os.path.join(folder, "done")
    processing = os.path.join(folder, "processing")
    start = time.perf_counter()
    for index in range(len(files)):
        os.rename(os.path.join(stage, f"{index:05d}.png"), os.path.join(folder, "incoming", f"{index:05d}.png"))
    finished = wait_for(lambda: len(os.listdir(done)) >= len(files)
                        and not any(name.startswith("claim-") for name in os.listdir(processing)), 600, interval=0.02)
    seconds = time.perf_counter() - start
    for daemon in daemons:
        daemon.terminate()
    for daemon in daemons:
        daemon.wait(60)
    if not finished:
        sys.exit(f"the burst with {workers} workers did not finish")
    results = os.path.join(folder, "results")
    lines = 0
    for name in os.listdir(results):
        with open(os.path.join(results, name)) as log:
            lines += sum(1 for _ in log)
    if lines != len(files):
        sys.exit(f"{workers} workers wrote {lines} result lines for {len(files)} inputs")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "datasets", "mnist"))
    parser.add_argument("--fnn", default=os.path.join(ROOT, ".build", "release", "fnn"))
    parser.add_argument("--latency-files", type=int, default=200)
    parser.add_argument("--workers", default="1,2,4", help="the numbers of watch processes to time on one folder")
    args = parser.parse_args()
    if not os.path.exists(args.fnn):
        subprocess.run(["swift", "build", "-c", "release", "--product", "fnn"], cwd=ROOT, check=True)

    with tempfile.TemporaryDirectory(dir=os.path.join(ROOT, ".build")) as root:
        staged = os.path.join(root, "staged")
        subprocess.run([args.fnn, "export-png", "--data", args.data, staged], check=True, capture_output=True)
        files = sorted(os.path.join(dirpath, name) for dirpath, _, names in os.walk(staged) for name in names)
        worker_counts = [int(part) for part in args.workers.split(",") if part]
        worker_seconds = {count: burst_with_workers(args.fnn, root, files, count) for count in worker_counts}

        start = time.perf_counter()
        subprocess.run([args.fnn, "predict", staged, "--output", os.path.join(root, "p.csv")], check=True,
                       capture_output=True)
        predict_seconds = time.perf_counter() - start

        daemon = start_daemon(args.fnn, root)
        hot = os.path.join(root, "hot")
        done = os.path.join(hot, "done")
        start = time.perf_counter()
        for index, path in enumerate(files):
            os.rename(path, os.path.join(hot, "incoming", f"{index:05d}.png"))
        renamed = time.perf_counter() - start
        ok = wait_for(lambda: len(os.listdir(done)) >= len(files), 300, interval=0.05)
        burst_seconds = time.perf_counter() - start
        if not ok:
            sys.exit("the burst did not finish")

        # Latency on the idle daemon.
        source = os.path.join(done, "00000.png")
        payload = open(source, "rb").read()
        latencies = []
        for index in range(args.latency_files):
            name = f"latency-{index:04d}.png"
            temporary = os.path.join(hot, "incoming", "." + name)
            with open(temporary, "wb") as f:
                f.write(payload)
            result = os.path.join(done, name)
            start = time.perf_counter()
            os.rename(temporary, os.path.join(hot, "incoming", name))
            wait_for(lambda: os.path.exists(result), 10, interval=0.0002)
            latencies.append((time.perf_counter() - start) * 1000)
            time.sleep(0.02)
        daemon.terminate()
        daemon.wait(30)
        latencies.sort()

        # The floor the folder protocol sets on this file system: every input is renamed
        # twice (claimed into processing/, then moved to done/).
        scratch = os.path.join(root, "floor")
        for name in ("a", "b", "c"):
            os.makedirs(os.path.join(scratch, name))
        for index in range(len(files)):
            open(os.path.join(scratch, "a", f"{index:05d}"), "wb").close()
        start = time.perf_counter()
        for index in range(len(files)):
            os.rename(os.path.join(scratch, "a", f"{index:05d}"), os.path.join(scratch, "b", f"{index:05d}"))
            os.rename(os.path.join(scratch, "b", f"{index:05d}"), os.path.join(scratch, "c", f"{index:05d}"))
        floor = time.perf_counter() - start
        p50 = latencies[len(latencies) // 2]
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]

    ratio = burst_seconds / predict_seconds
    print(f"burst of {len(files)} PNGs: every result durable after {burst_seconds:.2f} s "
          f"({len(files) / burst_seconds:.0f} files/s; renaming them in took {renamed:.2f} s)")
    print(f"fnn predict on the same files: {predict_seconds:.2f} s  →  ratio {ratio:.2f} (target ≤ 1.5)  "
          f"{'met' if ratio <= 1.5 else 'NOT met'}")
    print(f"the protocol's floor here: two renames per file take {floor:.2f} s for {len(files)} files "
          f"({floor / predict_seconds:.1f} × predict) before any decoding")
    print(f"single-file latency, idle daemon, {len(latencies)} files: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
          f"(target p99 ≤ 50 ms)  {'met' if p99 <= 50 else 'NOT met'}")
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"workers on one folder ({os.cpu_count()} cores, {cpu}), burst of {len(files)} PNGs:")
    for count, seconds in worker_seconds.items():
        print(f"  {count} × fnn watch: {seconds:.2f} s, {len(files) / seconds:.0f} files/s, one result line per input")
    return 0 if ratio <= 1.5 and p99 <= 50 else 1


if __name__ == "__main__":
    sys.exit(main())
