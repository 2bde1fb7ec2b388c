#!/usr/bin/python3
"""PyTorch's BLAS GEMM rate on the shapes bench/gemm.ts times for RNN Lab, with the
threads it has (OPENBLAS_NUM_THREADS=1 in the environment for one thread).

Run with Debian's PyTorch: /usr/bin/python3 bench/reference/gemm.py
The last line of stdout is one JSON object: {"rates": [{M, K, N, gmacs}], ...}.
"""

import json
import time

import torch

from common import check_openblas

SHAPES = [(1024, 1024, 1024), (768, 256, 5431), (64, 256, 768)]


def rate(M, K, N):
    a, b = torch.randn(M, K), torch.randn(K, N)
    reps = max(1, round(2e8 / (M * K * N)))
    a @ b
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(reps):
            a @ b
        best = min(best, (time.perf_counter() - t) / reps)
    return M * K * N / best / 1e9


def main():
    blas = check_openblas()
    rates = [{"M": M, "K": K, "N": N, "gmacs": round(rate(M, K, N), 2)} for M, K, N in SHAPES]
    print(json.dumps({"benchmark": "gemm", "torch": torch.__version__, **blas, "rates": rates}))


if __name__ == "__main__":
    main()
