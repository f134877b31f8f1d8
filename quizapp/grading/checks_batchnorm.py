"""The BatchNorm1d and BatchNorm2d drills: configurations, shapes and the mistake catalog."""

from __future__ import annotations

from torch import nn

from quizapp.grading.mistakes_batchnorm import BATCHNORM_MISTAKES
from quizapp.grading.modulechecks import Config, ModuleDrill, module_checks
from quizapp.grading.suite import DrillSuite


def _configs(c: int) -> tuple[Config, ...]:
    return (
        Config("default", (c,)),
        Config("momentum=None", (c,), {"momentum": None}),
        Config("affine=False", (c,), {"affine": False}),
        Config("track_running_stats=False", (c,), {"track_running_stats": False}),
        Config("eps=1e-3, momentum=0.3", (c,), {"eps": 1e-3, "momentum": 0.3}),
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
