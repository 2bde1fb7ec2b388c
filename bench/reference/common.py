"""Shared pieces of the PyTorch reference benchmarks in bench/reference/.

* REPO_ROOT, DEFAULT_DATA: the clone's root and the course's data sets in it
  (<clone>/examples);
* log: human-readable lines go to stderr (stdout ends with the JSON object);
* check_openblas: the BLAS speed check every benchmark reports, and
  parse_torch_args: the --threads option they share, applied, then that check;
* the course's lab 11-5 preprocessing: Vocab (<SOS>=0, <EOS>=1, then words in
  first-seen order, with counts), filter_pair and preprocess (lower-case, split
  on "\\t" and " ", keep source < 10 words and target < 12 words).

The scripts import it as `from common import ...` (run as
/usr/bin/python3 bench/reference/X.py, their folder is on sys.path).
"""

import os
import sys
import time

import torch

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_DATA = os.path.join(REPO_ROOT, "examples")

SOS_token = 0
EOS_token = 1
SOURCE_MAX_LENGTH = 10
TARGET_MAX_LENGTH = 12


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def check_openblas():
    """Time a 512x512 float32 matmul. Debian's torch without libopenblas0-pthread
    falls back to the reference BLAS (~2.5 GFLOP/s), which would flatter us."""
    a, b = torch.randn(512, 512), torch.randn(512, 512)
    for _ in range(3):
        a @ b
    best = float("inf")
    for _ in range(10):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    gflops = 2 * 512 ** 3 / best / 1e9
    ok = gflops >= 20
    log(f"matmul 512x512: {gflops:.1f} GFLOP/s")
    if not ok:
        log("WARNING: below 20 GFLOP/s -- torch is probably using the reference BLAS; "
            "install libopenblas0-pthread. These timings do not count.")
    return {"gflops": round(gflops, 2), "openblas": ok}


def parse_torch_args(ap):
    """Adds --threads to the script's parser, parses the command line, applies
    --threads and runs check_openblas. Returns (args, the check's result)."""
    ap.add_argument("--threads", type=int, default=0,
                    help="torch.set_num_threads(N) if N > 0 (default: leave torch's default)")
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    return args, check_openblas()


class Vocab:
    """The course's Vocab: <SOS>=0, <EOS>=1, then words in first-seen order."""

    def __init__(self):
        self.vocab2index = {"<SOS>": SOS_token, "<EOS>": EOS_token}
        self.index2vocab = {SOS_token: "<SOS>", EOS_token: "<EOS>"}
        self.vocab_count = {}
        self.n_vocab = len(self.vocab2index)

    def add_vocab(self, sentence):
        for word in sentence.split(" "):
            if word not in self.vocab2index:
                self.vocab2index[word] = self.n_vocab
                self.vocab_count[word] = 1
                self.index2vocab[self.n_vocab] = word
                self.n_vocab += 1
            else:
                self.vocab_count[word] += 1


def filter_pair(pair, source_max_length, target_max_length):
    return (len(pair[0].split(" ")) < source_max_length
            and len(pair[1].split(" ")) < target_max_length)


def preprocess(lines, source_max_length=SOURCE_MAX_LENGTH, target_max_length=TARGET_MAX_LENGTH):
    """The course's preprocessing of tab-separated lines (blank lines skipped).
    Returns ([[source, target]], source_vocab, target_vocab); columns after the
    target (kor-eng.txt's attribution) are dropped."""
    pairs = [line.strip().lower().split("\t") for line in lines if line.strip()]
    log(f"read {len(pairs)} sentence pairs")
    pairs = [p for p in pairs if filter_pair(p, source_max_length, target_max_length)]
    log(f"trimmed to {len(pairs)} sentence pairs")
    source_vocab, target_vocab = Vocab(), Vocab()
    for pair in pairs:
        source_vocab.add_vocab(pair[0])
        target_vocab.add_vocab(pair[1])
    log(f"source vocab size = {source_vocab.n_vocab}, target vocab size = {target_vocab.n_vocab}")
    return [[p[0], p[1]] for p in pairs], source_vocab, target_vocab
