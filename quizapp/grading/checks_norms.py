"""The LayerNorm, RMSNorm and GroupNorm drills: configurations, shapes and mistake catalogs."""

from __future__ import annotations

from torch import nn

from quizapp.grading.mistakes_norms import (
    GROUPNORM_MISTAKES,
    LAYERNORM_MISTAKES,
    RMSNORM_MISTAKES,
)
from quizapp.grading.modulechecks import Config, ModuleDrill, module_checks
from quizapp.grading.suite import DrillSuite


def layernorm() -> DrillSuite:
    two_dims = ((3, 5, 8), (2, 4, 5, 8))
    drill = ModuleDrill(
        name="layernorm",
        reference=nn.LayerNorm,
        configs=(
            Config("default", ((8,),)),
            Config("normalized_shape=8 (an int)", (8,)),
            Config("normalized_shape=(5, 8)", ((5, 8),), shapes=two_dims),
            Config("eps=1e-3", ((8,),), {"eps": 1e-3}),
            Config("elementwise_affine=False", ((8,),), {"elementwise_affine": False}),
            Config("bias=False", ((8,),), {"bias": False}),
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
            Config("normalized_shape=(5, 8)", ((5, 8),), shapes=((3, 5, 8),)),
            Config("eps=1e-5", ((8,),), {"eps": 1e-5}),
            Config("elementwise_affine=False", ((8,),), {"elementwise_affine": False}),
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
            Config("affine=False", (2, 6), {"affine": False}),
        ),
        shapes=((4, 6, 3, 3), (3, 6, 5), (5, 6, 2, 2, 2)),
    )
    return DrillSuite("groupnorm", nn.GroupNorm, lambda: module_checks(drill), GROUPNORM_MISTAKES)
