"""The BatchNorm1d and BatchNorm2d drills: configurations, shapes and the mistake catalog."""

from __future__ import annotations

from torch import nn

from quizapp.grading.mistakes_batchnorm import BATCHNORM_MISTAKES
from quizapp.grading.modulechecks import Config, ModuleDrill, module_checks
from quizapp.grading.suite import DrillSuite, Finding

MOMENTUM_NONE = Finding(
    "batchnorm.momentum-none-unsupported",
    "`momentum=None` is not handled: torch then keeps a cumulative average of the batch "
    "statistics, blending each with factor 1/num_batches_tracked instead of a fixed momentum.",
)
AFFINE_FALSE = Finding(
    "batchnorm.affine-false-unsupported",
    "`affine=False` is not handled: torch's layer then has no weight or bias (none in its "
    "parameters or state_dict) and only normalizes. Create the parameters only when affine is "
    "True, and skip the scale and shift otherwise.",
)
UNTRACKED = Finding(
    "batchnorm.track-running-stats-false-unsupported",
    "`track_running_stats=False` is not handled: torch's layer then keeps no running "
    "statistics (running_mean, running_var and num_batches_tracked are None) and normalizes "
    "with the batch's own statistics in eval mode too.",
)
EPS_IGNORED = Finding(
    "batchnorm.eps-argument-ignored",
    "The `eps` passed to the constructor is not what the layer uses: the outputs differ only "
    "with eps=1e-3. Store the argument and add it to the variance under the square root.",
    when=("eps", "step 1 output", "step 2 output", "step 3 output", "grad"),
)
MOMENTUM_IGNORED = Finding(
    "batchnorm.momentum-argument-ignored",
    "The `momentum` passed to the constructor is not what updates the running statistics: "
    "they differ only with momentum=0.3. Store the argument and blend "
    "(1 - momentum) * running + momentum * batch.",
    when=("momentum", "running_"),
)


def _configs(c: int) -> tuple[Config, ...]:
    return (
        Config("default", (c,)),
        Config("momentum=None", (c,), {"momentum": None}, findings=(MOMENTUM_NONE,)),
        Config("affine=False", (c,), {"affine": False}, findings=(AFFINE_FALSE,)),
        Config(
            "track_running_stats=False",
            (c,),
            {"track_running_stats": False},
            findings=(UNTRACKED,),
        ),
        Config(
            "eps=1e-3, momentum=0.3",
            (c,),
            {"eps": 1e-3, "momentum": 0.3},
            findings=(EPS_IGNORED, MOMENTUM_IGNORED),
        ),
    )


def batchnorm1d() -> DrillSuite:
    drill = ModuleDrill(
        name="batchnorm1d",
        reference=nn.BatchNorm1d,
        configs=_configs(4),
        shapes=((16, 4), (4, 4), (8, 4, 6)),
        load_configs=("default", "momentum=None"),
        history=True,
    )
    return DrillSuite(
        "batchnorm1d", nn.BatchNorm1d, lambda: module_checks(drill), BATCHNORM_MISTAKES
    )


def batchnorm2d() -> DrillSuite:
    drill = ModuleDrill(
        name="batchnorm2d",
        reference=nn.BatchNorm2d,
        configs=_configs(3),
        shapes=((8, 3, 4, 5), (2, 3, 3, 3)),
        load_configs=("default", "momentum=None"),
        history=True,
    )
    return DrillSuite(
        "batchnorm2d", nn.BatchNorm2d, lambda: module_checks(drill), BATCHNORM_MISTAKES
    )
