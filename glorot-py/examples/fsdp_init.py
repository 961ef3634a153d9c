"""A Llama-style model built on the meta device, sharded with FSDP2, initialised by its own
``init_weights()`` (torchtitan style, ``nn.init.trunc_normal_``), for world sizes 1, 2 and 4
(gloo, CPU). For each parameter it prints the max |difference| of the gathered weights from
the dense single-process init: with torch's generator, and under ``glorot.torch.keyed``.

    python glorot-py/examples/fsdp_init.py                 # the table, world sizes 1, 2, 4
    python glorot-py/examples/fsdp_init.py --bench         # speed and memory, 2 ranks, 1.06 B parameters

``--bench`` builds a 1.06 B-parameter model of the same shape on 2 ranks (meta -> CPU,
``fully_shard``) and times, on the same ranks in the same run, ``keyed`` over
``init_weights()`` and then torch's own ``init_weights()``; it prints parameters per second
per rank and each rank's peak memory above its shards (the storage is touched before
either timing, so neither pays the first-touch page faults). Each rank runs with
``torch.set_num_threads(1)`` (and glorot's fills on one thread) so two ranks do not
oversubscribe two cores; set ``--threads`` for more.
"""

import argparse
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import warnings

import torch
import torch.distributed as dist
from torch import nn
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.fsdp import fully_shard
from torch.distributed.tensor import DTensor

import glorot.torch as gt


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.wq = nn.Linear(dim, dim, bias=False)
        self.wk = nn.Linear(dim, dim, bias=False)
        self.wv = nn.Linear(dim, dim, bias=False)
        self.wo = nn.Linear(dim, dim, bias=False)

    def forward(self, x):
        b, s, d = x.shape
        q, k, v = (w(x).view(b, s, self.heads, -1).transpose(1, 2) for w in (self.wq, self.wk, self.wv))
        y = nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.wo(y.transpose(1, 2).reshape(b, s, d))

    def init_weights(self, init_std):
        for w in (self.wq, self.wk, self.wv):
            nn.init.trunc_normal_(w.weight, mean=0.0, std=0.02)
        nn.init.trunc_normal_(self.wo.weight, mean=0.0, std=init_std)


class FeedForward(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(hidden, dim, bias=False)
        self.w3 = nn.Linear(dim, hidden, bias=False)

    def forward(self, x):
        return self.w2(nn.functional.silu(self.w1(x)) * self.w3(x))

    def init_weights(self, init_std):
        nn.init.trunc_normal_(self.w1.weight, mean=0.0, std=0.02)
        for w in (self.w2, self.w3):
            nn.init.trunc_normal_(w.weight, mean=0.0, std=init_std)


class Block(nn.Module):
    def __init__(self, dim, heads, hidden, layer_id):
        super().__init__()
        self.attention_norm = nn.RMSNorm(dim)
        self.attention = Attention(dim, heads)
        self.ffn_norm = nn.RMSNorm(dim)
        self.feed_forward = FeedForward(dim, hidden)
        self.init_std = 0.02 / (2 * (layer_id + 1)) ** 0.5  # torchtitan's depth-scaled std

    def forward(self, x):
        x = x + self.attention(self.attention_norm(x))
        return x + self.feed_forward(self.ffn_norm(x))

    def init_weights(self):
        for norm in (self.attention_norm, self.ffn_norm):
            nn.init.ones_(norm.weight)
        self.attention.init_weights(self.init_std)
        self.feed_forward.init_weights(self.init_std)


class Llama(nn.Module):
    def __init__(self, vocab=101, dim=64, heads=4, hidden=172, layers=2):
        super().__init__()
        self.tok_embeddings = nn.Embedding(vocab, dim)
        self.layers = nn.ModuleList([Block(dim, heads, hidden, i) for i in range(layers)])
        self.norm = nn.RMSNorm(dim)
        self.output = nn.Linear(dim, vocab, bias=False)

    def forward(self, tokens):
        x = self.tok_embeddings(tokens)
        for layer in self.layers:
            x = layer(x)
        return self.output(self.norm(x))

    def init_weights(self):
        nn.init.normal_(self.tok_embeddings.weight)
        for layer in self.layers:
            layer.init_weights()
        nn.init.ones_(self.norm.weight)
        std = self.output.in_features ** -0.5
        nn.init.trunc_normal_(self.output.weight, mean=0.0, std=std, a=-3 * std, b=3 * std)


SMALL = dict(vocab=101, dim=64, heads=4, hidden=172, layers=2)
BIG = dict(vocab=32000, dim=2048, heads=16, hidden=5632, layers=18)  # 1.06 B parameters


def build(config, world):
    """The model on meta, sharded with FSDP2 over ``world`` ranks (none if 0), then given
    (uninitialised) CPU storage."""
    with torch.device("meta"):
        model = Llama(**config)
    if world:
        mesh = init_device_mesh("cpu", (world,))
        for layer in model.layers:
            fully_shard(layer, mesh=mesh)
        fully_shard(model, mesh=mesh)
    return model.to_empty(device="cpu")


def torch_init(model):
    torch.manual_seed(0)
    model.init_weights()


def glorot_init(model):
    with gt.keyed(model, seed=0):
        model.init_weights()


def gathered(model):
    return {n: (p.full_tensor() if isinstance(p, DTensor) else p).detach().clone() for n, p in model.named_parameters()}


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def rank_main(args):
    # torch's own init on a CPU mesh warns that DTensor random ops are incomplete there.
    warnings.filterwarnings("ignore", message="DTensor random operators")
    rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    torch.set_num_threads(args.threads)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    if args.bench:
        model = build(BIG, world)
        local = sum(p.to_local().numel() for p in model.parameters())
        shard_bytes = sum(p.to_local().numel() * p.element_size() for p in model.parameters())
        # to_empty's storage is not yet in memory: touch it first, so that neither timing
        # pays the first-touch page faults and the memory figure is glorot's own scratch.
        with torch.no_grad():
            for p in model.parameters():
                p.to_local().zero_()
        base = rss_bytes()
        dist.barrier()  # both ranks start each timing together
        t0 = time.perf_counter()
        glorot_init(model)
        t_glorot = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        dist.barrier()
        t0 = time.perf_counter()
        torch_init(model)
        t_torch = time.perf_counter() - t0
        total = sum(p.numel() for p in model.parameters())
        print(f"rank {rank}: {total / 1e9:.3f} B parameters, {local / 1e6:.1f} M on this rank; "
              f"glorot keyed {t_glorot:.2f} s ({local / t_glorot / 1e6:.0f} M/s), "
              f"torch {t_torch:.2f} s ({local / t_torch / 1e6:.0f} M/s), {t_torch / t_glorot:.1f}x; "
              f"shards {shard_bytes / 2**20:.0f} MiB, peak memory during glorot's init "
              f"{(peak - base) / 2**20:.0f} MiB above the shards", flush=True)
    else:
        out = {}
        for label, init in (("torch", torch_init), ("glorot", glorot_init)):
            model = build(SMALL, world)
            init(model)
            out[label] = gathered(model)
        if rank == 0:
            torch.save(out, args.out)
    # Every rank done with gloo before any tears its group down: a rank destroying its
    # group while a peer still talks to it was seen to abort ("terminate called without an
    # active exception", world size 4). tests/torch_dist_worker.py does the same.
    dist.barrier()
    dist.destroy_process_group()


def launch(world, extra):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    procs = []
    for rank in range(world):
        env = dict(os.environ, RANK=str(rank), WORLD_SIZE=str(world), MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
        procs.append(subprocess.Popen([sys.executable, __file__, "--rank-process", *extra], env=env))
    if any(p.wait() != 0 for p in procs):
        sys.exit(f"a rank of world size {world} failed")


def table(worlds):
    dense = {}
    for label, init in (("torch", torch_init), ("glorot", glorot_init)):
        model = build(SMALL, 0)
        init(model)
        dense[label] = gathered(model)
    diffs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for w in worlds:
            path = os.path.join(tmp, f"w{w}.pt")
            launch(w, ["--out", path])
            diffs[w] = torch.load(path)
    names = list(dense["torch"])
    head = "parameter".ljust(38) + "".join(f"torch w={w}".rjust(12) for w in worlds) + "".join(f"glorot w={w}".rjust(12) for w in worlds)
    print(head)
    print("-" * len(head))
    for n in names:
        row = n.ljust(38)
        for label in ("torch", "glorot"):
            for w in worlds:
                d = (diffs[w][label][n] - dense[label][n]).abs().max().item()
                row += (f"{d:.3g}" if d else "0").rjust(12)
        print(row)
    worst = max((diffs[w]["glorot"][n] - dense["glorot"][n]).abs().max().item() for w in worlds for n in names)
    print(f"\nglorot: max |difference| over all parameters and world sizes = {worst}")
    return worst


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", action="store_true", help="speed and memory on 2 ranks, 1.06 B parameters")
    ap.add_argument("--worlds", default="1,2,4", help="world sizes for the table")
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads per rank")
    ap.add_argument("--rank-process", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rank_process:
        return rank_main(args)
    if args.bench:
        return launch(2, ["--bench", "--threads", str(args.threads)])
    worst = table([int(w) for w in args.worlds.split(",")])
    if worst != 0:
        sys.exit("glorot's sharded init differs from the dense one")


if __name__ == "__main__":
    main()
