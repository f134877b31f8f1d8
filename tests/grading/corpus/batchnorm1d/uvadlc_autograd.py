"""BatchNorm1d from a UvA Deep Learning course (uvadlc practicals 2019) solution, Dafidofff.

Source: https://github.com/Dafidofff/Deep_Learning1/blob/baf6dcdb7acadcf5f16fc75a1eb1f8a9c15c68d8/assignment_1/code/custom_batchnorm.py
  (no license stated), class CustomBatchNormAutograd
Adapted:
- class CustomBatchNormAutograd renamed BatchNorm1d (also in the super() call)
- constructor takes the drill's signature (n_neurons renamed num_features); momentum, affine and
  track_running_stats are accepted and ignored
- dropped the docstrings and the "PUT YOUR CODE HERE" banners; `# noqa: UP008, RET504` comments
  added so ruff passes
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- batchnorm.unbiased-normalization: normalizes with torch.var(input, 0) (unbiased); output off
  by sqrt(n/(n-1)) (max abs 0.086 for N=16, float32).
- new:batchnorm1d.no-running-stats: there are no running statistics at all (no running_mean,
  running_var, num_batches_tracked; momentum is unused).
- batchnorm.batch-stats-in-eval: eval normalizes with the batch statistics (there is nothing
  else to use).
- batchnorm.param-names: the affine parameters are gamma/beta, not weight/bias.
- interface:batchnorm1d.2d-input-only: (N, C, L) input fails `assert len(input.shape) == 2`.
- batchnorm.affine-false-unsupported: affine=False still creates gamma and beta.
"""

import torch
import torch.nn as nn

EXPECTED = [
    "batchnorm.unbiased-normalization",
    "new:batchnorm1d.no-running-stats",
    "batchnorm.batch-stats-in-eval",
    "batchnorm.param-names",
    "interface:batchnorm1d.2d-input-only",
    "batchnorm.affine-false-unsupported",
]


class BatchNorm1d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True):
        super(BatchNorm1d, self).__init__()  # noqa: UP008

        self.eps = eps
        self.beta = nn.Parameter(torch.zeros(num_features))
        self.gamma = nn.Parameter(torch.ones(num_features))

    def forward(self, input):
        assert len(input.shape) == 2, "Check the shape!"
        mean = input.mean(0)
        var = torch.var(input, 0)
        x_hat = (input - mean) / torch.sqrt(var + self.eps)
        out = self.gamma * x_hat + self.beta

        return out  # noqa: RET504
