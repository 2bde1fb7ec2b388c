#!/usr/bin/python3
"""Reference benchmark: the course's lab 11-4 (stock price time series), in PyTorch.

Mirrors "Deep Learning Zero To All, season 2" (PyTorch), lab 11-4
(RNN/5-timeseries.py in deeplearningzerotoall/PyTorch): stock_daily.csv
reversed to oldest-first, 70/30 split, windows of seq_length 7 over all five
columns, LSTM(5 -> 10) + Linear(10 -> 1) on the last step, MSELoss, Adam lr
0.01, 500 full-batch iterations, torch.manual_seed(0).

One deliberate deviation: the course fits its min-max scaler separately on the
train rows and on the test rows (so the test set is scaled with its own
min/max, which leaks the future and cannot be inverted to dollars honestly).
Here the scaler is fit on the training rows only and applied to both; the
formula is the course's: (x - min) / (max - min + 1e-7), per column.

The --threads option and BLAS check, log and the data folder are shared with
the other scripts in common.py.

Run with Debian's PyTorch: /usr/bin/python3 bench/reference/lab11_4.py
Human-readable lines go to stderr; the last line of stdout is one JSON object.
"""

import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

from common import DEFAULT_DATA, log, parse_torch_args


def minmax_fit(data):
    """Per-column min and (max - min + 1e-7), as the course's minmax_scaler."""
    lo = np.min(data, 0)
    return lo, np.max(data, 0) - lo + 1e-7


def build_dataset(time_series, seq_length):
    """x = rows i..i+seq_length-1 (all columns), y = Close (last column) of row i+seq_length."""
    xs, ys = [], []
    for i in range(0, len(time_series) - seq_length):
        xs.append(time_series[i:i + seq_length, :])
        ys.append(time_series[i + seq_length, [-1]])
    return np.array(xs), np.array(ys)


class Net(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim, layers):
        super().__init__()
        self.rnn = nn.LSTM(input_dim, hidden_dim, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim, bias=True)

    def forward(self, x):
        x, _status = self.rnn(x)
        return self.fc(x[:, -1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=DEFAULT_DATA, help="directory holding stock_daily.csv")
    ap.add_argument("--iterations", type=int, default=500)
    ap.add_argument("--seq-length", type=int, default=7)
    ap.add_argument("--hidden", type=int, default=10)
    ap.add_argument("--lr", type=float, default=0.01)
    args, blas = parse_torch_args(ap)

    torch.manual_seed(0)
    seq_length = args.seq_length

    # --- data (as the course, except the scaler is fit on train only) ---
    xy = np.loadtxt(os.path.join(args.data, "stock_daily.csv"), delimiter=",", comments="#")
    xy = xy[::-1]  # newest-first in the file -> oldest-first
    train_size = int(len(xy) * 0.7)
    train_set = xy[0:train_size]
    test_set = xy[train_size - seq_length:]  # overlap so the first test window is complete

    lo, span = minmax_fit(train_set)
    trainX, trainY = build_dataset((train_set - lo) / span, seq_length)
    testX, testY = build_dataset((test_set - lo) / span, seq_length)
    trainX_t, trainY_t = torch.FloatTensor(trainX), torch.FloatTensor(trainY)
    testX_t = torch.FloatTensor(testX)
    log(f"rows {len(xy)}, train windows {len(trainX)}, test windows {len(testX)}")

    net = Net(trainX.shape[2], args.hidden, 1, 1)
    criterion = nn.MSELoss()
    optimizer = optim.Adam(net.parameters(), lr=args.lr)

    # --- timed training loop (data loading excluded) ---
    t0 = time.perf_counter()
    for i in range(args.iterations):
        optimizer.zero_grad()
        outputs = net(trainX_t)
        loss = criterion(outputs, trainY_t)
        loss.backward()
        optimizer.step()
        if (i + 1) % 100 == 0:
            log(f"iter {i + 1}: loss {loss.item():.6f}")
    seconds = time.perf_counter() - t0
    final_loss = loss.item()
    ms_per_iter = seconds * 1000 / args.iterations
    log(f"{args.iterations} iterations in {seconds:.3f} s = {ms_per_iter:.3f} ms/iter")

    # --- test metrics in dollars ---
    with torch.no_grad():
        pred_scaled = net(testX_t).numpy()[:, 0].astype(np.float64)
    pred = pred_scaled * span[-1] + lo[-1]  # invert the Close column's train scaler
    truth = test_set[seq_length:, -1]  # raw Close the windows predict
    naive = test_set[seq_length - 1:-1, -1]  # Close of each window's last row
    assert len(pred) == len(truth) == len(naive)
    err, nerr = pred - truth, naive - truth
    result = {
        "benchmark": "lab11_4",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        **blas,
        "iterations": args.iterations,
        "seconds": round(seconds, 4),
        "msPerIter": round(ms_per_iter, 4),
        "finalLoss": final_loss,
        "trainWindows": int(len(trainX)),
        "testWindows": int(len(testX)),
        "testRmse": float(np.sqrt(np.mean(err ** 2))),
        "testMae": float(np.mean(np.abs(err))),
        "testMape": float(np.mean(np.abs(err) / np.abs(truth)) * 100),
        "naiveRmse": float(np.sqrt(np.mean(nerr ** 2))),
        "naiveMae": float(np.mean(np.abs(nerr))),
        "scaler": "min-max fit on train rows: (x-min)/(max-min+1e-7)",
    }
    log(f"test RMSE ${result['testRmse']:.2f} (naive ${result['naiveRmse']:.2f}), "
        f"MAE ${result['testMae']:.2f} (naive ${result['naiveMae']:.2f}), "
        f"MAPE {result['testMape']:.2f}%")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
