#!/usr/bin/python3
"""Reference benchmark: an ETTh1-sized forecast in PyTorch, as a course student would scale
lab 11-4 up: every column in, the last one (OT) predicted, the min-max scaler fit on the
training rows, 70/30 chronological split, windows of --seq-length rows, LSTM(F -> hidden) +
Linear on the last step, MSELoss, Adam, shuffled mini-batches of --batch-size.

The CSV (a date column, then numeric columns) is the one bench/run.ts writes: 17,420 hourly
rows x 7 columns, the size of ETTh1.

Run with Debian's PyTorch: /usr/bin/python3 bench/reference/forecast_batched.py --csv FILE
The last line of stdout is one JSON object (secondsPerEpoch, testRmse, ...).
"""

import argparse
import json
import time

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

from common import log, parse_torch_args


class Net(nn.Module):
    def __init__(self, input_dim, hidden_dim):
        super().__init__()
        self.rnn = nn.LSTM(input_dim, hidden_dim, batch_first=True)
        self.fc = nn.Linear(hidden_dim, 1)

    def forward(self, x):
        x, _ = self.rnn(x)
        return self.fc(x[:, -1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--csv", required=True)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--seq-length", type=int, default=24)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--lr", type=float, default=0.01)
    args, blas = parse_torch_args(ap)
    torch.manual_seed(0)

    xy = np.loadtxt(args.csv, delimiter=",", skiprows=1, usecols=range(1, 8), dtype=np.float32)
    L = args.seq_length
    train_rows = int(len(xy) * 0.7)
    lo = xy[:train_rows].min(0)
    span = xy[:train_rows].max(0) - lo + 1e-7
    scaled = (xy - lo) / span
    n_train = train_rows - L
    idx = np.arange(len(xy) - L)
    X = np.stack([scaled[i:i + L] for i in idx]).astype(np.float32)
    Y = scaled[idx + L, -1:].astype(np.float32)
    Xtr, Ytr = torch.from_numpy(X[:n_train]), torch.from_numpy(Y[:n_train])
    Xte = torch.from_numpy(X[n_train:])
    log(f"rows {len(xy)}, train windows {n_train}, test windows {len(X) - n_train}")

    net = Net(X.shape[2], args.hidden)
    criterion = nn.MSELoss()
    optimizer = optim.Adam(net.parameters(), lr=args.lr)
    times = []
    for epoch in range(args.epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n_train)
        total = 0.0
        for s in range(0, n_train, args.batch_size):
            b = perm[s:s + args.batch_size]
            optimizer.zero_grad()
            loss = criterion(net(Xtr[b]), Ytr[b])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(b)
        times.append(time.perf_counter() - t0)
        log(f"epoch {epoch + 1}: loss {total / n_train:.6f} ({times[-1]:.3f} s)")
    with torch.no_grad():
        pred = net(Xte).numpy()[:, 0] * span[-1] + lo[-1]
    truth = xy[n_train + L:, -1]
    print(json.dumps({
        "benchmark": "forecast_batched",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        **blas,
        "epochs": args.epochs,
        "secondsPerEpoch": float(np.median(times)),
        "finalLoss": total / n_train,
        "testRmse": float(np.sqrt(np.mean((pred - truth) ** 2))),
    }))


if __name__ == "__main__":
    main()
