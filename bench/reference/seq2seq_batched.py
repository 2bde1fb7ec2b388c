#!/usr/bin/python3
"""Reference benchmark: batched GRU seq2seq on kor-eng.txt, as a PyTorch user would write it.

Preprocessing is the course's lab 11-5 (lower-case, split on "\\t" and " ",
source < 10 words, target < 12 words, the attribution column ignored; Vocab
with <SOS>=0, <EOS>=1 in first-seen order over all kept pairs). On top of it,
what a good PyTorch user would do to train on a real corpus:

* a <PAD> token (appended after the course's vocabulary, so the course's
  indices are unchanged); pairs shuffled with seed 0 and the first
  --test-fraction held out;
* Encoder: Embedding(V_src, 256, padding_idx=PAD) -> GRU(256, 256,
  batch_first) over pack_padded_sequence(enforce_sorted=False); its final
  hidden state starts the decoder. Sources end with <EOS>, as in the course;
* Decoder: Embedding(V_tgt, 256) -> GRU(256, 256, batch_first) -> Linear(256,
  V_tgt) -> log_softmax, teacher-forced over the whole target at once (input
  [SOS] + target, label target + [EOS]);
* NLLLoss(ignore_index=PAD) -- the mean over real target tokens of the batch;
* Adam lr 1e-3, batches of 64, reshuffled every epoch.

Held-out evaluation is greedy decoding (batched), max target length + 1 steps;
a position counts as correct if the predicted token equals the reference token
there (reference = target words + <EOS>; anything after a predicted <EOS>
counts as wrong). tokenAccuracy = correct / reference tokens; exactMatch =
share of sentences whose prediction up to its first <EOS> equals the reference.

The preprocessing and Vocab, the --threads option and BLAS check, log and the
data folder are in common.py, shared with lab11_5.py.

Run with Debian's PyTorch: /usr/bin/python3 bench/reference/seq2seq_batched.py
Human-readable lines go to stderr; the last line of stdout is one JSON object.
"""

import argparse
import json
import os
import random
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence

from common import DEFAULT_DATA, EOS_token, SOS_token, log, parse_torch_args, preprocess


class Encoder(nn.Module):
    def __init__(self, vocab_size, hidden, pad):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, hidden, padding_idx=pad)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)

    def forward(self, src, lengths):
        packed = pack_padded_sequence(self.embedding(src), lengths, batch_first=True,
                                      enforce_sorted=False)
        _, hidden = self.gru(packed)  # [1, B, H], in the batch's original order
        return hidden


class Decoder(nn.Module):
    def __init__(self, vocab_size, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, hidden)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, inp, hidden):
        x, hidden = self.gru(self.embedding(inp), hidden)
        return F.log_softmax(self.out(x), dim=-1), hidden


def pad_batch(seqs, pad):
    n = max(len(s) for s in seqs)
    return torch.tensor([s + [pad] * (n - len(s)) for s in seqs], dtype=torch.long)


def make_batch(items, src_pad, tgt_pad):
    """items: [(src_ids, tgt_ids)] without specials -> padded tensors
    (source + <EOS>, its lengths, [SOS] + target, target + <EOS>)."""
    src = [s + [EOS_token] for s, _ in items]
    dec_in = [[SOS_token] + t for _, t in items]
    dec_out = [t + [EOS_token] for _, t in items]
    lengths = torch.tensor([len(s) for s in src], dtype=torch.long)
    return (pad_batch(src, src_pad), lengths,
            pad_batch(dec_in, tgt_pad), pad_batch(dec_out, tgt_pad))


@torch.no_grad()
def evaluate(encoder, decoder, items, src_pad, tgt_pad, max_steps, batch_size):
    """Batched greedy decoding; returns (correct tokens, reference tokens, exact sentences)."""
    encoder.eval()
    decoder.eval()
    correct = total = exact = 0
    for k in range(0, len(items), batch_size):
        chunk = items[k:k + batch_size]
        src, lengths, _, dec_out = make_batch(chunk, src_pad, tgt_pad)
        hidden = encoder(src, lengths)
        inp = torch.full((len(chunk), 1), SOS_token, dtype=torch.long)
        steps = []
        for _ in range(max_steps):
            logp, hidden = decoder(inp, hidden)
            inp = logp[:, -1].argmax(-1, keepdim=True)
            steps.append(inp)
        pred = torch.cat(steps, 1)  # [B, max_steps]
        # Everything after the first predicted <EOS> is blanked out (never correct).
        after_eos = (pred == EOS_token).long().cumsum(1) - (pred == EOS_token).long() > 0
        pred = pred.masked_fill(after_eos, -1)
        n = dec_out.size(1)
        if pred.size(1) < n:
            pred = torch.cat([pred, pred.new_full((len(chunk), n - pred.size(1)), -1)], 1)
        ref_mask = dec_out != tgt_pad
        hits = (pred[:, :n] == dec_out) & ref_mask
        correct += int(hits.sum())
        total += int(ref_mask.sum())
        exact += int((hits.sum(1) == ref_mask.sum(1)).sum())
    encoder.train()
    decoder.train()
    return correct, total, exact


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=DEFAULT_DATA, help="directory holding kor-eng.txt")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--test-fraction", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0,
                    help="seeds the initial weights and the per-epoch order (Random(1 + seed)); "
                         "the held-out split is always Random(0), so every seed is measured on the same pairs")
    ap.add_argument("--test-out", default=None,
                    help="write the held-out pairs here (source<TAB>target), so RNN Lab can be measured on the same ones")
    args, blas = parse_torch_args(ap)

    random.seed(args.seed)
    torch.manual_seed(args.seed)

    with open(os.path.join(args.data, "kor-eng.txt"), encoding="utf-8") as f:
        pairs, source_vocab, target_vocab = preprocess(f)
    src_pad, tgt_pad = source_vocab.n_vocab, target_vocab.n_vocab  # <PAD> appended last
    src_v, tgt_v = source_vocab.n_vocab + 1, target_vocab.n_vocab + 1

    items = [([source_vocab.vocab2index[w] for w in s.split(" ")],
              [target_vocab.vocab2index[w] for w in t.split(" ")]) for s, t in pairs]
    random.Random(0).shuffle(items)
    n_test = int(round(len(items) * args.test_fraction))
    test_items, train_items = items[:n_test], items[n_test:]
    if args.test_out:
        # The same permutation applied to the texts (shuffle depends only on the length and the seed).
        texts = list(pairs)
        random.Random(0).shuffle(texts)
        with open(args.test_out, "w", encoding="utf-8") as f:
            for s, t in texts[:n_test]:
                f.write(f"{s}\t{t}\n")
    log(f"train pairs {len(train_items)}, test pairs {len(test_items)}")

    encoder = Encoder(src_v, args.hidden, src_pad)
    decoder = Decoder(tgt_v, args.hidden)
    params = list(encoder.parameters()) + list(decoder.parameters())
    optimizer = torch.optim.Adam(params, lr=args.lr)
    criterion = nn.NLLLoss(ignore_index=tgt_pad)
    shuffler = random.Random(1 + args.seed)  # per-epoch order of the training pairs

    seconds_per_epoch, train_loss = [], float("nan")
    for epoch in range(1, args.epochs + 1):
        order = train_items[:]
        shuffler.shuffle(order)
        t0 = time.perf_counter()
        loss_sum = tok_sum = 0.0
        for k in range(0, len(order), args.batch_size):
            chunk = order[k:k + args.batch_size]
            src, lengths, dec_in, dec_out = make_batch(chunk, src_pad, tgt_pad)
            optimizer.zero_grad()
            hidden = encoder(src, lengths)
            logp, _ = decoder(dec_in, hidden)
            loss = criterion(logp.reshape(-1, tgt_v), dec_out.reshape(-1))
            loss.backward()
            optimizer.step()
            ntok = int((dec_out != tgt_pad).sum())
            loss_sum += loss.item() * ntok
            tok_sum += ntok
        seconds = time.perf_counter() - t0
        seconds_per_epoch.append(round(seconds, 4))
        train_loss = loss_sum / tok_sum  # token-weighted mean NLL over the epoch
        log(f"epoch {epoch}: {seconds:.2f} s, train loss {train_loss:.4f}")

    max_steps = max(len(t) for _, t in items) + 1  # longest target + <EOS>
    correct, total, exact = (evaluate(encoder, decoder, test_items, src_pad, tgt_pad,
                                      max_steps, args.batch_size)
                             if test_items else (0, 1, 0))
    result = {
        "benchmark": "seq2seq_batched",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        **blas,
        "optimizer": "Adam",
        "lr": args.lr,
        "batchSize": args.batch_size,
        "hidden": args.hidden,
        "epochs": args.epochs,
        "seed": args.seed,
        "secondsPerEpoch": seconds_per_epoch,
        "medianEpochSeconds": statistics.median(seconds_per_epoch) if seconds_per_epoch else None,
        "trainLoss": train_loss,
        "tokenAccuracy": correct / total,
        "exactMatch": exact / len(test_items) if test_items else None,
        "pairs": len(items),
        "trainPairs": len(train_items),
        "testPairs": len(test_items),
        "sourceVocab": source_vocab.n_vocab,
        "targetVocab": target_vocab.n_vocab,
        "vocabNote": "sourceVocab/targetVocab are the course's counts (incl. <SOS>, <EOS>); "
                     "<PAD> is one more index appended at the end of each",
        "maxDecodeSteps": max_steps,
    }
    log(f"held-out token accuracy {result['tokenAccuracy'] * 100:.1f}%, "
        f"exact {result['exactMatch']}, median epoch {result['medianEpochSeconds']} s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
