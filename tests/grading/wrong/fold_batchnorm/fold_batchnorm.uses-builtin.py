"""Wrong on purpose (fold_batchnorm.uses-builtin): calls torch's fusion under another name."""

import importlib

from torch import nn

fusion = importlib.import_module("torch.nn." + "utils")


def fold_batchnorm(layer, bn):
    if isinstance(layer, nn.Linear):
        return getattr(fusion, "fuse_linear" + "_bn_eval")(layer, bn)
    return getattr(fusion, "fuse_conv" + "_bn_eval")(layer, bn)
