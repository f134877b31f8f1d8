"""Check builders shared by the normalization drills (BatchNorm, LayerNorm, GroupNorm, RMSNorm).

Each builder returns `Check`s whose `run` works on any class with torch's constructor signature:
torch's own module in the server, the submission in the child, catalogued mistakes for diagnosis.
Weights and biases are always randomized (init values hide affine mistakes) and every tensor is
made in the server from a seed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from quizapp.grading.suite import (
    Check,
    Finding,
    Inputs,
    Recorded,
    Recorder,
    SubmissionError,
    compare,
    seeded,
)

# Probe inputs (mean, std) that expose different mistakes; see torch-reference.md.
PROBES: dict[str, tuple[float, float]] = {
    "N(2,9)": (2.0, 3.0),
    "N(0,1e-4)": (0.0, 1e-2),
    "N(100,1)": (100.0, 1.0),
    "N(0,1e-6)": (0.0, 1e-3),
}
DTYPES = ("float32", "float64")


@dataclass(frozen=True)
class Config:
    """A constructor call: a label for messages, positional and keyword arguments."""

    label: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    # Input shapes for this configuration; None means the drill's shapes.
    shapes: tuple[tuple[int, ...], ...] | None = None
    # What a failure of this configuration's own says (not the default's): see aspects.py.
    findings: tuple[Finding, ...] = ()


def probe(gen: torch.Generator, shape: Sequence[int], kind: str, dtype: str) -> torch.Tensor:
    """Input of the given probe distribution, each channel (dim 1) with its own spread."""
    mean, std = PROBES[kind]
    spread = torch.ones(1, dtype=torch.float64)
    if len(shape) > 1:
        chan = 0.5 + 1.5 * torch.rand(shape[1], generator=gen, dtype=torch.float64)
        spread = chan.view(1, shape[1], *([1] * (len(shape) - 2)))
    x = torch.randn(*shape, generator=gen, dtype=torch.float64) * std * spread + mean
    return x.to(getattr(torch, dtype))


def random_params(reference: Any, config: Config, gen: torch.Generator, dtype: str) -> Inputs:
    """Random values for every parameter torch's module has in this configuration."""
    module = reference(*config.args, **config.kwargs)
    params: Inputs = {}
    for name, p in module.named_parameters():
        noise = torch.randn(p.shape, generator=gen, dtype=torch.float64)
        value = 1.0 + 0.5 * noise if name == "weight" else 0.5 * noise
        params[name] = value.to(getattr(torch, dtype))
    return params


def buffer_names(reference: Any, config: Config) -> list[str]:
    module = reference(*config.args, **config.kwargs)
    return [name for name, b in module.named_buffers() if b is not None]


def build(impl: Any, seq: Inputs) -> Any:
    """The implementation constructed, converted to the dtype and given the random weights."""
    module = impl(*seq["args"], **seq["kwargs"])
    if not isinstance(module, torch.nn.Module):
        raise SubmissionError(
            f"{type(module).__name__} is not a torch.nn.Module: subclass nn.Module so that "
            "parameters, buffers and state_dict work like torch's"
        )
    module = module.to(getattr(torch, seq["dtype"]))
    with torch.no_grad():
        for param, value in role_params(module, seq["params"]).values():
            param.copy_(value.reshape(param.shape))  # (1, C) for (C,): same values, judged
    return module


def role_params(module: Any, wanted: Inputs) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """Each of torch's parameters (name -> value) paired with the module's parameter in its role.

    Real code names and shapes its parameters its own way (gamma/beta, (1, C)). Where the role
    is unambiguous (the same number of parameters, the same number of values) the math is
    still judged; the state_dict checks report the names and shapes as findings of their own,
    so nothing is hidden behind them.
    """
    own = [p for _, p in module.named_parameters()]
    paired: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
    for position, (name, value) in enumerate(wanted.items()):
        param = getattr(module, name, None)
        if not isinstance(param, torch.Tensor) and len(own) == len(wanted):
            param = own[position]  # the same role under another name
        if not isinstance(param, torch.Tensor):
            raise SubmissionError(f"the layer has no `{name}` parameter, torch's has")
        if param.numel() != value.numel():
            raise SubmissionError(
                f"`{name}` has shape {tuple(param.shape)}, torch's has {tuple(value.shape)}"
            )
        paired[name] = (param, value)
    return paired


def _forward(module: Any, x: torch.Tensor) -> Any:
    return module(x)


def run_sequences(impl: Any, inputs: Inputs, rec: Recorder) -> None:
    """Train steps (output and every buffer after each), then eval, per input sequence."""
    for seq in inputs["seqs"]:
        tag = seq["tag"]
        module = build(impl, seq)
        module.train()
        for i, x in enumerate(seq["train"], start=1):
            rec.tensor(f"{tag} step {i} output", _forward(module, x))
            for buf in seq["buffers"]:
                rec.tensor(f"{tag} step {i} {buf}", getattr(module, buf))
        module.eval()
        rec.tensor(f"{tag} eval output", _forward(module, seq["eval"]))


def run_gradients(impl: Any, inputs: Inputs, rec: Recorder) -> None:
    """Gradients of a random projection of the output wrt input, weight and bias."""
    for seq in inputs["seqs"]:
        tag = seq["tag"]
        module = build(impl, seq)
        module.train(seq["mode"] == "train")
        x = seq["x"].requires_grad_(True)
        y = _forward(module, x)
        rec.tensor(f"{tag} output", y)
        (y * seq["g"]).sum().backward()
        if x.grad is None:
            raise SubmissionError(f"{tag}: no gradient reached the input (was it detached?)")
        rec.tensor(f"{tag} grad input", x.grad)
        for name, (param, value) in role_params(module, seq["params"]).items():
            grad = param.grad
            if grad is None:
                raise SubmissionError(f"{tag}: no gradient reached `{name}`")
            rec.tensor(f"{tag} grad {name}", grad.reshape(value.shape))


def run_history(impl: Any, inputs: Inputs, rec: Recorder) -> None:
    """Whether running statistics carry autograd history after a training step."""
    for seq in inputs["seqs"]:
        module = build(impl, seq)
        module.train()
        _forward(module, seq["x"].requires_grad_(True))
        for buf in seq["buffers"]:
            value = getattr(module, buf)
            attached = bool(value.requires_grad or value.grad_fn is not None)
            rec.value(f"{seq['tag']} {buf} has autograd history", attached)


def run_keys(impl: Any, inputs: Inputs, rec: Recorder) -> None:
    """The state_dict's keys, shapes and dtypes and which of them are parameters."""
    module = build(impl, {**inputs["seq"], "params": {}})
    entries = sorted(
        [key, list(value.shape), str(value.dtype).removeprefix("torch.")]
        for key, value in module.state_dict().items()
    )
    rec.value("state_dict", entries)
    rec.value("parameters", sorted(name for name, _ in module.named_parameters()))


def judge_keys(ref: Recorded, got: Recorded, inputs: Inputs) -> str | None:
    want = {e[0]: e for e in ref.meta["state_dict"]}
    have = {e[0]: e for e in got.meta.get("state_dict", [])}
    problems = []
    if missing := sorted(set(want) - set(have)):
        problems.append(f"missing {', '.join(missing)}")
    if extra := sorted(set(have) - set(want)):
        problems.append(f"unexpected {', '.join(extra)}")
    for key in sorted(set(want) & set(have)):
        if want[key] != have[key]:
            problems.append(
                f"{key} is {have[key][2]} of shape {tuple(have[key][1])}, torch's is "
                f"{want[key][2]} of shape {tuple(want[key][1])}"
            )
    if problems:
        return "state_dict differs from torch's: " + "; ".join(problems)
    if ref.meta["parameters"] != got.meta.get("parameters"):
        return (
            f"parameters are {got.meta.get('parameters')}, torch has {ref.meta['parameters']}: "
            "register learnable tensors as nn.Parameter and statistics with register_buffer"
        )
    return None


def run_torch_to_user(impl: Any, inputs: Inputs, rec: Recorder) -> None:
    """Load a state_dict saved by torch's module, then evaluate and take one training step."""
    for seq in inputs["seqs"]:
        tag = seq["tag"]
        module = build(impl, {**seq, "params": {}})
        module.load_state_dict(seq["state_dict"], strict=True)
        module.eval()
        rec.tensor(f"{tag} eval output after loading", _forward(module, seq["eval"]))
        module.train()
        rec.tensor(f"{tag} train output after loading", _forward(module, seq["x"]))
        for buf in seq["buffers"]:
            rec.tensor(f"{tag} {buf} after a step", getattr(module, buf))


def run_user_to_torch(impl: Any, inputs: Inputs, rec: Recorder) -> None:
    """Train a little and hand over the state_dict (the server loads it into torch's module)."""
    for seq in inputs["seqs"]:
        module = build(impl, seq)
        module.train()
        for x in seq["train"]:
            _forward(module, x)
        state = module.state_dict()
        rec.value(f"{seq['tag']} keys", sorted(state))
        for key, value in state.items():
            rec.tensor(f"{seq['tag']} state {key}", value)


def user_to_torch_judge(reference: Any) -> Callable[[Recorded, Recorded, Inputs], str | None]:
    """Load the submission's state_dict into torch's module and compare its eval outputs."""

    def judge(ref: Recorded, got: Recorded, inputs: Inputs) -> str | None:
        for seq in inputs["seqs"]:
            tag = seq["tag"]
            outputs = []
            for run in (ref, got):
                keys = run.meta.get(f"{tag} keys", [])
                state = {}
                for k in keys:
                    arr = run.arrays.get(f"{tag} state {k}")
                    if arr is None:
                        return f"{tag}: state_dict entry {k} was not recorded"
                    state[k] = torch.from_numpy(arr.copy())
                module = reference(*seq["args"], **seq["kwargs"]).to(getattr(torch, seq["dtype"]))
                try:
                    module.load_state_dict(state, strict=True)
                except (RuntimeError, KeyError, TypeError) as exc:
                    first = str(exc).strip().splitlines()
                    detail = " ".join(line.strip() for line in first[:4])
                    return f"{tag}: torch's module cannot load your state_dict: {detail}"
                with torch.no_grad():
                    outputs.append(module.eval()(seq["eval"].clone()))
            rec_ref, rec_got = Recorder(), Recorder()
            rec_ref.tensor(f"{tag} torch eval output with your state", outputs[0])
            rec_got.tensor(f"{tag} torch eval output with your state", outputs[1])
            message = compare(rec_ref.result(), rec_got.result())
            if message is not None:
                return message
        return None

    return judge


@dataclass(frozen=True)
class ModuleDrill:
    """The inputs of a normalization drill: reference class, configurations, shapes."""

    name: str
    reference: Any
    configs: tuple[Config, ...]
    shapes: tuple[tuple[int, ...], ...]
    probes: tuple[str, ...] = ("N(2,9)", "N(0,1e-4)", "N(100,1)")
    train_steps: int = 3
    # Configurations for the interchange and history checks (labels); default: the first.
    load_configs: tuple[str, ...] = ()
    history: bool = False

    def shapes_of(self, config: Config) -> tuple[tuple[int, ...], ...]:
        return config.shapes or self.shapes

    def config(self, label: str) -> Config:
        return next(c for c in self.configs if c.label == label)

    def seq(self, config: Config, dtype: str, gen: torch.Generator, tag: str) -> Inputs:
        return {
            "tag": tag,
            "args": config.args,
            "kwargs": config.kwargs,
            "dtype": dtype,
            "params": random_params(self.reference, config, gen, dtype),
            "buffers": buffer_names(self.reference, config),
        }


def module_checks(drill: ModuleDrill) -> list[Check]:
    """The standard parity checks of a normalization layer drill."""
    ref = drill.reference
    default = drill.configs[0]
    checks: list[Check] = []

    def aspect(config: Config, name: str) -> tuple[tuple[Finding, ...], str | None]:
        """A non-default configuration's findings, judged against the default's same check."""
        if config is default:
            return (), None
        return config.findings, name.replace(config.label, default.label)

    for config in drill.configs:

        def keys_inputs(config: Config = config) -> Inputs:
            return {"seq": drill.seq(config, "float32", seeded("keys"), config.label)}

        name = f"state_dict keys ({config.label})"
        findings, baseline = aspect(config, name)
        checks.append(
            Check(name, run_keys, keys_inputs, judge_keys, findings=findings, baseline=baseline)
        )
    for config in drill.configs:
        for dtype in DTYPES:
            name = f"train and eval, {config.label}, {dtype}"

            def seq_inputs(config: Config = config, dtype: str = dtype, name: str = name) -> Inputs:
                gen = seeded(name)
                seqs = []
                for shape in drill.shapes_of(config):
                    for kind in drill.probes:
                        seq = drill.seq(config, dtype, gen, f"{tuple(shape)} {kind}:")
                        steps = drill.train_steps
                        seq["train"] = [probe(gen, shape, kind, dtype) for _ in range(steps)]
                        seq["eval"] = probe(gen, shape, kind, dtype)
                        seqs.append(seq)
                return {"seqs": seqs}

            findings, baseline = aspect(config, name)
            checks.append(
                Check(name, run_sequences, seq_inputs, findings=findings, baseline=baseline)
            )

    def fresh_inputs() -> Inputs:
        gen = seeded("fresh")
        seqs = []
        for config in drill.configs:
            shape = drill.shapes_of(config)[0]
            seq = drill.seq(config, "float64", gen, f"{config.label}, {tuple(shape)}:")
            seq["train"] = []
            seq["eval"] = probe(gen, shape, "N(2,9)", "float64")
            seqs.append(seq)
        return {"seqs": seqs}

    checks.append(Check("eval on a fresh module, float64", run_sequences, fresh_inputs))
    for config in drill.configs:
        for mode in ("train", "eval") if config is drill.configs[0] else ("train",):
            name = f"gradients ({mode}), {config.label}, float64"

            def grad_inputs(config: Config = config, mode: str = mode, name: str = name) -> Inputs:
                gen = seeded(name)
                seqs = []
                for shape in drill.shapes_of(config):
                    seq = drill.seq(config, "float64", gen, f"{tuple(shape)}:")
                    seq["mode"] = mode
                    seq["x"] = probe(gen, shape, "N(2,9)", "float64")
                    seq["g"] = torch.randn(*shape, generator=gen, dtype=torch.float64)
                    seqs.append(seq)
                return {"seqs": seqs}

            findings, baseline = aspect(config, name)
            checks.append(
                Check(name, run_gradients, grad_inputs, findings=findings, baseline=baseline)
            )
    loads = [drill.config(label) for label in drill.load_configs] or [drill.configs[0]]
    if drill.history:

        def history_inputs() -> Inputs:
            gen = seeded("history")
            seqs = []
            for config in loads:
                seq = drill.seq(config, "float32", gen, f"{config.label}:")
                seq["x"] = probe(gen, drill.shapes_of(config)[0], "N(2,9)", "float32")
                seqs.append(seq)
            return {"seqs": seqs}

        checks.append(
            Check("running statistics carry no autograd history", run_history, history_inputs)
        )

    def to_user_inputs() -> Inputs:
        gen = seeded("torch to user")
        seqs = []
        for config in loads:
            seq = drill.seq(config, "float64", gen, f"{config.label}:")
            shape = drill.shapes_of(config)[0]
            seq["state_dict"] = _torch_state(ref, config, gen)
            seq["eval"] = probe(gen, shape, "N(2,9)", "float64")
            seq["x"] = probe(gen, shape, "N(2,9)", "float64")
            seqs.append(seq)
        return {"seqs": seqs}

    checks.append(
        Check("state_dict from torch loads into yours", run_torch_to_user, to_user_inputs)
    )

    def to_torch_inputs() -> Inputs:
        gen = seeded("user to torch")
        seqs = []
        for config in loads:
            seq = drill.seq(config, "float64", gen, f"{config.label}:")
            shape = drill.shapes_of(config)[0]
            seq["train"] = [probe(gen, shape, "N(2,9)", "float64") for _ in range(2)]
            seq["eval"] = probe(gen, shape, "N(2,9)", "float64")
            seqs.append(seq)
        return {"seqs": seqs}

    checks.append(
        Check(
            "your state_dict loads into torch's",
            run_user_to_torch,
            to_torch_inputs,
            judge=user_to_torch_judge(ref),
        )
    )
    return checks


def _torch_state(reference: Any, config: Config, gen: torch.Generator) -> dict[str, torch.Tensor]:
    """A state_dict of torch's module with random parameters and running statistics."""
    module = reference(*config.args, **config.kwargs).double()
    state = module.state_dict()
    out: dict[str, torch.Tensor] = {}
    for key, value in state.items():
        if key == "num_batches_tracked":
            out[key] = torch.tensor(5, dtype=torch.long)
        elif key == "running_var" or key == "weight":
            out[key] = 0.5 + torch.rand(value.shape, generator=gen, dtype=torch.float64)
        else:
            out[key] = torch.randn(value.shape, generator=gen, dtype=torch.float64)
    return out
