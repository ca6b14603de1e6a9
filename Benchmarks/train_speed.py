#!/usr/bin/env python3
"""fnn's training speed benchmark: seconds per epoch of 50,000 MNIST images.

For each row of the issue's table it runs `fnn train` (release build, all cores) and a
vectorised NumPy reference of the same network and batch in the same invocation, and
prints both, their ratio, each one's peak memory and the target. Absolute times drift on
a shared machine; the ratio holds.

    Benchmarks/train_speed.py [--data DIR] [--epochs N] [--fnn PATH] [--native-blas]

--native-blas unsets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for both programs (this
workplace sets them for old OpenBLAS builds; they slow a current NumPy), so each picks
its own kernel.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

ROWS = [
    # label, layers, batch, cost, eta, lambda, init, target seconds
    ("[784,30,10] sigmoid/quadratic, batch 10", "784,30,10", 10, "quadratic", 3.0, 0.0, "normal", 0.15),
    ("[784,100,10] sigmoid/cross-entropy, batch 10", "784,100,10", 10, "cross-entropy", 0.5, 5.0, "scaled-normal", 0.30),
    ("[784,100,10] sigmoid/cross-entropy, batch 100", "784,100,10", 100, "cross-entropy", 0.5, 5.0, "scaled-normal", 0.12),
]

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run_measured(command, env):
    """Runs a command under /usr/bin/time; returns its stdout and its peak RSS in MiB."""
    with tempfile.NamedTemporaryFile(mode="r") as report:
        result = subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%M"] + command, env=env,
                                capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
        peak_kib = int(report.read().strip().splitlines()[-1])
    return result.stdout, peak_kib / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "datasets", "mnist"))
    parser.add_argument("--epochs", type=int, default=3, help="epochs per run; the fastest one counts")
    parser.add_argument("--fnn", default=os.path.join(ROOT, ".build", "release", "fnn"))
    parser.add_argument("--native-blas", action="store_true")
    args = parser.parse_args()

    env = dict(os.environ)
    if args.native_blas:
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    if not os.path.exists(args.fnn):
        subprocess.run(["swift", "build", "-c", "release", "--product", "fnn"], cwd=ROOT, check=True)
    version = subprocess.run([args.fnn, "--version"], env=env, capture_output=True, text=True).stdout.strip()
    print(f"fnn {version.splitlines()[0]}; {version.splitlines()[1] if len(version.splitlines()) > 1 else ''}")
    print(f"cores: {os.cpu_count()}, OPENBLAS_CORETYPE={env.get('OPENBLAS_CORETYPE', '(unset)')}\n")

    header = f"{'setup':<46} {'fnn s/epoch':>11} {'NumPy s/epoch':>13} {'speed-up':>8} {'fnn MiB':>8} {'NumPy MiB':>9} {'target':>7}  met"
    print(header)
    print("-" * len(header))
    all_met = True
    with tempfile.TemporaryDirectory() as folder:
        for label, layers, batch, cost, eta, lam, init, target in ROWS:
            metrics = os.path.join(folder, "metrics.csv")
            _, fnn_peak = run_measured([
                args.fnn, "train", "--data", args.data, "--output", os.path.join(folder, "m.fnn"), "--force",
                "--layers", layers, "--activation", "sigmoid", "--output-activation", "sigmoid", "--cost", cost,
                "--learning-rate", str(eta), "--weight-decay", str(lam), "--momentum", "0",
                "--init", init, "--schedule", "constant", "--batch-size", str(batch),
                "--epochs", str(args.epochs), "--metrics", metrics, "--plain",
            ], env)
            with open(metrics) as f:
                fnn_seconds = min(float(row["seconds"]) for row in csv.DictReader(f))
            out, numpy_peak = run_measured([
                sys.executable, os.path.join(HERE, "numpy_sgd.py"), "--data", args.data, "--layers", layers,
                "--batch-size", str(batch), "--learning-rate", str(eta), "--weight-decay", str(lam),
                "--cost", cost, "--epochs", str(min(args.epochs, 2)),
            ], env)
            reference = json.loads(out)
            reference["peak_mib"] = numpy_peak
            numpy_seconds = reference["seconds_per_epoch"]
            met = fnn_seconds <= target
            all_met &= met
            print(f"{label:<46} {fnn_seconds:>11.3f} {numpy_seconds:>13.3f} {numpy_seconds / fnn_seconds:>7.1f}× "
                  f"{fnn_peak:>8.0f} {reference['peak_mib']:>9.0f} {target:>6.2f}s  {'yes' if met else 'NO'}")
    print("\nseconds per epoch: the fastest of the epochs run, training loop only (no evaluation)")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
