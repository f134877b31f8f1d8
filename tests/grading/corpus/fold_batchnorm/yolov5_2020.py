"""fuse_conv_and_bn from Ultralytics YOLOv5 (July 2020), after the tehnokv.com blog post.

Source: https://github.com/ultralytics/yolov5/blob/121d90b3f2ffe085176ca3a21bbbc87260667655/utils/torch_utils.py
  (GPL-3.0), `fuse_conv_and_bn`
Adapted:
- fuse_conv_and_bn(conv, bn) renamed fold_batchnorm(layer, bn) (parameter names kept inside)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- interface:fold_batchnorm.conv2d-only: an nn.Linear layer raises AttributeError
  ('Linear' object has no attribute 'in_channels')
- interface:fold_batchnorm.no-affine-false: BatchNorm2d(affine=False) raises AttributeError
  (bn.weight is None: 'NoneType' object has no attribute 'div')
- interface:fold_batchnorm.no-groups: the new Conv2d is built without groups, so a grouped conv
  raises RuntimeError in view (shape '[8, 8, 3, 3]' is invalid for input of size 288)
- new:fold_batchnorm.drops-dilation: the new Conv2d is built without dilation: for dilation=2,
  padding=2 on a 9x9 input the fused output is 11x11 instead of 9x9
- new:fold_batchnorm.drops-padding-mode: padding_mode='reflect' becomes 'zeros' (max error 1.35
  at the borders, float32)
- new:fold_batchnorm.result-always-float32: the new Conv2d has the default dtype: for a float64
  layer with bias the fused weights are float32 and its forward on float64 input raises
  (Input type (double) and bias type (float) should be the same); without bias the fold itself
  raises (torch.mm of float64 and float32)
"""

import torch
from torch import nn

EXPECTED = [
    "interface:fold_batchnorm.conv2d-only",
    "interface:fold_batchnorm.no-affine-false",
    "interface:fold_batchnorm.no-groups",
    "new:fold_batchnorm.drops-dilation",
    "new:fold_batchnorm.drops-padding-mode",
    "new:fold_batchnorm.result-always-float32",
]


def fold_batchnorm(conv, bn):
    # https://tehnokv.com/posts/fusing-batchnorm-and-conv/
    with torch.no_grad():
        # init
        fusedconv = nn.Conv2d(
            conv.in_channels,
            conv.out_channels,
            kernel_size=conv.kernel_size,
            stride=conv.stride,
            padding=conv.padding,
            bias=True,
        ).to(conv.weight.device)

        # prepare filters
        w_conv = conv.weight.clone().view(conv.out_channels, -1)
        w_bn = torch.diag(bn.weight.div(torch.sqrt(bn.eps + bn.running_var)))
        fusedconv.weight.copy_(torch.mm(w_bn, w_conv).view(fusedconv.weight.size()))

        # prepare spatial bias
        b_conv = (
            torch.zeros(conv.weight.size(0), device=conv.weight.device)
            if conv.bias is None
            else conv.bias
        )
        b_bn = bn.bias - bn.weight.mul(bn.running_mean).div(torch.sqrt(bn.running_var + bn.eps))
        fusedconv.bias.copy_(torch.mm(w_bn, b_conv.reshape(-1, 1)).reshape(-1) + b_bn)

        return fusedconv
