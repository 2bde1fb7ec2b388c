#!/usr/bin/python3
"""Reference benchmark: the course's lab 11-5 (seq2seq on four pairs), in PyTorch.

Mirrors "Deep Learning Zero To All, season 2" (PyTorch), lab 11-5
(RNN/6-seq2seq.py in deeplearningzerotoall/PyTorch, itself adapted from the
PyTorch seq2seq translation tutorial):

* pairs lower-cased, split on "\\t", words split on " "; kept if
  source < 10 words and target < 12 words;
* Vocab with <SOS>=0, <EOS>=1, indices in first-seen order, word counts;
* Encoder: Embedding(V_src, 16) -> GRU(16, 16), one token per call, batch 1;
* Decoder: Embedding(V_tgt, 16) -> GRU(16, 16) -> Linear(16, V_tgt) ->
  LogSoftmax(dim=1). Unlike the PyTorch tutorial, there is NO relu after the
  decoder embedding;
* loss = sum over target tokens (incl. <EOS>) of NLLLoss (each a mean over a
  batch of one), backward on that sum; the printed/recorded loss is that sum
  divided by the target length;
* SGD lr 0.01 (separate optimizers for encoder and decoder), 5000 iterations of
  random.choice(pairs), one pair at a time, always teacher forcing;
* greedy evaluation of every pair, at most target_max_length (12) steps,
  stopping at <EOS>.

The course only seeds torch (notebook); here random and torch are both seeded
with 0. Like the course, one random.choice(pairs) is drawn (and printed) before
training.

Run with Debian's PyTorch: /usr/bin/python3 bench/reference/lab11_5.py
Human-readable lines go to stderr; the last line of stdout is one JSON object.
"""

import argparse
import json
import random
import sys
import time

import torch
import torch.nn as nn
import torch.optim as optim

RAW = [
    "I feel hungry.\t나는 배가 고프다.",
    "Pytorch is very easy.\t파이토치는 매우 쉽다.",
    "Pytorch is a framework for deep learning.\t파이토치는 딥러닝을 위한 프레임워크이다.",
    "Pytorch is very clear to use.\t파이토치는 사용하기 매우 직관적이다.",
]

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


class Vocab:
    """Word <-> index maps in first-seen order, after <SOS>=0 and <EOS>=1."""

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


def preprocess(corpus, source_max_length, target_max_length):
    pairs = [line.strip().lower().split("\t") for line in corpus]
    log(f"read {len(pairs)} sentence pairs")
    pairs = [p for p in pairs if filter_pair(p, source_max_length, target_max_length)]
    log(f"trimmed to {len(pairs)} sentence pairs")
    source_vocab, target_vocab = Vocab(), Vocab()
    for pair in pairs:
        source_vocab.add_vocab(pair[0])
        target_vocab.add_vocab(pair[1])
    log(f"source vocab size = {source_vocab.n_vocab}, target vocab size = {target_vocab.n_vocab}")
    return pairs, source_vocab, target_vocab


class Encoder(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.embedding = nn.Embedding(input_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size)

    def forward(self, x, hidden):
        x = self.embedding(x).view(1, 1, -1)
        x, hidden = self.gru(x, hidden)
        return x, hidden


class Decoder(nn.Module):
    def __init__(self, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.embedding = nn.Embedding(output_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, x, hidden):
        x = self.embedding(x).view(1, 1, -1)  # no relu here (the tutorial has one)
        x, hidden = self.gru(x, hidden)
        x = self.softmax(self.out(x[0]))
        return x, hidden


def tensorize(vocab, sentence):
    """Word indices + <EOS>, as a [len, 1] long tensor."""
    indexes = [vocab.vocab2index[word] for word in sentence.split(" ")]
    indexes.append(vocab.vocab2index["<EOS>"])
    return torch.Tensor(indexes).long().view(-1, 1)


def train(pairs, source_vocab, target_vocab, encoder, decoder, n_iter,
          print_every=1000, learning_rate=0.01):
    """The course's training loop. Returns the per-iteration losses (sum / target length)."""
    encoder_optimizer = optim.SGD(encoder.parameters(), lr=learning_rate)
    decoder_optimizer = optim.SGD(decoder.parameters(), lr=learning_rate)

    training_batch = [random.choice(pairs) for _ in range(n_iter)]
    training_source = [tensorize(source_vocab, pair[0]) for pair in training_batch]
    training_target = [tensorize(target_vocab, pair[1]) for pair in training_batch]

    criterion = nn.NLLLoss()
    losses = []
    for i in range(1, n_iter + 1):
        source_tensor = training_source[i - 1]
        target_tensor = training_target[i - 1]
        encoder_hidden = torch.zeros([1, 1, encoder.hidden_size])

        encoder_optimizer.zero_grad()
        decoder_optimizer.zero_grad()

        source_length = source_tensor.size(0)
        target_length = target_tensor.size(0)
        loss = 0

        for ei in range(source_length):
            _, encoder_hidden = encoder(source_tensor[ei], encoder_hidden)

        decoder_input = torch.Tensor([[SOS_token]]).long()
        decoder_hidden = encoder_hidden  # encoder's last hidden starts the decoder

        for di in range(target_length):
            decoder_output, decoder_hidden = decoder(decoder_input, decoder_hidden)
            loss += criterion(decoder_output, target_tensor[di])
            decoder_input = target_tensor[di]  # teacher forcing

        loss.backward()
        encoder_optimizer.step()
        decoder_optimizer.step()

        losses.append(loss.item() / target_length)
        if i % print_every == 0:
            avg = sum(losses[-print_every:]) / print_every
            log(f"[{i} - {i / n_iter * 100}%] loss = {avg:05.4f}")
    return losses


def evaluate(pairs, source_vocab, target_vocab, encoder, decoder, target_max_length):
    """Greedy decoding of every pair; returns [{source, target, prediction, exact}]."""
    results = []
    with torch.no_grad():
        for pair in pairs:
            source_tensor = tensorize(source_vocab, pair[0])
            encoder_hidden = torch.zeros([1, 1, encoder.hidden_size])
            for ei in range(source_tensor.size(0)):
                _, encoder_hidden = encoder(source_tensor[ei], encoder_hidden)

            decoder_input = torch.Tensor([[SOS_token]]).long()
            decoder_hidden = encoder_hidden
            words, ended = [], False
            for _ in range(target_max_length):
                decoder_output, decoder_hidden = decoder(decoder_input, decoder_hidden)
                _, top_index = decoder_output.data.topk(1)
                if top_index.item() == EOS_token:
                    ended = True
                    break
                words.append(target_vocab.index2vocab[top_index.item()])
                decoder_input = top_index.squeeze().detach()

            prediction = " ".join(words)
            exact = ended and words == pair[1].split(" ")
            log(f"> {pair[0]}\n= {pair[1]}\n< {prediction}{' <EOS>' if ended else ''}\n")
            results.append({"source": pair[0], "target": pair[1],
                            "prediction": prediction, "endedWithEos": ended, "exact": exact})
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iterations", type=int, default=5000)
    ap.add_argument("--hidden", type=int, default=16)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--threads", type=int, default=0,
                    help="torch.set_num_threads(N) if N > 0 (default: leave torch's default)")
    args = ap.parse_args()

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    blas = check_openblas()

    random.seed(0)
    torch.manual_seed(0)

    pairs, source_vocab, target_vocab = preprocess(RAW, SOURCE_MAX_LENGTH, TARGET_MAX_LENGTH)
    log(random.choice(pairs))  # the course draws (and prints) one pair here

    enc = Encoder(source_vocab.n_vocab, args.hidden)
    dec = Decoder(args.hidden, target_vocab.n_vocab)

    t0 = time.perf_counter()
    losses = train(pairs, source_vocab, target_vocab, enc, dec, args.iterations,
                   print_every=min(1000, args.iterations), learning_rate=args.lr)
    seconds = time.perf_counter() - t0
    log(f"{args.iterations} iterations in {seconds:.2f} s = "
        f"{seconds * 1000 / args.iterations:.3f} ms/iter")

    translations = evaluate(pairs, source_vocab, target_vocab, enc, dec, TARGET_MAX_LENGTH)
    tail = losses[-1000:]
    result = {
        "benchmark": "lab11_5",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        **blas,
        "iterations": args.iterations,
        "seconds": round(seconds, 4),
        "msPerIter": round(seconds * 1000 / args.iterations, 4),
        "finalLoss": sum(tail) / len(tail),
        "exact": sum(1 for t in translations if t["exact"]),
        "pairs": len(pairs),
        "sourceVocab": source_vocab.n_vocab,
        "targetVocab": target_vocab.n_vocab,
        "translations": translations,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
