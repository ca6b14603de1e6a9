#!/usr/bin/env python3
"""A vectorised NumPy reference for fnn's training benchmark.

Mini-batch SGD with backpropagation in matrix form (one row per sample), float32, the
same network, cost, learning rate, L2 scaling and batch size as the fnn run it is
compared with. Prints one JSON line: seconds per epoch (training loop only).
"""
import argparse
import gzip
import json
import sys
import time

import numpy as np


def load_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(folder, name):
    import os
    for candidate in (f"{folder}/{name}", f"{folder}/{name}.gz"):
        if os.path.exists(candidate):
            return candidate
    sys.exit(f"{folder} has no {name}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--layers", default="784,100,10")
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--learning-rate", type=float, default=0.5)
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--cost", choices=["quadratic", "cross-entropy"], default="cross-entropy")
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()

    images = load_idx(find(args.data, "train-images-idx3-ubyte"))[:50000].reshape(50000, -1)
    labels = load_idx(find(args.data, "train-labels-idx1-ubyte"))[:50000]
    x_all = images.astype(np.float32) / np.float32(255)
    y_all = np.eye(10, dtype=np.float32)[labels]
    sizes = [int(s) for s in args.layers.split(",")]
    rng = np.random.default_rng(1)
    weights = [(rng.standard_normal((o, i)) / np.sqrt(i)).astype(np.float32) for i, o in zip(sizes[:-1], sizes[1:])]
    biases = [rng.standard_normal(o).astype(np.float32) for o in sizes[1:]]
    n = len(x_all)
    eta = np.float32(args.learning_rate)
    keep = np.float32(1 - args.learning_rate * args.weight_decay / n)

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    epoch_seconds = []
    for _ in range(args.epochs):
        order = rng.permutation(n)
        start = time.perf_counter()
        for begin in range(0, n, args.batch_size):
            batch = order[begin:begin + args.batch_size]
            x, y = x_all[batch], y_all[batch]
            activations = [x]
            for w, b in zip(weights, biases):
                activations.append(sigmoid(activations[-1] @ w.T + b))
            a = activations[-1]
            delta = (a - y) * a * (1 - a) if args.cost == "quadratic" else a - y
            scale = eta / np.float32(len(batch))
            for layer in range(len(weights) - 1, -1, -1):
                grad_w = delta.T @ activations[layer]
                grad_b = delta.sum(axis=0)
                if layer > 0:
                    below = activations[layer]
                    delta = (delta @ weights[layer]) * below * (1 - below)
                weights[layer] = keep * weights[layer] - scale * grad_w
                biases[layer] -= scale * grad_b
        epoch_seconds.append(time.perf_counter() - start)
    print(json.dumps({"seconds_per_epoch": min(epoch_seconds)}))


if __name__ == "__main__":
    main()
