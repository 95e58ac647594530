"""The default bank's content: coverage counts, and every number recomputed independently.

Each numeric and vector question's reference answer (the bank's ``value`` expression) is
evaluated for several seeds and compared with a computation written here in numpy/math,
often by a different route (finite differences, simulation, numerical integration, bit
manipulation) so that a wrong formula in the bank cannot agree with itself.
"""

from __future__ import annotations

import ast
import math
import operator
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from quizzer.bank.loader import load_bank
from quizzer.bank.params import draw, placeholders

BANK_DIR = Path(__file__).resolve().parent.parent / "question_bank"
SEEDS = range(8)

TOPICS = [
    "Q25 cross-entropy",
    "Perplexity",
    "Q26 embedding gradients",
    "Q27 Jacobian",
    "Q28 eigenvalues",
    "Q29 KL divergence",
    "Q30 ReLU & activations",
    "Q31 chain rule",
    "AdamW",
    "bf16 mixed precision",
]


@pytest.fixture(scope="module")
def bank():
    b = load_bank([BANK_DIR])
    assert not b.errors, "\n".join(str(e) for e in b.errors)
    return b


# --- evaluating the bank's reference expressions --------------------------------------------
#
# The checker's ``reference_value`` is the real evaluator; until it exists this test uses a
# small whitelisted ``ast`` evaluator over the same answer language (bank text only).

_FUNCS: dict[str, Callable[..., float]] = {
    "ln": math.log,
    "log": math.log,
    "log2": math.log2,
    "log10": math.log10,
    "exp": math.exp,
    "sqrt": math.sqrt,
    "tanh": math.tanh,
    "erf": math.erf,
    "abs": abs,
    "max": max,
    "min": min,
    "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)),
    "Phi": lambda x: 0.5 * (1.0 + math.erf(x / math.sqrt(2.0))),
}
_BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.BitXor: operator.pow,  # '^' is power in the answer language
}
_CMP = {ast.Gt: operator.gt, ast.Lt: operator.lt, ast.GtE: operator.ge, ast.LtE: operator.le}


def _eval_node(node: ast.AST, env: dict[str, float]) -> float:
    if isinstance(node, ast.Expression):
        return _eval_node(node.body, env)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id in env:
            return float(env[node.id])
        if node.id == "pi":
            return math.pi
        if node.id == "e":
            return math.e
        raise KeyError(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        v = _eval_node(node.operand, env)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        return _BINOPS[type(node.op)](_eval_node(node.left, env), _eval_node(node.right, env))
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _CMP:
        a, b = _eval_node(node.left, env), _eval_node(node.comparators[0], env)
        return float(_CMP[type(node.ops[0])](a, b))
    if isinstance(node, ast.IfExp):
        cond = _eval_node(node.test, env)
        return _eval_node(node.body if cond else node.orelse, env)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS:
        return float(_FUNCS[node.func.id](*(_eval_node(a, env) for a in node.args)))
    raise ValueError(f"unsupported syntax: {ast.dump(node)}")


def _local_eval(text: str, params: dict[str, float]) -> float:
    return _eval_node(ast.parse(text.replace("^", "**"), mode="eval"), params)


def reference(question, params: dict[str, float]) -> float | list[float]:
    """The bank's reference answer for ``params``, as the app would compute it."""
    try:
        from quizzer.check import reference_value
    except ImportError:
        reference_value = None
    if reference_value is not None:
        return reference_value(question.answer, params)
    spec = question.answer
    if spec.kind == "vector":
        return [_local_eval(v, params) for v in spec.value]
    return _local_eval(spec.value, params)


# --- independent computations ---------------------------------------------------------------


def _softmax(z) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    w = np.exp(z - z.max())
    return w / w.sum()


def _ce_logits(z, target: int) -> float:
    return float(-np.log(_softmax(z)[target]))


def _num_grad(f: Callable[[np.ndarray], float], x, h: float = 1e-6) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for i in range(x.size):
        d = np.zeros_like(x)
        d.flat[i] = h
        g.flat[i] = (f(x + d) - f(x - d)) / (2 * h)
    return g


def _d(f: Callable[[float], float], x: float, h: float = 1e-6) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


def _kl(p, q) -> float:
    p, q = np.asarray(p, float), np.asarray(q, float)
    return float(np.sum(p * (np.log(p) - np.log(q))))


def _entropy(p) -> float:
    p = np.asarray(p, float)
    return float(-np.sum(p * np.log(p)))


def _to_bf16(x: float) -> float:
    """Round a float to the nearest bfloat16 (ties to even), via the fp32 bit pattern."""
    bits = np.array([x], dtype=np.float32).view(np.uint32)[0].astype(np.uint64)
    lsb = (bits >> 16) & 1
    rounded = ((bits + 0x7FFF + lsb) >> 16) << 16
    return float(np.array([rounded], dtype=np.uint32).view(np.float32)[0])


def _bf16_next_after(x: float) -> float:
    bits = np.array([_to_bf16(x)], dtype=np.float32).view(np.uint32)[0]
    return float(np.array([bits + (1 << 16)], dtype=np.uint32).view(np.float32)[0])


def _eig_desc(m) -> list[float]:
    return sorted(np.linalg.eigvals(np.asarray(m, float)).real.tolist(), reverse=True)


def _gauss_kl_numeric(mu: float, s: float) -> float:
    """KL(N(mu, s^2) || N(0, 1)) by numerical integration."""
    z = np.linspace(mu - 12 * s, mu + 12 * s, 200001)
    logq = -0.5 * ((z - mu) / s) ** 2 - np.log(s * np.sqrt(2 * np.pi))
    logp = -0.5 * z**2 - 0.5 * np.log(2 * np.pi)
    return float(np.trapezoid(np.exp(logq) * (logq - logp), z))


def _adamw_first_delta(theta, g, lr, wd, b1=0.9, b2=0.999, eps=1e-8) -> float:
    # torch.optim.AdamW: decay first (theta *= 1 - lr*wd), then the bias-corrected Adam step.
    m = (1 - b1) * g
    v = (1 - b2) * g * g
    mhat, vhat = m / (1 - b1), v / (1 - b2)
    new = theta * (1 - lr * wd) - lr * mhat / (math.sqrt(vhat) + eps)
    return new - theta


def _bias_factor(b: float, t: int) -> float:
    m = 0.0
    for _ in range(int(t)):
        m = b * m + (1 - b) * 1.0  # constant gradient 1: the corrected moment must be 1
    return 1.0 / m


def _phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def _jacobian_of_linear(p: dict[str, float]) -> np.ndarray:
    m, n = int(p["m"]), int(p["n"])
    w = np.random.default_rng(0).normal(size=(m, n))
    jac = np.stack([_num_grad(lambda x, i=i: float((w @ x)[i]), np.ones(n)) for i in range(m)])
    assert np.allclose(jac, w, atol=1e-6)
    return jac


def _fp_layout(dtype) -> list[float]:
    fi = np.finfo(dtype)
    return [1.0, float(fi.nexp), float(fi.nmant)]


def _smoothed(eps: float, k: int) -> np.ndarray:
    """The label-smoothed target for class 0: (1 − eps)·one-hot + eps/k."""
    target = np.full(k, eps / k)
    target[0] += 1 - eps
    return target


def _min_cross_entropy(target: np.ndarray) -> float:
    """min over predictions Q of H(target, Q): H(target, target), checked against nearby Q."""
    best = float(-np.sum(target * np.log(target)))
    rng = np.random.default_rng(0)
    for _ in range(20):
        q = _softmax(np.log(target) + rng.normal(scale=0.2, size=target.size))
        assert float(-np.sum(target * np.log(q))) >= best - 1e-12
    return best


def _gradscaler(infs: int, clean: int) -> list[float]:
    """torch.amp.GradScaler's documented state machine with its defaults: [scale, steps]."""
    scale, tracker, steps = 65536.0, 0, 0
    for overflow in [True] * infs + [False] * clean:
        if overflow:
            scale, tracker = scale * 0.5, 0  # step skipped, scale backs off
        else:
            steps, tracker = steps + 1, tracker + 1
            if tracker == 2000:
                scale, tracker = scale * 2.0, 0
    return [scale, float(steps)]


def _fp16_scale_for_normal(e: float) -> float:
    k = 0
    while np.float16(2.0 ** (k - e)) < np.finfo(np.float16).smallest_normal:
        k += 1
    return float(k)


def _tied_output_grad(s: float, h: float) -> float:
    """d CE / d E[v, 0] with logits z = E·h, target t = 0, E[v] set so softmax gives v prob s."""
    hidden = np.array([h, 1.0])

    def loss(row_v: np.ndarray) -> float:
        table = np.stack([np.zeros(2), row_v])
        return _ce_logits(table @ hidden, 0)

    row = np.array([0.0, math.log(s / (1 - s))])
    assert math.isclose(float(_softmax(np.stack([np.zeros(2), row]) @ hidden)[1]), s)
    return float(_num_grad(loss, row)[0])


def _power_iteration_ratio(l1: float, l2: float, k: int) -> float:
    x = np.array([1.0, 1.0])
    a = np.diag([l1, l2])
    for _ in range(k):
        x = a @ x
        x /= np.linalg.norm(x)
    return float(abs(x[1] / x[0]))


def _gauss_kl(m1: float, s1: float, m2: float, s2: float) -> float:
    """KL(N(m1, s1²) ‖ N(m2, s2²)) by numerical integration."""
    z = np.linspace(m1 - 12 * s1, m1 + 12 * s1, 200001)
    logp = -0.5 * ((z - m1) / s1) ** 2 - np.log(s1 * np.sqrt(2 * np.pi))
    logq = -0.5 * ((z - m2) / s2) ** 2 - np.log(s2 * np.sqrt(2 * np.pi))
    return float(np.trapezoid(np.exp(logp) * (logp - logq), z))


def _normal_mass_below_zero(mu: float, s: float) -> float:
    z = np.linspace(mu - 12 * s, 0.0, 400001)
    pdf = np.exp(-0.5 * ((z - mu) / s) ** 2) / (s * np.sqrt(2 * np.pi))
    return float(np.trapezoid(pdf, z))


def _clip_by_norm(g: list[float], max_norm: float) -> np.ndarray:
    """torch.nn.utils.clip_grad_norm_'s rule: scale by max_norm/(norm + 1e-6), at most 1."""
    grad = np.asarray(g, dtype=float)
    coef = min(1.0, max_norm / (float(np.sqrt(np.sum(grad**2))) + 1e-6))
    return grad * coef


def _residual_chain_derivative(depth: int, w: float) -> float:
    def run(y: float) -> float:
        for _ in range(depth):
            y = y + w * y
        return y

    return _d(run, 1.0)


INDEPENDENT: dict[str, Callable[[dict[str, float]], float | list[float]]] = {
    # Q25
    "q25.ce.numeric": lambda p: _ce_logits(np.log([p["p"], 1 - p["p"]]), 0),
    "q25.ce.batch-mean": lambda p: float(
        np.mean([-np.log(p["a"]), -np.log(p["b"]), -np.log(p["c"])])
    ),
    "q25.ce.soft-target": lambda p: float(
        -np.dot([p["t"], 1 - p["t"]], np.log([p["q"], 1 - p["q"]]))
    ),
    "q25.ce.grad-logit-correct": lambda p: float(
        _num_grad(lambda z: _ce_logits(z, 0), np.log([p["q"], 1 - p["q"]]))[0]
    ),
    "q25.ce.grad-logits": lambda p: _num_grad(
        lambda z: _ce_logits(z, 0), [p["a"], p["b"], p["c"]]
    ).tolist(),
    # Perplexity
    "ppl.from-loss": lambda p: float(np.exp(p["L"])),
    "ppl.to-loss": lambda p: float(np.log(p["P"])),
    "ppl.uniform": lambda p: float(np.exp(-np.mean(np.log(np.full(7, 1 / p["V"]))))),
    "ppl.uniform-loss": lambda p: float(-np.log(1 / p["V"])),
    "ppl.base2": lambda p: float(np.exp(p["B"] * np.log(2))),
    "ppl.nats-to-bits": lambda p: float(p["L"] * np.log2(np.e)),
    "ppl.sequence": lambda p: float(np.exp(-np.mean(np.log([p["a"], p["b"], p["c"]])))),
    "ppl.loss-drop": lambda p: float(np.exp(p["L"] - p["d"]) / np.exp(p["L"])),
    # Q26
    "q26.emb.rows-nonzero": lambda p: float(len(np.unique(np.arange(int(p["n"])) % int(p["k"])))),
    "q26.emb.repeated-token": lambda p: (
        np.eye(10)[[7, 7]].T @ np.array([[p["a"], p["b"]], [p["c"], p["d"]]])
    )[7].tolist(),
    "q26.emb.tied-params-saved": lambda p: float(2 * p["V"] * p["d"] - p["V"] * p["d"]),
    "q26.emb.grad-memory": lambda p: float(
        np.dtype(np.float32).itemsize * p["V"] * p["d"] / (1024 * 1024)
    ),
    # Q27
    "q27.jac.shape-linear": lambda p: [float(s) for s in _jacobian_of_linear(p).shape],
    "q27.jac.weight-jacobian-size": lambda p: float(p["m"] * (p["m"] * p["n"])),
    "q27.jac.softmax-diag": lambda p: float(
        _num_grad(lambda z: _softmax(z)[0], np.log([p["s"], 1 - p["s"]]))[0]
    ),
    "q27.jac.softmax-offdiag": lambda p: float(
        _num_grad(lambda z: _softmax(z)[0], np.log([p["a"], p["b"], 1 - p["a"] - p["b"]]))[1]
    ),
    "q27.jac.sigmoid-2class": lambda p: (
        np.stack(
            [
                _num_grad(lambda z, i=i: _softmax(z)[i], np.log([p["p"], 1 - p["p"]]))
                for i in range(2)
            ]
        )
        .ravel()
        .tolist()
    ),
    "q27.jac.softmax-vjp": lambda p: _num_grad(
        lambda z: float(np.dot([p["a"], p["b"], p["c"]], _softmax(z))),
        np.log([p["p"], p["q"], 1 - p["p"] - p["q"]]),
    ).tolist(),
    "q27.jac.elementwise-size": lambda p: [
        float(int(p["B"] * p["T"] * p["d"]) ** 2),
        float(int(p["B"] * p["T"] * p["d"])),
    ],
    # Q28
    "q28.eig.2x2-symmetric": lambda p: _eig_desc([[p["a"], p["b"]], [p["b"], p["d"]]]),
    "q28.eig.2x2-general": lambda p: _eig_desc([[p["a"], p["b"]], [p["c"], p["d"]]]),
    "q28.eig.det-product": lambda p: float(
        np.prod(np.linalg.eigvals([[p["a"], p["b"]], [p["c"], p["d"]]])).real
    ),
    "q28.pca.explained-variance": lambda p: float(
        np.linalg.eigvalsh(np.diag([p["a"], p["b"], p["c"]])).max()
        / np.trace(np.diag([p["a"], p["b"], p["c"]]))
    ),
    "q28.pca.cov-2x2": lambda p: float(
        np.linalg.eigvalsh([[p["a"], p["b"]], [p["b"], p["d"]]]).max() / (p["a"] + p["d"])
    ),
    "q28.eig.condition-number": lambda p: float(
        np.linalg.cond([[p["a"], p["b"]], [p["b"], p["d"]]])
    ),
    "q28.eig.gd-max-lr": lambda p: float(2 / np.linalg.eigvalsh(np.diag([p["L"], 1e-3])).max()),
    # Q29
    "q29.kl.bernoulli": lambda p: _kl([p["p"], 1 - p["p"]], [p["q"], 1 - p["q"]]),
    "q29.kl.reverse": lambda p: _kl([p["q"], 1 - p["q"]], [p["p"], 1 - p["p"]]),
    "q29.kl.vs-uniform": lambda p: _kl([p["a"], p["b"], 1 - p["a"] - p["b"]], np.full(3, 1 / 3)),
    "q29.kl.ce-decomposition": lambda p: float(p["c"] - p["h"]),
    "q29.kl.rlhf-penalty": lambda p: float(p["r"] - p["beta"] * p["l"]),
    "q29.kl.vae": lambda p: _gauss_kl_numeric(p["mu"], p["s"]),
    # Q30
    "q30.relu.grad-at-point": lambda p: float(np.maximum(p["x"], 0) > 0),
    "q30.leaky.value": lambda p: _d(lambda x: x if x > 0 else p["a"] * x, p["x"]),
    "q30.gelu.exact": lambda p: p["x"] * _phi(p["x"]),
    "q30.silu.value": lambda p: float(p["x"] / (1 + np.exp(-p["x"]))),
    "q30.sigmoid.vanishing": lambda p: float(
        max(_d(lambda x: 1 / (1 + math.exp(-x)), x) for x in np.linspace(-3, 3, 601)) ** p["n"]
    ),
    # Q31
    "q31.chain.squared-error": lambda p: _d(lambda w: (w * p["x"] - p["y"]) ** 2, p["w"]),
    "q31.chain.two-paths": lambda p: _d(lambda t: (t * t) * (3 * t), p["t"]),
    "q31.backprop.dlogits": lambda p: _num_grad(
        lambda z: _ce_logits(z, 1), np.log([p["p"], p["q"], 1 - p["p"] - p["q"]])
    ).tolist(),
    "q31.backprop.dw2-entry": lambda p: float(np.outer([p["g"]], [p["a"]])[0, 0]),
    "q31.backprop.relu-mask": lambda p: _num_grad(
        lambda h: float(np.dot([p["g"], p["k"], p["m"]], np.maximum(h, 0))),
        [p["u"], p["v"], p["w"]],
    ).tolist(),
    "q31.backprop.shapes": lambda p: [
        float(s) for s in np.outer(np.zeros(int(p["k"])), np.zeros(int(p["n"]))).shape
    ],
    "q31.backprop.residual": lambda p: _d(lambda x: x + p["w"] * math.tanh(x), p["x"]),
    "q31.backprop.checkpointing": lambda p: float(
        min(p["n"] / k + k for k in range(1, int(p["n"]) + 1))
    ),
    # AdamW
    "adamw.first-step": lambda p: _adamw_first_delta(p["theta"], p["g"], p["lr"], p["wd"]),
    "adamw.decay-over-steps": lambda p: float(np.prod(np.full(int(p["n"]), 1 - p["lr"] * p["wd"]))),
    "adamw.bias-correction": lambda p: _bias_factor(p["b"], p["t"]),
    "adamw.sgd-equivalence": lambda p: float(np.linalg.solve([[p["lr"]]], [p["d"]])[0]),
    # bf16
    "bf16.layout": lambda p: [1.0, float(_fp_layout(np.float32)[1]), float(16 - 1 - 8)],
    "bf16.fp16-layout": lambda p: _fp_layout(np.float16),
    "bf16.fp32-layout": lambda p: _fp_layout(np.float32),
    "bf16.epsilon": lambda p: _bf16_next_after(1.0) - 1.0,
    "bf16.eps-by-fraction-bits": lambda p: {
        7: _bf16_next_after(1.0) - 1.0,
        10: float(np.finfo(np.float16).eps),
        23: float(np.finfo(np.float32).eps),
        52: float(np.finfo(np.float64).eps),
    }[int(p["k"])],
    "bf16.next-after": lambda p: _bf16_next_after(p["x"]),
    "bf16.swamping": lambda p: _to_bf16(_to_bf16(p["w"]) + p["u"]),
    "bf16.fp16-max": lambda p: float(np.finfo(np.float16).max),
    "bf16.state-bytes": lambda p: p["N"] * 1e9 * (2 + 2 + 4 + 4 + 4) / 1e9,
    # --- bank v2: new questions -------------------------------------------------------------
    "q25.ce.logsumexp": lambda p: float(np.logaddexp.reduce([p["a"], p["b"], p["c"]])),
    "q25.ce.label-smoothing-target": lambda p: float(_smoothed(p["eps"], int(p["K"]))[0]),
    "q25.ce.label-smoothing-min-loss": lambda p: _min_cross_entropy(
        _smoothed(p["eps"], int(p["K"]))
    ),
    "q25.ce.temperature": lambda p: float(_softmax(np.array([p["a"], p["b"]]) / p["T"])[0]),
    "ppl.corpus-weighted": lambda p: float(
        np.exp(
            np.mean(np.concatenate([np.full(int(p["n"]), p["la"]), np.full(int(p["m"]), p["lb"])]))
        )
    ),
    "ppl.bits-per-byte": lambda p: float(1000 * p["L"] * np.log2(np.e) / (1000 * p["r"])),
    "ppl.mixed-confidence": lambda p: float(
        np.exp(
            -np.mean(
                np.log([p["p"]] * round(1000 * p["f"]) + [p["q"]] * round(1000 * (1 - p["f"])))
            )
        )
    ),
    "ppl.branching-factor": lambda p: float(np.exp(-np.mean(np.log(np.full(50, 1 / p["k"]))))),
    "q26.emb.row-grad-count": lambda p: (
        np.eye(50)[[42] * int(p["c"])].T @ np.tile([p["u"], p["w"]], (int(p["c"]), 1))
    )[42].tolist(),
    "q26.emb.param-share": lambda p: float(p["V"] * p["d"] / (p["N"] * 1e6)),
    "q26.emb.tied-output-grad": lambda p: _tied_output_grad(p["s"], p["h"]),
    "q27.jac.attention-scores": lambda p: _num_grad(
        lambda sc: float(np.dot(_softmax(sc), [p["x"], p["y"], p["z"]])), [p["a"], p["b"], p["c"]]
    ).tolist(),
    "q27.jac.attention-query-grad": lambda p: float(
        _num_grad(
            lambda q: float(np.dot(q, [p["k"], 0.3, -0.7]) / np.sqrt(p["d"])), [0.2, 0.1, 0.4]
        )[0]
    ),
    "q27.jac.reverse-mode-count": lambda p: float(
        len(
            [
                np.eye(int(p["m"]))[i] @ np.ones((int(p["m"]), int(p["n"])))
                for i in range(int(p["m"]))
            ]
        )
    ),
    "q28.eig.rayleigh": lambda p: float(
        (x := np.array([p["x"], p["y"]]))
        @ np.array([[p["a"], p["b"]], [p["b"], p["d"]]])
        @ x
        / (x @ x)
    ),
    "q28.eig.power-iteration-error": lambda p: _power_iteration_ratio(
        p["l1"], p["l2"], int(p["k"])
    ),
    "q28.eig.power-iteration-step": lambda p: (
        (v := np.array([[p["a"], p["b"]], [p["b"], p["d"]]]) @ np.ones(2)) / np.linalg.norm(v)
    ).tolist(),
    "q29.kl.entropy": lambda p: _entropy([p["a"], p["b"], 1 - p["a"] - p["b"]]),
    "q29.kl.max-entropy": lambda p: _entropy(np.full(int(p["K"]), 1 / p["K"])),
    "q29.kl.temperature-entropy": lambda p: _entropy(_softmax(np.array([p["a"], 0.0]) / p["T"])),
    "q29.kl.gaussians": lambda p: _gauss_kl(p["m1"], p["s1"], p["m2"], p["s2"]),
    "q30.relu.sparsity": lambda p: _normal_mass_below_zero(p["mu"], p["s"]),
    "q30.tanh.derivative": lambda p: _d(math.tanh, p["x"]),
    "q31.clip.norm-factor": lambda p: float(_clip_by_norm([p["n"], 0.0], p["c"])[0] / p["n"]),
    "q31.clip.vector": lambda p: _clip_by_norm([p["x"], p["y"]], p["c"]).tolist(),
    "q31.exploding.product": lambda p: float(np.prod(np.full(int(p["L"]), p["r"]))),
    "q31.residual.depth": lambda p: _residual_chain_derivative(int(p["L"]), p["w"]),
    "adamw.v-bias-correction": lambda p: _bias_factor(p["b2"], p["t"]),
    "adamw.no-bias-correction": lambda p: float(
        abs((1 - p["b1"]) * 0.37) / math.sqrt((1 - p["b2"]) * 0.37**2)
    ),
    "adamw.ema-horizon": lambda p: float(np.sum(p["b"] ** np.arange(400000))),
    "adamw.decay-half-life": lambda p: math.log(0.5) / math.log1p(-p["lr"] * p["wd"]),
    "bf16.scaler-overflow": lambda p: _gradscaler(int(p["k"]), 1),
    "bf16.fp16-min-subnormal": lambda p: float(np.nextafter(np.float16(0), np.float16(1))),
    "bf16.scale-for-normal": lambda p: _fp16_scale_for_normal(p["e"]),
}


def _close(a: float, b: float, rtol: float = 1e-4, atol: float = 1e-7) -> bool:
    return math.isfinite(a) and abs(a - b) <= atol + rtol * abs(b)


# --- coverage and shape of the bank ---------------------------------------------------------


def test_topics_and_counts(bank) -> None:
    counts = Counter(q.topic for q in bank.questions.values())
    assert set(counts) == set(TOPICS), set(counts) ^ set(TOPICS)
    for topic in TOPICS:
        assert counts[topic] >= 12, f"{topic}: only {counts[topic]} questions"
    assert len(bank.questions) >= 150


def test_most_questions_draw_parameters(bank) -> None:
    qs = list(bank.questions.values())
    drawn = sum(bool(q.params) for q in qs)
    assert drawn / len(qs) >= 0.60, f"{drawn}/{len(qs)} draw parameters"


# What an interviewer probes, each asked by at least one question (issue 17's list).
GAPS = {
    "log-sum-exp / subtract-max stability": ["q25.ce.logsumexp", "q25.ce.stable-softmax"],
    "power iteration and the Rayleigh quotient": [
        "q28.eig.rayleigh",
        "q28.eig.rayleigh-bounds",
        "q28.eig.power-iteration-error",
        "q28.eig.power-iteration-step",
    ],
    "label-smoothing target and its minimum loss": [
        "q25.ce.label-smoothing-target",
        "q25.ce.label-smoothing-min-loss",
    ],
    "fp16 loss scaling, and why bf16 needs none": [
        "bf16.scaler-overflow",
        "bf16.scaler-step",
        "bf16.fp16-min-subnormal",
        "bf16.scale-for-normal",
        "bf16.loss-scaling",
    ],
    "Adam's bias correction and beta2": [
        "adamw.bias-correction",
        "adamw.v-bias-correction",
        "adamw.no-bias-correction",
        "adamw.beta2-llm",
        "adamw.ema-horizon",
    ],
    "entropy, and softmax temperature beyond distillation": [
        "q29.kl.entropy",
        "q29.kl.max-entropy",
        "q29.kl.temperature-entropy",
        "q25.ce.temperature",
        "q25.ce.temperature-limits",
    ],
    "exploding gradients and clipping by norm": [
        "q31.clip.norm-factor",
        "q31.clip.vector",
        "q31.clip.why-norm",
        "q31.exploding.product",
    ],
    "forward vs reverse KL": ["q29.kl.forward-vs-reverse"],
    "ReLU's ~50% sparse activation claim": ["q30.relu.sparsity", "q30.relu.sparsity-claim"],
    "gradients through attention": [
        "q27.jac.attention-scores",
        "q27.jac.attention-query-grad",
        "q27.jac.attention-scaling-why",
    ],
    "depth and residual paths": ["q31.residual.depth", "q31.exploding.product"],
    "Lightning bf16-mixed keeps fp32": ["bf16.lightning-bf16-mixed"],
}


@pytest.mark.parametrize("gap", sorted(GAPS))
def test_every_interview_gap_is_asked(bank, gap: str) -> None:
    missing = [qid for qid in GAPS[gap] if qid not in bank.questions]
    assert not missing, missing


def test_auto_checked_share(bank) -> None:
    qs = list(bank.questions.values())
    auto = sum(q.auto_checked for q in qs)
    assert auto / len(qs) >= 0.60, f"{auto}/{len(qs)} auto-checked"


def test_every_question_teaches(bank) -> None:
    for q in bank.questions.values():
        assert q.hints, f"{q.id}: no hint"
        assert len(q.explanation.strip()) >= 80, f"{q.id}: explanation too short"


def test_ids_unique_across_files() -> None:
    import yaml

    ids = [
        item["id"]
        for path in sorted(BANK_DIR.glob("*.yaml"))
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    assert not dupes


def test_numeric_questions_draw_params(bank) -> None:
    numeric = [q for q in bank.questions.values() if q.kind == "numeric"]
    with_params = [q for q in numeric if q.params]
    assert len(with_params) / len(numeric) >= 0.75
    for q in with_params:
        assert placeholders(q.prompt) == set(q.params), q.id
        prompts = {tuple(sorted(draw(q, s).items())) for s in range(20)}
        assert len(prompts) > 1, f"{q.id}: every seed draws the same exercise"


def test_demo_files_exist(bank) -> None:
    snippets = BANK_DIR / "snippets"
    if not any(snippets.glob("*.py")):
        pytest.skip("snippets not written yet")
    demos = Counter(q.demo for q in bank.questions.values() if q.demo)
    assert demos
    for demo in demos:
        assert (BANK_DIR / demo).is_file(), f"missing demo {demo}"


def test_demo_names_are_the_agreed_snippets(bank) -> None:
    agreed = {
        "snippets/q25_cross_entropy.py",
        "snippets/perplexity.py",
        "snippets/q26_embedding_grad.py",
        "snippets/q27_jacobian.py",
        "snippets/q28_eigen.py",
        "snippets/q29_kl_divergence.py",
        "snippets/q30_activations.py",
        "snippets/q31_backprop.py",
        "snippets/adamw.py",
        "snippets/bf16.py",
    }
    used = {q.demo for q in bank.questions.values() if q.demo}
    assert used <= agreed, used - agreed
    auto = [q for q in bank.questions.values() if q.auto_checked]
    assert sum(q.demo is not None for q in auto) / len(auto) >= 0.6


# --- every number recomputed ----------------------------------------------------------------


def test_every_numeric_question_has_an_independent_computation(bank) -> None:
    needing = {q.id for q in bank.questions.values() if q.kind in ("numeric", "vector")}
    missing = sorted(needing - set(INDEPENDENT))
    assert not missing, f"no independent computation for: {missing}"
    stale = sorted(set(INDEPENDENT) - needing)
    assert not stale, f"independent computations for unknown ids: {stale}"


def _numeric_ids() -> list[str]:
    return sorted(INDEPENDENT)


@pytest.mark.parametrize("qid", _numeric_ids())
def test_reference_matches_independent_computation(bank, qid: str) -> None:
    q = bank.questions[qid]
    seeds = SEEDS if q.params else [0]
    for seed in seeds:
        params = draw(q, seed)
        got = reference(q, params)
        want = INDEPENDENT[qid](params)
        if q.kind == "vector":
            assert isinstance(got, list | tuple) and len(got) == len(want), (qid, params, got)
            for g, w in zip(got, want, strict=True):
                assert _close(float(g), float(w)), (qid, params, got, want)
        else:
            assert _close(float(got), float(want)), (qid, params, got, want)


def test_notes_example_values(bank) -> None:
    """The notes' worked examples, recomputed: −ln 0.7, −ln 0.3, −ln 0.9, −ln 0.01."""
    q = bank.questions["q25.ce.numeric"]
    table = {0.7: 0.357, 0.3: 1.204, 0.9: 0.105, 0.01: 4.605}
    for p, rounded in table.items():
        assert p in q.params["p"].choices
        assert round(float(reference(q, {"p": p})), 3) == rounded


# --- what the audit found, each pinned ------------------------------------------------------


def test_numeric_expression_and_vector_questions_have_graded_hints(bank) -> None:
    """A nudge first, then the formula: at least two different hints."""
    for q in bank.questions.values():
        if q.kind in ("numeric", "expression", "vector"):
            assert len(q.hints) >= 2, f"{q.id}: {len(q.hints)} hint(s)"
            assert len(set(q.hints)) == len(q.hints), f"{q.id}: a hint repeats"


def _round_figures(value: float, figures: int, rounding: str = "ROUND_HALF_UP") -> Decimal:
    """``value`` rounded to ``figures`` significant figures on its decimal text (the bank's
    documented rule: half up)."""
    d = Decimal(repr(float(value)))
    if d == 0:
        return d
    return d.quantize(Decimal(1).scaleb(d.adjusted() - figures + 1), rounding=rounding)


def _rounded(values: list[float], figures: int) -> str:
    return ", ".join(str(_round_figures(v, figures)) for v in values)


def _typed_values(q, values: list[float], text: str) -> str:
    return f"[{text}]" if q.kind == "vector" else text


@pytest.mark.parametrize("seed", range(12))
def test_every_numeric_prompt_grades_the_precision_it_states(bank, seed: int) -> None:
    """A correct rounding to the stated figures passes on every draw, one figure fewer fails
    (numeric, where it differs); an 'exact integer' is graded exactly."""
    from quizzer.bank.precision import stated_precision
    from quizzer.check import check

    for q in bank.questions.values():
        if q.kind not in ("numeric", "vector"):
            continue
        [want] = stated_precision(q.prompt)
        params = draw(q, seed)
        ref = reference(q, params)
        values = [float(v) for v in (ref if isinstance(ref, list) else [ref])]
        if want.kind == "sigfigs":
            n = want.digits
            good = _typed_values(q, values, _rounded(values, n))
            assert check(q.answer, good, params).correct, (q.id, params, good)
            # numeric answers carry sigfigs, so one figure fewer is refused; a vector's
            # rtol of half a unit in the N-th figure may accept a close (N-1)-figure entry
            short = [float(_round_figures(v, n - 1)) for v in values]
            if q.kind == "numeric" and any(
                _round_figures(s, n) != _round_figures(v, n)
                for s, v in zip(short, values, strict=True)
            ):
                bad = _typed_values(q, short, _rounded(short, n))
                assert not check(q.answer, bad, params).correct, (q.id, params, bad)
        elif want.kind == "integer":
            assert all(v.is_integer() for v in values), (q.id, params, values)
            exact = _typed_values(q, values, ", ".join(str(int(v)) for v in values))
            assert check(q.answer, exact, params).correct, (q.id, params, exact)
            off = _typed_values(q, values, ", ".join(str(int(v) + 1) for v in values))
            assert not check(q.answer, off, params).correct, (q.id, params, off)
        else:
            exact = _typed_values(q, values, ", ".join(repr(v) for v in values))
            assert check(q.answer, exact, params).correct, (q.id, params, exact)


def test_no_reference_is_a_rounding_tie_at_its_stated_figures(bank) -> None:
    """20.25 to 3 figures is 20.3 half up but 20.2 half to even: a draw must not depend on
    which rule the person learned. (Vector entries are graded by rtol alone, so both pass.)"""
    from quizzer.bank.precision import stated_precision

    for q in bank.questions.values():
        if q.kind != "numeric":
            continue
        [want] = stated_precision(q.prompt)
        if want.kind != "sigfigs":
            continue
        for params in _grid(q):
            ref = reference(q, params)
            for v in ref if isinstance(ref, list) else [ref]:
                up = _round_figures(v, want.digits)
                even = _round_figures(v, want.digits, "ROUND_HALF_EVEN")
                assert up == even, (q.id, params, v)


def test_no_reference_is_rounding_noise_around_zero(bank) -> None:
    """A value that is 0 in exact arithmetic must evaluate to 0, or "0" would be rejected; a
    genuinely tiny value (fp64's epsilon) is confirmed by the independent computation."""
    for q in bank.questions.values():
        if q.kind not in ("numeric", "vector"):
            continue
        for params in _grid(q):  # every combination, not a sample of seeds
            ref = reference(q, params)
            want = INDEPENDENT[q.id](params)
            refs = ref if isinstance(ref, list) else [ref]
            wants = want if isinstance(want, list) else [want]
            for v, w in zip(refs, wants, strict=True):
                if v != 0 and abs(v) < 1e-9:
                    assert math.isclose(v, w, rel_tol=1e-6), (q.id, params, ref, want)


def _grid(q) -> list[dict[str, float]]:
    import itertools

    names = sorted(q.params)
    axes = []
    for name in names:
        spec = q.params[name]
        if spec.choices is not None:
            axes.append(spec.choices)
        else:
            lo, hi = spec.range
            axes.append(list(np.round(np.arange(lo, hi + spec.step / 2, spec.step), 10)))
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]


def test_every_declared_covariance_is_psd_at_every_draw(bank) -> None:
    declared = {q.id for q in bank.questions.values() if q.psd is not None}
    assert {"q28.pca.cov-2x2", "q28.pca.explained-variance", "q28.eig.condition-number"} <= declared
    for qid in declared:
        q = bank.questions[qid]
        for params in _grid(q):
            m = np.array([[_local_eval(e, params) for e in row] for row in q.psd])
            assert np.allclose(m, m.T), (qid, params)
            assert np.linalg.eigvalsh(m).min() >= -1e-12, (qid, params, m)


def test_pc1_share_of_a_2x2_covariance_is_a_fraction_at_every_draw(bank) -> None:
    q = bank.questions["q28.pca.cov-2x2"]
    for params in _grid(q):
        share = float(reference(q, params))
        assert 0.5 <= share <= 1.0, (params, share)
        assert params["b"] ** 2 <= params["a"] * params["d"], params


def test_embedding_gather_gradients_have_the_shapes_the_feedback_states(bank) -> None:
    """X = O E with O one-hot (n × V): dL/dE = Oᵀ G (V × d), dL/dO = G Eᵀ (n × V), and Eᵀ G is
    not defined for n ≠ V."""
    rng = np.random.default_rng(0)
    n, v, d = 5, 7, 3
    o = np.eye(v)[rng.integers(0, v, size=n)]
    e = rng.normal(size=(v, d))
    g = rng.normal(size=(n, d))  # upstream gradient of L = Σ G ⊙ X

    def loss_e(flat):
        return float(np.sum(g * (o @ flat.reshape(v, d))))

    def loss_o(flat):
        return float(np.sum(g * (flat.reshape(n, v) @ e)))

    assert np.allclose(_num_grad(loss_e, e.ravel()).reshape(v, d), o.T @ g)
    assert np.allclose(_num_grad(loss_o, o.ravel()).reshape(n, v), g @ e.T)
    with pytest.raises(ValueError):
        _ = e.T @ g
    q = bank.questions["q26.emb.gather-onehot"]
    [feedback] = [m.feedback for m in q.mistakes if m.answer == "Eᵀ G"]
    assert "not even defined" in feedback
    assert "G Eᵀ (n × V)" in feedback and "Oᵀ G (V × d)" in feedback


def test_softmax_jacobian_is_symmetric_psd_and_annihilates_ones(bank) -> None:
    rng = np.random.default_rng(1)
    for _ in range(20):
        z = rng.normal(size=6) * 2
        s = _softmax(z)
        jac = np.stack([_num_grad(lambda x, i=i: float(_softmax(x)[i]), z) for i in range(6)])
        assert np.allclose(jac, np.diag(s) - np.outer(s, s), atol=1e-7)
        assert np.allclose(jac, jac.T, atol=1e-7)
        assert np.linalg.eigvalsh((jac + jac.T) / 2).min() >= -1e-7
        assert np.allclose(jac @ np.ones(6), 0, atol=1e-7)
    text = " ".join(bank.questions["q27.jac.softmax-formula"].explanation.split())
    assert "J·1 = 0" in text and "s·1 = 1" not in text


def test_gelu_tanh_approximation_gap_is_what_the_bank_says(bank) -> None:
    x = np.linspace(-8, 8, 320001)
    exact = x * np.array([_phi(t) for t in x])
    approx = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
    gap = np.abs(exact - approx)
    assert round(float(gap.max()), 5) == 0.00047
    assert round(abs(float(x[gap.argmax()])), 1) == 2.7
    q = bank.questions["q30.gelu.tanh-approx"]
    feedback = " ".join(m.feedback for m in q.mistakes)
    assert "4.7·10⁻⁴" in feedback and "1e-3" not in feedback
    assert "4.7·10⁻⁴" in q.explanation


def test_machine_epsilons_in_the_explanation_pass_their_own_question(bank) -> None:
    from quizzer.check import check

    q = bank.questions["bf16.eps-by-fraction-bits"]
    written = {7: "0.00781", 10: "0.000977", 23: "1.19e-7", 52: "2.22e-16"}
    for k, text in written.items():
        assert check(q.answer, text, {"k": k}).correct, (k, text)
        assert float(text) == pytest.approx(
            float(np.finfo({7: np.float32, 10: np.float16, 23: np.float32, 52: np.float64}[k]).eps)
            if k != 7
            else 2.0**-7,
            rel=5e-3,
        )
    explanation = " ".join(q.explanation.split())
    assert "1.19·10⁻⁷" in explanation and "2.22·10⁻¹⁶" in explanation
    assert not check(q.answer, "1.2e-7", {"k": 23}).correct  # the old, coarser value


def test_corrected_sources_are_cited(bank) -> None:
    residual = " ".join(bank.questions["q31.backprop.residual"].explanation.split())
    assert "Identity Mappings in Deep Residual Networks" in residual
    assert "arXiv:1603.05027" in residual and "1512.03385" not in residual
    llms = " ".join(bank.questions["q30.modern-llms"].explanation.split())
    assert "PaLM keeps d_ff = 4·d_model" in llms and "2/3·4d" in llms


def test_det_product_prompt_warns_of_complex_eigenvalues_that_occur(bank) -> None:
    q = bank.questions["q28.eig.det-product"]
    assert "complex" in q.prompt
    complex_draws = 0
    for seed in range(40):
        p = draw(q, seed)
        eig = np.linalg.eigvals([[p["a"], p["b"]], [p["c"], p["d"]]])
        complex_draws += bool(np.abs(eig.imag).max() > 1e-12)
        assert abs(np.prod(eig).imag) < 1e-9
    assert complex_draws > 0


def test_the_correct_option_is_rarely_the_longest(bank) -> None:
    """A learner who always picks the longest option must not pass the choice questions."""
    from quizzer.bank.validate import OPTION_LENGTH_RATIO, option_length_ratio

    choice = [q for q in bank.questions.values() if q.kind == "choice"]
    longest = 0
    for q in choice:
        spec = q.answer
        assert option_length_ratio(spec.options, spec.correct_set) <= OPTION_LENGTH_RATIO, q.id
        lengths = sorted((len(o) for o in spec.options), reverse=True)
        top = max(spec.options, key=len)
        longest += lengths[0] > lengths[1] and top in spec.correct_set  # strictly the longest
    assert longest / len(choice) <= 0.25, f"{longest}/{len(choice)} longest-is-correct"
