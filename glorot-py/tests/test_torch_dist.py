"""glorot.torch on sharded models, several processes (torch.distributed, gloo, CPU): world
sizes 1, 2 and 4; FSDP2, tensor parallel, FSDP x TP on a 2 x 2 mesh; uneven dimensions;
float32 and bfloat16. One process group per world size runs every scenario of
torch_dist_worker.py; each compares full_tensor() with the dense init, bit for bit."""

import os
import socket
import subprocess
import sys

import pytest

pytest.importorskip("torch")
import torch.distributed as dist  # noqa: E402

if not dist.is_available():
    pytest.skip("torch built without torch.distributed", allow_module_level=True)

WORKER = os.path.join(os.path.dirname(__file__), "torch_dist_worker.py")

EXPECTED = {
    1: ["1d functions", "no half write"] + [f"fsdp {d} {i}" for d in ("float32", "bfloat16") for i in ("with_init_module", "with_keyed")],
}
EXPECTED[2] = EXPECTED[1] + [f"tp {d} {i}" for d in ("float32", "bfloat16") for i in ("with_init_module", "with_keyed")]
EXPECTED[4] = EXPECTED[2] + ["2d functions", "fsdp_tp strided"] + [
    f"fsdp_tp {d} {i}" for d in ("float32", "bfloat16") for i in ("with_init_module", "with_keyed")
]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("world", [1, 2, 4])
def test_sharded_init_equals_dense(world):
    port = _free_port()
    procs = []
    for rank in range(world):
        env = dict(os.environ, RANK=str(rank), WORLD_SIZE=str(world), MASTER_ADDR="127.0.0.1",
                   MASTER_PORT=str(port), OMP_NUM_THREADS="1")
        procs.append(subprocess.Popen([sys.executable, WORKER], env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True))
    outs = []
    for p in procs:
        try:
            out, _ = p.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            for q in procs:
                q.kill()
            raise
        outs.append((p.returncode, out))
    for rank, (code, out) in enumerate(outs):
        assert code == 0, f"rank {rank} of {world} failed:\n{out}"
        for scenario in EXPECTED[world]:
            assert f"OK {scenario}" in out, f"rank {rank} of {world}: {scenario!r} did not run:\n{out}"
