"""glorot.torch.init_module_ draws what PyTorch's reset_parameters() draws (two-sample KS
tests against torch's own draws, exact ones/zeros), and glorot.torch.keyed keys the
model's own init code (every keyed entry point, strictness, names, repeated draws)."""

import math
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

import glorot  # noqa: E402
import glorot.torch as gt  # noqa: E402

# Two-sample KS at alpha = 1e-6 per test (asymptotic critical value c(alpha) sqrt((n+m)/nm),
# c = sqrt(-ln(alpha/2)/2) = 2.69); ~60 comparisons below: false-failure probability
# < 1e-4 for independent seeds, and the seeds are fixed, so a pass stays a pass.
KS_C = math.sqrt(-math.log(1e-6 / 2) / 2)


def _ks(a, b, what):
    a = np.sort(np.asarray(a, np.float64).ravel())
    b = np.sort(np.asarray(b, np.float64).ravel())
    grid = np.concatenate([a, b])
    d = np.max(np.abs(np.searchsorted(a, grid, "right") / len(a) - np.searchsorted(b, grid, "right") / len(b)))
    crit = KS_C * math.sqrt((len(a) + len(b)) / (len(a) * len(b)))
    assert d < crit, f"{what}: KS statistic {d:.4f} >= {crit:.4f}"


def _torch_draws(make, reps):
    """torch's own reset_parameters() draws, ``reps`` models' worth, by parameter name."""
    out = {}
    for r in range(reps):
        torch.manual_seed(1000 + r)
        for n, p in make().named_parameters():
            out.setdefault(n, []).append(p.detach().numpy().ravel())
    return {n: np.concatenate(v) for n, v in out.items()}


def _glorot_draws(make, reps):
    out = {}
    for r in range(reps):
        for n, p in gt.init_module_(make(), 2000 + r).named_parameters():
            out.setdefault(n, []).append(p.detach().numpy().ravel())
    return {n: np.concatenate(v) for n, v in out.items()}


MODULES = [
    ("linear", lambda: nn.Linear(300, 200), 1),
    ("conv2d", lambda: nn.Conv2d(16, 32, 3), 2),
    ("conv1d_groups", lambda: nn.Conv1d(8, 16, 5, groups=4), 20),
    ("conv_transpose2d", lambda: nn.ConvTranspose2d(16, 8, 3), 4),
    ("conv3d", lambda: nn.Conv3d(4, 8, 3), 4),
    ("embedding", lambda: nn.Embedding(500, 64), 1),
    ("bilinear", lambda: nn.Bilinear(20, 30, 40), 2),
    ("mha", lambda: nn.MultiheadAttention(64, 4, add_bias_kv=True), 4),
    ("mha_kdim", lambda: nn.MultiheadAttention(64, 4, kdim=32, vdim=48), 4),
    ("lstm", lambda: nn.LSTM(32, 48, num_layers=2), 2),
    ("gru", lambda: nn.GRU(24, 40, bidirectional=True), 2),
    ("rnn_cell", lambda: nn.RNNCell(24, 40), 10),
]


@pytest.mark.parametrize("label,make,reps", MODULES, ids=[m[0] for m in MODULES])
def test_init_module_matches_torch_defaults(label, make, reps):
    want, got = _torch_draws(make, reps), _glorot_draws(make, reps)
    assert list(want) == list(got)
    for n in want:
        if np.all(want[n] == 0):  # PyTorch's zeros (MHA biases): exactly zeros
            assert np.all(got[n] == 0) and not np.any(np.signbit(got[n])), f"{label} {n}"
        else:
            _ks(got[n], want[n], f"{label} {n}")


def test_init_module_exact_constants():
    m = nn.Sequential(
        nn.LayerNorm(12), nn.RMSNorm(12), nn.GroupNorm(3, 12), nn.BatchNorm1d(12),
        nn.InstanceNorm2d(12, affine=True, track_running_stats=True), nn.Embedding(10, 12, padding_idx=4),
        nn.MultiheadAttention(12, 3), nn.PReLU(12, init=0.3),
    )
    with torch.no_grad():
        for p in m.parameters():
            p.fill_(7.0)
        for b in m.buffers():
            b.fill_(7)
    gt.init_module_(m, 5)
    p = dict(m.named_parameters())
    for n in ("0.weight", "1.weight", "2.weight", "3.weight", "4.weight"):
        assert torch.equal(p[n], torch.ones(12)), n
    for n in ("0.bias", "2.bias", "3.bias", "4.bias", "6.in_proj_bias", "6.out_proj.bias"):
        assert torch.equal(p[n], torch.zeros_like(p[n])), n
    assert torch.equal(p["7.weight"], torch.full((12,), 0.3))
    assert torch.equal(p["5.weight"][4], torch.zeros(12))
    assert p["5.weight"][[0, 1, 2, 3, 5]].abs().min() > 0
    for i in (3, 4):
        assert torch.equal(m[i].running_mean, torch.zeros(12)) and torch.equal(m[i].running_var, torch.ones(12))
        assert m[i].num_batches_tracked.item() == 0


def test_init_module_issue_example():
    """The issue's example: LayerNorm ones, Linear bias bound 1/sqrt(128), Embedding N(0, 1)."""
    m = gt.init_module_(nn.Sequential(nn.Linear(128, 64), nn.LayerNorm(64), nn.Embedding(1000, 64)), 1)
    assert torch.equal(m[1].weight, torch.ones(64)) and torch.equal(m[1].bias, torch.zeros(64))
    bound = 1 / math.sqrt(128)
    assert m[0].bias.abs().max() < bound and m[0].weight.abs().max() < bound
    assert m[0].bias.abs().max() > 0.9 * bound
    e = m[2].weight.detach().numpy().ravel()
    # 64000 N(0, 1) draws: std within 1 +- 6 * sqrt(1/(2n)) (~6 sigma, p < 1e-8).
    assert abs(e.std() - 1) < 6 * math.sqrt(1 / (2 * len(e)))


def test_init_module_streams_and_overrides():
    m = gt.init_module_(nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Linear(8, 10)), 123)
    w = m[2].weight.detach().numpy()
    want = glorot.kaiming_uniform(shape=(10, 8), seed=123, a=math.sqrt(5), stream=glorot.name_stream("2.weight"))
    np.testing.assert_array_equal(w.view(np.uint32), want.view(np.uint32))
    m2 = gt.init_module_(nn.Sequential(nn.Linear(8, 10)), 9, weight_init=gt.xavier_uniform_)
    want = glorot.xavier_uniform(shape=(10, 8), seed=9, stream=glorot.name_stream("0.weight"))
    np.testing.assert_array_equal(m2[0].weight.detach().numpy().view(np.uint32), want.view(np.uint32))


class Custom(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)
        self.scale = nn.Parameter(torch.empty(4))


def test_init_module_unknown_parameter_is_an_error():
    m = Custom()
    before = m.lin.weight.detach().clone()
    with pytest.raises(ValueError, match="'scale'"):
        gt.init_module_(m, 1)
    assert torch.equal(m.lin.weight, before)  # nothing written
    gt.init_module_(m, 1, bias_init=lambda t, seed, stream: gt.constant_(t, 2.0))
    assert torch.equal(m.scale, torch.full((4,), 2.0))
    with pytest.raises(ValueError, match="meta"):
        with torch.device("meta"):
            gt.init_module_(nn.Linear(3, 3), 1)


# --- keyed -----------------------------------------------------------------------------


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(30, 20)
        self.b = nn.Linear(20, 10)
        self.emb = nn.Embedding(50, 20)
        self.register_buffer("buf", torch.empty(7))


def _bits(t):
    return t.detach().numpy().view(np.uint32)


def _keyed_fill(init):
    m = Net()
    with gt.keyed(m, seed=4):
        init(m)
    return m


def test_keyed_every_entry_point():
    from torch.nn.init import kaiming_normal_, kaiming_uniform_, normal_, trunc_normal_, uniform_, xavier_normal_, xavier_uniform_

    s = lambda n: glorot.name_stream(n)  # noqa: E731
    # Functions torch runs in Python (xavier_*, kaiming_normal_) reach glorot as
    # uniform_/normal_ with the bound or std torch computed (its float64 formula).
    xu_bound = 2.0 * math.sqrt(6.0 / (30 + 20))
    xn_std = math.sqrt(2.0 / (30 + 20))
    kn_std = math.sqrt(2.0) / math.sqrt(20)  # fan_out of (20, 30); gain of leaky_relu(0)
    kn_in_std = math.sqrt(2.0) / math.sqrt(30)
    cases = [
        ("nn.init.xavier_uniform_", "a.weight", lambda m: nn.init.xavier_uniform_(m.a.weight, gain=2.0),
         glorot.random_uniform(shape=(20, 30), seed=4, minval=-xu_bound, maxval=xu_bound, stream=s("a.weight"))),
        ("xavier_uniform_", "a.weight", lambda m: xavier_uniform_(m.a.weight, gain=2.0), glorot.random_uniform(shape=(20, 30), seed=4, minval=-xu_bound, maxval=xu_bound, stream=s("a.weight"))),
        ("xavier_normal_", "a.weight", lambda m: xavier_normal_(m.a.weight), glorot.random_normal(shape=(20, 30), seed=4, stddev=xn_std, stream=s("a.weight"))),
        ("kaiming_uniform_", "a.weight", lambda m: kaiming_uniform_(m.a.weight, a=1.0), glorot.kaiming_uniform(shape=(20, 30), seed=4, a=1.0, stream=s("a.weight"))),
        ("kaiming_normal_", "a.weight", lambda m: kaiming_normal_(m.a.weight, mode="fan_out"), glorot.random_normal(shape=(20, 30), seed=4, stddev=kn_std, stream=s("a.weight"))),
        ("nn.init.kaiming_normal_", "a.weight", lambda m: nn.init.kaiming_normal_(m.a.weight), glorot.random_normal(shape=(20, 30), seed=4, stddev=kn_in_std, stream=s("a.weight"))),
        ("trunc_normal_", "a.weight", lambda m: trunc_normal_(m.a.weight, std=0.5, a=-1.0, b=1.0), glorot.trunc_normal(shape=(20, 30), seed=4, std=0.5, stream=s("a.weight"))),
        ("trunc_normal_ far", "a.weight", lambda m: trunc_normal_(m.a.weight, std=0.02), glorot.random_normal(shape=(20, 30), seed=4, stddev=0.02, stream=s("a.weight"))),
        ("normal_", "b.bias", lambda m: normal_(m.b.bias, 1.0, 3.0), glorot.random_normal(shape=(10,), seed=4, mean=1.0, stddev=3.0, stream=s("b.bias"))),
        ("uniform_", "b.bias", lambda m: uniform_(m.b.bias, -1.0, 2.0), glorot.random_uniform(shape=(10,), seed=4, minval=-1.0, maxval=2.0, stream=s("b.bias"))),
        ("Tensor.normal_ on .data", "emb.weight", lambda m: m.emb.weight.data.normal_(mean=0.0, std=0.02), glorot.random_normal(shape=(50, 20), seed=4, stddev=0.02, stream=s("emb.weight"))),
        ("Tensor.uniform_", "b.weight", lambda m: m.b.weight.uniform_(-0.5, 0.5), glorot.random_uniform(shape=(10, 20), seed=4, minval=-0.5, maxval=0.5, stream=s("b.weight"))),
        ("buffer", "buf", lambda m: m.buf.normal_(), glorot.random_normal(shape=(7,), seed=4, stddev=1.0, stream=s("buf"))),
    ]
    for what, name, init, want in cases:
        m = Net()
        with torch.no_grad(), gt.keyed(m, seed=4):
            init(m)
        got = dict(list(m.named_parameters()) + list(m.named_buffers()))[name]
        np.testing.assert_array_equal(_bits(got), want.view(np.uint32), err_msg=what)
    # after the block, torch's own functions are back
    assert nn.init._no_grad_uniform_.__module__ == "torch.nn.init"


def test_keyed_inverse_cdf_trunc_normal_matches_torch():
    """trunc_normal_ with a general cut (torchtitan's a = -3 std): KS against torch's."""
    p = nn.Linear(300, 200, bias=False)
    with gt.keyed(p, seed=1):
        nn.init.trunc_normal_(p.weight, mean=0.1, std=0.5, a=-1.4, b=0.9)
    got = p.weight.detach().numpy()
    assert got.min() >= -1.4 and got.max() <= 0.9
    torch.manual_seed(0)
    want = nn.init.trunc_normal_(torch.empty(200, 300), mean=0.1, std=0.5, a=-1.4, b=0.9)
    _ks(got, want.numpy(), "trunc_normal_ inverse CDF")
    for lo, hi in ((0.5, 2.0), (-1.0, -0.2), (2.5, 9.0)):  # tails, mirrored where lo > 0
        got = gt.trunc_normal_(torch.empty(20000), a=lo, b=hi, seed=2).numpy()
        assert got.min() >= lo and got.max() <= hi
        with warnings.catch_warnings():  # torch warns that mean 0 is far from [2.5, 9]
            warnings.simplefilter("ignore")
            want = nn.init.trunc_normal_(torch.empty(20000), a=lo, b=hi)
        _ks(got, want.numpy(), f"trunc_normal_ [{lo}, {hi}]")


def test_keyed_strict_and_passthrough():
    m = Net()
    with pytest.raises(gt.KeyedError, match="not a parameter or buffer"):
        with gt.keyed(m, seed=1):
            nn.init.normal_(torch.empty(3))
    with pytest.raises(gt.KeyedError, match="not a parameter or buffer"):
        with gt.keyed(m, seed=1):
            with torch.no_grad():
                m.a.weight[0].normal_()  # a slice is not the whole parameter
    with pytest.raises(gt.KeyedError, match="not a parameter or buffer"):
        with gt.keyed(m, seed=1):
            nn.init.orthogonal_(m.a.weight)  # draws a temporary, then copies: not keyed
    with pytest.raises(gt.KeyedError, match="randn"):
        with gt.keyed(m, seed=1):
            torch.randn(3)
    with gt.keyed(m, seed=1, strict=False):
        torch.manual_seed(3)
        t = nn.init.normal_(torch.empty(3))
        x = torch.randn(2)
    torch.manual_seed(3)
    assert torch.equal(t, torch.empty(3).normal_()) and x.shape == (2,)


def test_keyed_names_and_repeated_draws():
    from torch.distributed.algorithms._checkpoint.checkpoint_wrapper import checkpoint_wrapper

    plain = nn.Sequential(nn.Linear(6, 5), nn.Linear(5, 4))
    wrapped = nn.Sequential(checkpoint_wrapper(nn.Linear(6, 5)), nn.Linear(5, 4))
    wrapped[0].load_state_dict(plain[0].state_dict())
    assert "0._checkpoint_wrapped_module.weight" in dict(wrapped.named_parameters())
    assert gt.stream_name("_orig_mod.0._checkpoint_wrapped_module.weight") == "0.weight"
    for m in (plain, wrapped):
        with gt.keyed(m, seed=2):
            for p in m.parameters():
                nn.init.normal_(p)
    for (n1, p1), (n2, p2) in zip(plain.named_parameters(), wrapped.named_parameters()):
        assert torch.equal(p1, p2), (n1, n2)
    # drawing twice restarts the stream: the last draw wins, whatever came before
    once = nn.Linear(6, 5)
    twice = nn.Linear(6, 5)
    with gt.keyed(once, seed=2):
        nn.init.normal_(once.weight)
    with gt.keyed(twice, seed=2):
        nn.init.uniform_(twice.weight)
        nn.init.normal_(twice.weight)
    assert torch.equal(once.weight, twice.weight)
    with pytest.raises(ValueError, match="meta"):
        with torch.device("meta"):
            mm = nn.Linear(2, 2)
        with gt.keyed(mm, seed=1):
            pass


def test_stub_matches_module():
    import ast
    import os

    stub = os.path.join(os.path.dirname(gt.__file__), "torch.pyi")
    tree = ast.parse(open(stub).read())
    names = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    names |= {n.target.id for n in tree.body if isinstance(n, ast.AnnAssign)}
    assert names == set(gt.__all__)


def test_normal_max_abs_is_the_crates():
    """glorot.torch.NORMAL_MAX_ABS (which decides when trunc_normal_ is the plain normal)
    equals the crate's sample::NORMAL_MAX_ABS, read from the source when it is at hand."""
    import os
    import re

    src = os.path.join(os.path.dirname(__file__), "..", "..", "src", "sample.rs")
    if not os.path.exists(src):
        pytest.skip("the crate's source is not next to the tests")
    m = re.search(r"pub const NORMAL_MAX_ABS: f32 = ([0-9_.]+);", open(src).read())
    assert m is not None
    assert float(m.group(1).replace("_", "")) == gt.NORMAL_MAX_ABS
    # a cut at 9 std, beyond the bound, is the plain normal
    t = torch.empty(1000)
    far = gt.trunc_normal_(t.clone(), std=1.0, a=-9.0, b=9.0, seed=1)
    assert torch.equal(far, torch.from_numpy(glorot.random_normal(shape=(1000,), seed=1, stddev=1.0)))


# --- from an outside review: each of these failed before its fix ---------------------


def test_init_module_refuses_a_subclass_that_overrides_reset_parameters():
    class ZeroLinear(nn.Linear):
        def reset_parameters(self):
            nn.init.zeros_(self.weight)

    m = nn.Sequential(nn.Linear(3, 4), ZeroLinear(4, 2))
    before = [p.detach().clone() for p in m.parameters()]
    with pytest.raises(ValueError, match=r"'1\.weight'.*ZeroLinear.*overrides reset_parameters"):
        gt.init_module_(m, 1)
    assert all(torch.equal(a, p) for a, p in zip(before, m.parameters())), "written before the error"
    # weight_init/bias_init replace the rules (for every parameter), the subclass included
    gt.init_module_(m, 1, weight_init=gt.xavier_uniform_,
                    bias_init=lambda t, seed, stream: gt.uniform_(t, -0.1, 0.1, seed=seed, stream=stream))
    assert not torch.equal(before[2], m[1].weight)


def test_torch_argument_names_in_errors():
    t = torch.empty(4)
    with pytest.raises(ValueError, match="std must be >= 0"):
        gt.normal_(t, 0.0, -1.0, seed=1)
    with pytest.raises(ValueError, match="a must be <= b"):
        gt.uniform_(t, 1.0, 0.0, seed=1)
    m = nn.Linear(2, 2)
    with gt.keyed(m, seed=1), pytest.raises(ValueError, match="std must be >= 0"):
        m.weight.data.normal_(0.0, -1.0)


@pytest.mark.parametrize("seed", [torch.tensor(3.7), torch.tensor(True), np.float64(3.0), 3.0])
def test_seed_must_be_an_integer(seed):
    with pytest.raises(TypeError, match="seed must be an int"):
        gt.normal_(torch.empty(4), seed=seed)


def test_integer_tensor_seeds_are_accepted():
    a = gt.normal_(torch.empty(8), seed=torch.tensor(3))
    b = gt.normal_(torch.empty(8), seed=np.int64(3))
    assert torch.equal(a, gt.normal_(torch.empty(8), seed=3)) and torch.equal(a, b)


def test_keyed_does_not_reach_other_threads():
    import threading

    m = nn.Linear(2, 2)
    seen = {}

    def other():
        try:  # another thread's own tensor: torch's draw, not a KeyedError
            nn.init.normal_(torch.empty(4))
            nn.init.trunc_normal_(torch.empty(4))
            seen["ok"] = True
        except Exception as e:  # noqa: BLE001
            seen["error"] = e

    with gt.keyed(m, seed=1):
        th = threading.Thread(target=other)
        th.start()
        th.join()
    assert seen == {"ok": True}, seen
