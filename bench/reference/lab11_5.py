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

The preprocessing and Vocab, the --threads option and BLAS check and log are
in common.py, shared with seq2seq_batched.py.

Run with Debian's PyTorch: /usr/bin/python3 bench/reference/lab11_5.py
Human-readable lines go to stderr; the last line of stdout is one JSON object.
"""

import argparse
import json
import random
import time

import torch
import torch.nn as nn
import torch.optim as optim

from common import (EOS_token, SOS_token, SOURCE_MAX_LENGTH, TARGET_MAX_LENGTH, log,
                    parse_torch_args, preprocess)

RAW = [
    "I feel hungry.\t나는 배가 고프다.",
    "Pytorch is very easy.\t파이토치는 매우 쉽다.",
    "Pytorch is a framework for deep learning.\t파이토치는 딥러닝을 위한 프레임워크이다.",
    "Pytorch is very clear to use.\t파이토치는 사용하기 매우 직관적이다.",
]

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
    args, blas = parse_torch_args(ap)

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
