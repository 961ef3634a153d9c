"""One rank of the multi-process DTensor tests (run by test_torch_dist.py, one process per
rank, gloo on CPU): every scenario initialises a sharded model or DTensor and compares the
gathered ``full_tensor()`` with the dense single-process init, bit for bit. Prints one
``OK <scenario>`` line per scenario passed; any mismatch raises (non-zero exit)."""

import os
import sys

import torch
import torch.distributed as dist
from torch import nn
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.fsdp import fully_shard
from torch.distributed.tensor import DTensor, Partial, Replicate, Shard, distribute_tensor
from torch.distributed.tensor.parallel import ColwiseParallel, RowwiseParallel, parallelize_module
from torch.distributed.tensor.placement_types import _StridedShard
from torch.nn.init import trunc_normal_  # imported by name, as model code does

import glorot.torch as gt

RANK = int(os.environ["RANK"])
WORLD = int(os.environ["WORLD_SIZE"])


class Block(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.w1 = nn.Linear(dim, hidden)
        self.w2 = nn.Linear(hidden, dim)

    def init_weights(self):
        trunc_normal_(self.w1.weight, std=0.02)  # a=-2, b=2: beyond glorot's normal range
        nn.init.zeros_(self.w1.bias)
        nn.init.trunc_normal_(self.w2.weight, std=0.02, a=-0.06, b=0.06)  # 3 std: inverse CDF
        self.w2.bias.data.normal_(mean=0.0, std=0.01)  # Hugging Face style, on .data
        nn.init.ones_(self.norm.weight)
        nn.init.zeros_(self.norm.bias)


class Tiny(nn.Module):
    """Uneven dimensions on purpose: 33 and 37 do not divide by 2 or 4."""

    def __init__(self, vocab=37, dim=33, hidden=66):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim, padding_idx=3)
        self.layers = nn.ModuleList([Block(dim, hidden) for _ in range(2)])
        self.norm = nn.RMSNorm(dim)
        self.out = nn.Linear(dim, vocab, bias=False)

    def init_weights(self):
        nn.init.normal_(self.tok.weight)
        # Hugging Face's padding row: on a sharded DTensor the index is a copy (keyed writes
        # the zero_ through to the shard that holds the row).
        self.tok.weight.data[self.tok.padding_idx].zero_()
        for layer in self.layers:
            layer.init_weights()
        nn.init.ones_(self.norm.weight)
        nn.init.kaiming_uniform_(self.out.weight, a=5 ** 0.5)


def dense(dtype, init):
    torch.manual_seed(1234)
    m = Tiny().to(dtype)
    init(m)
    return {n: p.detach().clone() for n, p in m.named_parameters()}


def bits(t):
    return t.view(torch.int16 if t.element_size() == 2 else torch.int32)


def same(got, want, what):
    full = got.full_tensor() if isinstance(got, DTensor) else got
    full = full.detach()
    if full.shape != want.shape or full.dtype != want.dtype or not torch.equal(bits(full), bits(want)):
        diff = (full.float() - want.float()).abs().max().item() if full.shape == want.shape else "shape"
        raise AssertionError(f"rank {RANK}: {what}: not bit-equal to the dense init (max |diff| {diff})")


def compare(model, want, what, expect_dtensor=True):
    n_dt = 0
    for name, p in model.named_parameters():
        n_dt += isinstance(p, DTensor)
        same(p, want[name], f"{what}: {name}")
    if expect_dtensor and n_dt == 0:
        raise AssertionError(f"{what}: no parameter is a DTensor: the scenario tests nothing")
    return n_dt


def with_init_module(m):
    gt.init_module_(m, 7)


def with_keyed(m):
    with gt.keyed(m, seed=8):
        m.init_weights()


def build(dtype, shard):
    with torch.device("meta"):
        m = Tiny().to(dtype)
    shard(m)
    m.to_empty(device="cpu")
    return m


def fsdp(mesh):
    def shard(m):
        for layer in m.layers:
            fully_shard(layer, mesh=mesh)
        fully_shard(m, mesh=mesh)

    return shard


def tp(mesh):
    def shard(m):
        for layer in m.layers:
            parallelize_module(layer, mesh, {"w1": ColwiseParallel(), "w2": RowwiseParallel()})

    return shard


def fsdp_tp(mesh2):
    def shard(m):
        tp(mesh2["tp"])(m)
        fsdp(mesh2["dp"])(m)

    return shard


def check_models(label, shard, dtypes=(torch.float32, torch.bfloat16)):
    for dtype in dtypes:
        for init in (with_init_module, with_keyed):
            m = build(dtype, shard)
            init(m)
            compare(m, dense(dtype, init), f"{label} {dtype} {init.__name__}")
            print(f"OK {label} {str(dtype)[6:]} {init.__name__}", flush=True)
    return m


def check_functions(mesh, label, placements_list):
    fns = [
        ("xavier_normal_", lambda t: gt.xavier_normal_(t, seed=3, stream=1)),
        ("kaiming_uniform_", lambda t: gt.kaiming_uniform_(t, a=0.1, mode="fan_out", seed=3, stream=2)),
        ("trunc_normal_2std", lambda t: gt.trunc_normal_(t, std=0.5, a=-1.0, b=1.0, seed=3)),
        ("trunc_normal_icdf", lambda t: gt.trunc_normal_(t, mean=0.1, std=0.5, a=-0.5, b=1.2, seed=3)),
        ("normal_", lambda t: gt.normal_(t, 0.5, 2.0, seed=3, stream=5)),
        ("uniform_", lambda t: gt.uniform_(t, -3.0, 1.0, seed=3, stream=6)),
    ]
    for shape in [(33, 17), (5, 66, 3)]:
        for placements in placements_list:
            for dtype in (torch.float32, torch.bfloat16):
                for fname, f in fns:
                    want = f(torch.empty(shape, dtype=dtype))
                    t = distribute_tensor(torch.zeros(shape, dtype=dtype), mesh, placements, src_data_rank=None)
                    f(t)
                    same(t, want, f"{label} {shape} {placements} {dtype} {fname}")
    print(f"OK {label} functions", flush=True)


def check_no_half_write(mesh):
    """init_module_ checks every parameter (a Partial one is an error) before it writes."""
    m = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 4))
    nn.init.constant_(m[0].weight, 7.0)
    m[1].weight = nn.Parameter(DTensor.from_local(torch.ones(4, 4), mesh, [Partial()]))
    try:
        gt.init_module_(m, 1)
    except ValueError as e:
        if "partial sum" not in str(e):
            raise
    else:
        raise AssertionError("init_module_ accepted a Partial parameter")
    if not torch.all(m[0].weight == 7.0):
        raise AssertionError("init_module_ wrote a parameter before raising")
    print("OK no half write", flush=True)


def main():
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=RANK, world_size=WORLD)
    mesh = init_device_mesh("cpu", (WORLD,))
    check_functions(mesh, "1d", [[Shard(0)], [Shard(1)], [Replicate()]])
    check_models("fsdp", fsdp(mesh))
    check_no_half_write(mesh)
    if WORLD >= 2:
        check_models("tp", tp(mesh))
    if WORLD == 4:
        mesh2 = init_device_mesh("cpu", (2, 2), mesh_dim_names=("dp", "tp"))
        check_functions(mesh2, "2d", [[Shard(0), Shard(1)], [Shard(1), Shard(0)], [_StridedShard(0, split_factor=2), Shard(0)], [Replicate(), Shard(0)]])
        m = check_models("fsdp_tp", fsdp_tp(mesh2))
        strided = [n for n, p in m.named_parameters() if isinstance(p, DTensor) and any(isinstance(q, _StridedShard) for q in p.placements)]
        if not strided:
            raise AssertionError("fsdp_tp: no _StridedShard placement: the scenario does not test it")
        print(f"OK fsdp_tp strided {len(strided)}", flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    try:
        main()
    except BaseException:
        import traceback

        traceback.print_exc()
        sys.stdout.flush()
        os._exit(1)
