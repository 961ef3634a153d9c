"""512 ranks simulated in one process: a 16 x 32 mesh (FSDP x TP placements as FSDP2 on
top of ColwiseParallel/RowwiseParallel makes them, uneven dimensions). Each rank's local
box comes from torch's own placement arithmetic (``_compute_local_shape_and_global_offset``),
is filled alone through a DTensor whose mesh reports that rank's coordinate (the "fake"
process group: no communication), and must equal the dense tensor split as
``distribute_tensor`` splits it (``Placement._split_tensor``, left to right), bit for bit.
The boxes of all ranks must cover every element exactly as often as Replicate says."""

import pytest

torch = pytest.importorskip("torch")
dist = pytest.importorskip("torch.distributed")
if not dist.is_available():
    pytest.skip("torch built without torch.distributed", allow_module_level=True)

from torch.distributed.device_mesh import init_device_mesh  # noqa: E402
from torch.distributed.tensor import DTensor, Replicate, Shard  # noqa: E402
from torch.distributed.tensor._utils import _compute_local_shape_and_global_offset  # noqa: E402
from torch.distributed.tensor.placement_types import _StridedShard  # noqa: E402

import glorot.torch as gt  # noqa: E402

MESH = (16, 32)  # (dp, tp): 512 ranks
CASES = [
    # (what, global shape, placements): FSDP x TP, dp = mesh dim 0, tp = mesh dim 1
    ("colwise weight", (1031, 67), [_StridedShard(0, split_factor=32), Shard(0)]),
    ("colwise bias", (1031,), [_StridedShard(0, split_factor=32), Shard(0)]),
    ("rowwise weight", (67, 1031), [Shard(0), Shard(1)]),
    ("norm weight", (67,), [Shard(0), Replicate()]),
    ("embedding", (515, 3, 7), [Shard(0), Shard(2)]),
]
FNS = [
    ("xavier_normal_", lambda t: gt.xavier_normal_(t, seed=11, stream=1) if t.dim() >= 2 else gt.normal_(t, seed=11, stream=1)),
    ("trunc_normal_icdf", lambda t: gt.trunc_normal_(t, std=0.02, a=-0.06, b=0.06, seed=11, stream=3)),
]


@pytest.fixture(scope="module")
def fake_mesh():
    from torch.testing._internal.distributed.fake_pg import FakeStore

    dist.init_process_group("fake", rank=0, world_size=MESH[0] * MESH[1], store=FakeStore())
    try:
        yield init_device_mesh("cpu", MESH, mesh_dim_names=("dp", "tp"))
    finally:
        dist.destroy_process_group()


def _split(dense, placements, coord):
    """Rank ``coord``'s shard as ``distribute_tensor(..., src_data_rank=None)`` cuts it."""
    local = dense
    for mesh_dim, p in enumerate(placements):
        if isinstance(p, (Shard, _StridedShard)):
            shards, _ = p._split_tensor(local, MESH[mesh_dim], with_padding=False)
            local = shards[coord[mesh_dim]]
    return local


def _bits(t):
    return t.view(torch.int16 if t.element_size() == 2 else torch.int32)


def test_512_ranks_fill_alone_equal_dense(fake_mesh, monkeypatch):
    coords = [(i, j) for i in range(MESH[0]) for j in range(MESH[1])]
    runs = [(f, torch.float32) for _, f in FNS] + [(FNS[0][1], torch.bfloat16)]
    for what, shape, placements in CASES:
        ids = torch.arange(torch.Size(shape).numel()).reshape(shape)
        dense = [fn(torch.empty(shape, dtype=dtype)).reshape(-1) for fn, dtype in runs]
        held = []
        for coord in coords:
            local_shape, _ = _compute_local_shape_and_global_offset(shape, MESH, list(coord), placements)
            sid = _split(ids, placements, coord)  # global indices of rank coord's elements
            assert tuple(sid.shape) == tuple(local_shape), (what, coord)
            held.append(sid.reshape(-1))
            monkeypatch.setattr(fake_mesh, "get_coordinate", lambda c=coord: list(c))
            for (fn, dtype), d in zip(runs, dense):
                local = torch.full(local_shape, float("nan"), dtype=dtype)
                t = DTensor.from_local(local, fake_mesh, placements, run_check=False, shape=shape,
                                       stride=ids.stride())
                fn(t)
                assert torch.equal(_bits(local), _bits(d[sid])), f"{what} {dtype} rank {coord}"
        # Replicate on the tp dimension: each element held by MESH[1] ranks, else by one.
        copies = MESH[1] if isinstance(placements[1], Replicate) else 1
        count = torch.bincount(torch.cat(held), minlength=ids.numel())
        assert torch.all(count == copies), what


def test_local_indices_errors():
    from torch.distributed.tensor.placement_types import Partial

    with pytest.raises(ValueError, match="partial"):
        gt.local_indices((4, 4), (2,), (0,), [Partial()])
    with pytest.raises(ValueError, match="one entry per mesh dimension"):
        gt.local_indices((4, 4), (2, 2), (0,), [Shard(0), Shard(1)])
