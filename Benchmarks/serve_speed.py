#!/usr/bin/env python3
"""fnn serve's benchmark, with wrk (Debian's package) as the load generator on loopback.

In one run, on the same MNIST test images (written as PNGs by `fnn export-png`):
1. `fnn predict` over the 10,000 files: files/s, the reference.
2. Single-image requests (`POST /v1/predict`, one PNG each) on 1, 16 and 64 keep-alive
   connections: requests/s, p50 and p99 latency. Target: at least 40 % of predict's
   files/s at the best of them.
3. Batch requests (`POST /v1/predict/batch`, JSON Lines of --batch images each): images/s.
   Target: at least 80 % of predict's files/s.
4. Latency at half the peak rate (16 connections, paced): p99. Target: under 20 ms.
5. Memory over --long-requests single-image requests (500,000 by default): the server's
   resident memory after the first tenth and at the end. Target: flat (within 10 %).
Every wrk run must have zero socket errors and zero non-2xx answers.

wrk and the server share the machine's cores, as a sidecar client would; the figures
are for that, on loopback.

    Benchmarks/serve_speed.py [--fnn PATH] [--data DIR] [--seconds S] [--batch N] [--long-requests N]
"""
import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LUA = os.path.join(HERE, "wrk", "predict.lua")


def start_server(fnn, log_path, extra=()):
    log = open(log_path, "w")
    server = subprocess.Popen([fnn, "serve", "--listen", "127.0.0.1:0", *extra], stderr=log, stdout=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        match = re.search(r"listening address=http://127\.0\.0\.1:(\d+)", open(log_path).read())
        if match:
            return server, int(match.group(1))
        if server.poll() is not None:
            break
        time.sleep(0.05)
    sys.exit("fnn serve did not start:\n" + open(log_path).read())


def wrk(port, bodies, connections, seconds=None, path="/v1/predict", content_type="image/png", rate=0, requests=None):
    """One wrk run; returns its JSON summary (and requests/s)."""
    threads = min(2, connections)
    env = dict(os.environ, FNN_BODIES=bodies, FNN_PATH=path, FNN_CONTENT_TYPE=content_type,
               FNN_RATE=str(rate), FNN_CONNECTIONS=str(connections), FNN_THREADS=str(threads))
    duration = f"{seconds}s" if seconds else "3600s"
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", duration, "--timeout", "10s", "-s", LUA,
               f"http://127.0.0.1:{port}{path}"]
    if requests is None:
        output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    else:
        # Runs until `requests` have been answered (counted from the server's metrics),
        # then stops wrk with SIGINT, which still prints the summary.
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while served(port) < requests:
            time.sleep(0.5)
            if process.poll() is not None:
                break
        process.send_signal(2)
        output = process.communicate()[0]
    line = next((line for line in output.splitlines() if line.startswith('{"requests"')), None)
    if line is None:
        sys.exit("wrk printed no summary:\n" + output)
    summary = json.loads(line)
    summary["per_second"] = summary["requests"] / (summary["duration_us"] / 1e6)
    summary["errors"] = sum(summary[key] for key in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"))
    return summary


def wrk_get(port, path, connections, seconds):
    output = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", f"http://127.0.0.1:{port}{path}"],
                            capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([0-9.]+)", output)
    return float(match.group(1)) if match else 0.0


def scrape(port):
    import urllib.request
    return urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()


def served(port):
    total = 0
    for line in scrape(port).splitlines():
        if line.startswith('fnn_http_requests_total{endpoint="/v1/predict"'):
            total += float(line.rsplit(" ", 1)[1])
    return total


def resident_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "datasets", "mnist"))
    parser.add_argument("--fnn", default=os.path.join(ROOT, ".build", "release", "fnn"))
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--batch", type=int, default=256, help="images per batch request")
    parser.add_argument("--long-requests", type=int, default=500_000, help="requests of the memory run (0 to skip)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    if args.fnn == os.path.join(ROOT, ".build", "release", "fnn"):
        subprocess.run(["swift", "build", "-c", "release", "--product", "fnn"], cwd=ROOT, check=True)

    with tempfile.TemporaryDirectory(dir=os.path.join(ROOT, ".build")) as root:
        staged = os.path.join(root, "staged")
        subprocess.run([args.fnn, "export-png", "--data", args.data, staged], check=True, capture_output=True)
        files = sorted(os.path.join(dirpath, name) for dirpath, _, names in os.walk(staged) for name in names)

        # 1. fnn predict on the same files (best of 3, warm cache).
        predict_seconds = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([args.fnn, "predict", staged, "--format", "csv"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            predict_seconds.append(time.perf_counter() - start)
        predict_rate = len(files) / min(predict_seconds)

        singles = os.path.join(root, "singles.txt")
        with open(singles, "w") as listing:
            listing.write("\n".join(files[:2000]) + "\n")
        batches = os.path.join(root, "batches.txt")
        with open(batches, "w") as listing:
            for start in range(0, 20 * args.batch, args.batch):
                batch_path = os.path.join(root, f"batch-{start}.jsonl")
                with open(batch_path, "w") as batch:
                    for index, path in enumerate(files[start:start + args.batch]):
                        data = base64.b64encode(open(path, "rb").read()).decode()
                        batch.write(json.dumps({"id": str(start + index), "png": data}) + "\n")
                listing.write(batch_path + "\n")

        server, port = start_server(args.fnn, os.path.join(root, "serve.log"))
        try:
            wrk(port, singles, 16, seconds=2)  # warm-up
            single = {connections: wrk(port, singles, connections, seconds=args.seconds) for connections in (1, 16, 64)}
            # The HTTP floor: the same server answering GET /healthz, no image at all.
            floor = wrk_get(port, "/healthz", 16, args.seconds)
            batch = wrk(port, batches, 2, seconds=args.seconds, path="/v1/predict/batch", content_type="application/x-ndjson")
            peak = max(result["per_second"] for result in single.values())
            paced = wrk(port, singles, 16, seconds=args.seconds, rate=peak / 2)
            memory = None
            if args.long_requests:
                samples = []
                stop = threading.Event()

                def sample():
                    while not stop.is_set():
                        samples.append((served(port), resident_kib(server.pid)))
                        time.sleep(1)

                sampler = threading.Thread(target=sample)
                before = served(port)
                sampler.start()
                long_run = wrk(port, singles, 16, requests=before + args.long_requests)
                stop.set()
                sampler.join()
                early = next((kib for count, kib in samples if count - before >= args.long_requests / 10), samples[0][1])
                memory = (long_run, early, resident_kib(server.pid), served(port) - before)
        finally:
            server.terminate()
            server.wait(timeout=60)

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"machine: {cpu}, {os.cpu_count()} cores; wrk and fnn serve share them")
    print(f"fnn predict, {len(files)} PNGs:        {predict_rate:9.0f} files/s")
    errors = 0
    for connections, result in single.items():
        errors += result["errors"]
        print(f"single, {connections:2d} connections:      {result['per_second']:9.0f} requests/s "
              f"({result['per_second'] / predict_rate:.2f} of predict)  p50 {result['p50_us'] / 1000:.2f} ms  "
              f"p99 {result['p99_us'] / 1000:.2f} ms  errors {result['errors']}")
    print(f"the HTTP floor, GET /healthz, 16 connections: {floor:9.0f} requests/s")
    errors += batch["errors"]
    images = batch["per_second"] * args.batch
    print(f"batch of {args.batch}, 2 connections:  {images:9.0f} images/s ({images / predict_rate:.2f} of predict)  "
          f"p50 {batch['p50_us'] / 1000:.1f} ms per request  errors {batch['errors']}")
    errors += paced["errors"]
    print(f"paced at half the peak ({peak / 2:.0f}/s asked, {paced['per_second']:.0f}/s done, 16 connections): "
          f"p50 {paced['p50_us'] / 1000:.2f} ms  p99 {paced['p99_us'] / 1000:.2f} ms  errors {paced['errors']}")
    verdicts = [
        ("single ≥ 0.40 of predict", peak / predict_rate >= 0.40),
        ("batch ≥ 0.80 of predict", images / predict_rate >= 0.80),
        ("p99 < 20 ms at half the peak", paced["p99_us"] < 20_000),
    ]
    if memory:
        long_run, early, late, count = memory
        errors += long_run["errors"]
        print(f"memory over {count:.0f} requests: {early / 1024:.1f} MiB after the first tenth, {late / 1024:.1f} MiB "
              f"at the end ({late / early:.2f}×)  errors {long_run['errors']}")
        verdicts.append(("memory flat (≤ 1.10×)", late <= early * 1.10))
    verdicts.append(("zero errors", errors == 0))
    for name, ok in verdicts:
        print(f"  {'met' if ok else 'NOT MET'}: {name}")


if __name__ == "__main__":
    main()
