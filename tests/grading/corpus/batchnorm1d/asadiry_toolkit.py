"""BatchNorm1d from Asadiry/toolKit (a personal operator toolkit), class CustomBatchNorm1d.

Source: https://github.com/Asadiry/toolKit/blob/c346f3e91ce311a6382e65ecb513a279fde60ee0/Operator/norm.py
  (no license stated), class CustomBatchNorm1d
Adapted:
- class CustomBatchNorm1d renamed BatchNorm1d (also in the super() call)
- constructor takes the drill's signature; affine and track_running_stats are accepted and ignored
- `# noqa: UP008, RET504` comments added so ruff passes
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- batchnorm.unbiased-normalization: normalizes with x.var(dim=0) (unbiased); training output off
  by sqrt(n/(n-1)) (max abs 0.086 for N=16, float32; input gradient off by 3%). The running
  variance (also unbiased) matches torch's.
- batchnorm.wrong-dims: reduces over dim 0 only; (N, C, L) input fails to broadcast the weight
  (or normalizes per (c, l) when L == C).
- new:batchnorm1d.no-num-batches-tracked: there is no num_batches_tracked buffer; torch's
  state_dict does not load strictly (unexpected key num_batches_tracked).
- new:batchnorm1d.running-stats-carry-graph: the running statistics are updated outside
  torch.no_grad() from the graph's batch mean/var, so the buffers require grad and hold a
  grad_fn (AddBackward0) that chains across steps.
- batchnorm.momentum-none-unsupported: momentum=None raises TypeError (1 - None).
- batchnorm.affine-false-unsupported: affine=False still creates weight and bias.
- batchnorm.track-running-stats-false-unsupported: track_running_stats=False still registers
  the running buffers and eval normalizes with them (max abs error 6.7 in the weight gradient).
"""

import torch
import torch.nn as nn

EXPECTED = [
    "batchnorm.unbiased-normalization",
    "batchnorm.wrong-dims",
    "new:batchnorm1d.no-num-batches-tracked",
    "new:batchnorm1d.running-stats-carry-graph",
    "batchnorm.momentum-none-unsupported",
    "batchnorm.affine-false-unsupported",
    "batchnorm.track-running-stats-false-unsupported",
]


class BatchNorm1d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True):
        super(BatchNorm1d, self).__init__()  # noqa: UP008
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum

        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x):
        if self.training:
            mean = x.mean(dim=0)
            var = x.var(dim=0)

            self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mean
            self.running_var = (1 - self.momentum) * self.running_var + self.momentum * var
        else:
            mean = self.running_mean
            var = self.running_var

        x = (x - mean) / torch.sqrt(var + self.eps)
        x = x * self.weight + self.bias
        return x  # noqa: RET504
