"""The LayerNorm, RMSNorm and GroupNorm drills: configurations, shapes and mistake catalogs."""

from __future__ import annotations

from torch import nn

from quizapp.grading.mistakes_norms import (
    GROUPNORM_MISTAKES,
    LAYERNORM_MISTAKES,
    RMSNORM_MISTAKES,
)
from quizapp.grading.modulechecks import Config, ModuleDrill, module_checks
from quizapp.grading.suite import DrillSuite, Finding


def _last_dims(family: str) -> Finding:
    return Finding(
        f"{family}.last-dim-only",
        "Only the last dimension is normalized: with normalized_shape=(5, 8) torch normalizes "
        "over the last two dimensions together (statistics over 40 values per row) and its "
        "weight has shape (5, 8). Reduce over the last len(normalized_shape) dimensions.",
    )


def _no_affine(family: str, flag: str) -> Finding:
    return Finding(
        f"{family}.{flag.replace('_', '-')}-false-unsupported",
        f"`{flag}=False` is not handled: torch's layer then has no learnable parameters (none "
        "in its parameters or state_dict) and only normalizes. Create them only when the flag "
        "is True.",
    )


def _eps_ignored(family: str, value: str) -> Finding:
    return Finding(
        f"{family}.eps-argument-ignored",
        f"The `eps` passed to the constructor is not what the layer uses: the outputs differ "
        f"only with eps={value}. Store the argument and use it in the normalization.",
    )


INT_SHAPE = Finding(
    "layernorm.int-shape-unsupported",
    "An int `normalized_shape` is not handled: torch accepts LayerNorm(8) as LayerNorm((8,)). "
    "Turn an int into a one-element tuple in the constructor.",
)
BIAS_IGNORED = Finding(
    "layernorm.bias-flag-ignored",
    "`bias=False` is not handled: torch's layer then has a weight but no bias.",
)


def layernorm() -> DrillSuite:
    two_dims = ((3, 5, 8), (2, 4, 5, 8))
    drill = ModuleDrill(
        name="layernorm",
        reference=nn.LayerNorm,
        configs=(
            Config("default", ((8,),)),
            Config("normalized_shape=8 (an int)", (8,), findings=(INT_SHAPE,)),
            Config(
                "normalized_shape=(5, 8)",
                ((5, 8),),
                shapes=two_dims,
                findings=(_last_dims("layernorm"),),
            ),
            Config(
                "eps=1e-3", ((8,),), {"eps": 1e-3}, findings=(_eps_ignored("layernorm", "1e-3"),)
            ),
            Config(
                "elementwise_affine=False",
                ((8,),),
                {"elementwise_affine": False},
                findings=(_no_affine("layernorm", "elementwise_affine"),),
            ),
            Config("bias=False", ((8,),), {"bias": False}, findings=(BIAS_IGNORED,)),
        ),
        shapes=((6, 8), (3, 5, 8)),
        load_configs=("default", "bias=False"),
    )
    return DrillSuite("layernorm", nn.LayerNorm, lambda: module_checks(drill), LAYERNORM_MISTAKES)


def rmsnorm() -> DrillSuite:
    drill = ModuleDrill(
        name="rmsnorm",
        reference=nn.RMSNorm,
        configs=(
            Config("default (eps=None)", ((8,),)),
            Config(
                "normalized_shape=(5, 8)",
                ((5, 8),),
                shapes=((3, 5, 8),),
                findings=(_last_dims("rmsnorm"),),
            ),
            Config("eps=1e-5", ((8,),), {"eps": 1e-5}, findings=(_eps_ignored("rmsnorm", "1e-5"),)),
            Config(
                "elementwise_affine=False",
                ((8,),),
                {"elementwise_affine": False},
                findings=(_no_affine("rmsnorm", "elementwise_affine"),),
            ),
        ),
        shapes=((6, 8), (3, 5, 8)),
        probes=("N(2,9)", "N(0,1e-4)", "N(0,1e-6)"),
    )
    return DrillSuite("rmsnorm", nn.RMSNorm, lambda: module_checks(drill), RMSNORM_MISTAKES)


def groupnorm() -> DrillSuite:
    drill = ModuleDrill(
        name="groupnorm",
        reference=nn.GroupNorm,
        configs=(
            Config("num_groups=2, num_channels=6", (2, 6)),
            Config("num_groups=3, eps=1e-3", (3, 6), {"eps": 1e-3}),
            Config("num_groups=1 (like LayerNorm)", (1, 6)),
            Config("num_groups=6 (like InstanceNorm)", (6, 6)),
            Config(
                "affine=False",
                (2, 6),
                {"affine": False},
                findings=(_no_affine("groupnorm", "affine"),),
            ),
        ),
        shapes=((4, 6, 3, 3), (3, 6, 5), (5, 6, 2, 2, 2)),
    )
    return DrillSuite("groupnorm", nn.GroupNorm, lambda: module_checks(drill), GROUPNORM_MISTAKES)
