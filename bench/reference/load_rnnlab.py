#!/usr/bin/python3
"""Load an RNN Lab forecaster folder into the course's PyTorch model and evaluate it.

An RNN Lab model folder (`rnn-lab forecast FILE --save DIR`, or Save model in the run panel)
holds config.json, scaler.json and model.safetensors: float32 weights under the state_dict names
of the course's lab 11-4 `Net` (rnn.weight_ih_l0, ..., fc.weight, fc.bias). With the safetensors
package that is `net.load_state_dict(safetensors.torch.load_file(path))`; this script reads the
format itself (an 8-byte little-endian header length, a JSON header, the raw buffer), so it needs
only torch and numpy.

It then runs lab 11-4's evaluation with the saved scaler: the course's split (70% train, the test
windows starting seq_length rows before the end of the training rows), test RMSE in dollars, and
the next-day forecast from the last window. The bench compares these with what RNN Lab reported.

    /usr/bin/python3 bench/reference/load_rnnlab.py MODEL_DIR [--data DIR]

The last line of stdout is one JSON object: {"testRmse", "nextValue", "tensors"}.
"""

import argparse
import json
import os
import struct

import numpy as np
import torch

from common import DEFAULT_DATA
from lab11_4 import Net, build_dataset


def load_safetensors(path):
    """{name: float32 tensor} from a safetensors file (F32 entries only, as RNN Lab writes)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    base = 8 + n
    out = {}
    for name, e in header.items():
        assert e["dtype"] == "F32", f"{name}: dtype {e['dtype']}"
        b, end = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(raw[base + b:base + end], dtype="<f4").copy()).reshape(e["shape"])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("--data", default=DEFAULT_DATA, help="directory holding stock_daily.csv")
    args = ap.parse_args()

    with open(os.path.join(args.model_dir, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    with open(os.path.join(args.model_dir, "scaler.json"), encoding="utf-8") as f:
        scaler = json.load(f)
    m = config["model"]
    net = Net(m["inputSize"], m["hidden"], 1, m["layers"])
    state = load_safetensors(os.path.join(args.model_dir, "model.safetensors"))
    net.load_state_dict(state, strict=True)  # the course's names and shapes, nothing missing or extra
    net.eval()

    # stock_daily.csv: Open, High, Low, Volume, Close; features all five, target Close, as the course.
    assert config["columns"] == ["Open", "High", "Low", "Volume", "Close"], config["columns"]
    seq_length = m["seqLength"]
    xy = np.loadtxt(os.path.join(args.data, "stock_daily.csv"), delimiter=",", comments="#")[::-1]
    lo, hi = np.array(scaler["min"]), np.array(scaler["max"])
    span = hi - lo
    train_size = int(len(xy) * 0.7)
    test_set = xy[train_size - seq_length:]
    testX, _ = build_dataset((test_set - lo) / span, seq_length)
    actual = test_set[seq_length:, -1]
    with torch.no_grad():
        pred = net(torch.FloatTensor(testX)).numpy()[:, 0].astype(np.float64) * span[-1] + lo[-1]
        last = torch.FloatTensor(((xy[-seq_length:] - lo) / span)[None].copy())
        next_value = float(net(last)[0, 0]) * span[-1] + lo[-1]
    rmse = float(np.sqrt(np.mean((pred - actual) ** 2)))
    print(json.dumps({"testRmse": rmse, "nextValue": next_value, "tensors": sorted(state)}))


if __name__ == "__main__":
    main()
