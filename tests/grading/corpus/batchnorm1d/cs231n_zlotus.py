"""BatchNorm1d from a CS231n assignment 2 solution (zlotus/cs231n), batchnorm_forward.

Source: https://github.com/zlotus/cs231n/blob/03acea73a71c073c6cea74c71abe006ee5f3372a/assignment2/cs231n/layers.py
  (no license stated), function batchnorm_forward
Adapted:
- numpy to torch: np.zeros(D, dtype=x.dtype) -> torch.zeros(D, dtype=x.dtype),
  np.mean(a, axis=0) -> torch.mean(a, dim=0), np.sqrt -> torch.sqrt
- dropped the docstring, the TODO banners and the commented-out first attempt
- wrapped in a module BatchNorm1d: the constructor takes the drill's signature and keeps the
  assignment's defaults (eps=1e-5, momentum=0.9, read by bn_param.get); it holds weight/bias
  parameters (ones/zeros) passed as gamma/beta and the bn_param dict; forward sets
  bn_param["mode"] from self.training and returns `out`; affine and track_running_stats are
  accepted and ignored
- `# noqa: RUF059, UP031` comments added so ruff passes
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- batchnorm.running-var-init-zeros: running_var starts as zeros (bn_param.get default), so eval
  on a fresh module divides by sqrt(eps) (max abs error 2.6e3).
- batchnorm.running-var-biased: the running variance tracks the biased batch variance.
- batchnorm.momentum-reversed: running = momentum * running + (1 - momentum) * batch; the
  assignment's default 0.9 equals torch's 0.1, but momentum=0.3 gives running_mean off by 1.2
  after one step.
- batchnorm.buffers-not-registered: the running statistics live in the bn_param dict (created at
  the first forward); state_dict holds only weight and bias, and there is no
  num_batches_tracked.
- new:batchnorm1d.running-stats-carry-graph: the running statistics are computed from the
  graph's batch mean/var without torch.no_grad(), so they require grad and hold a grad_fn.
- interface:batchnorm1d.2d-input-only: `N, D = x.shape` raises ValueError for (N, C, L) input.
- batchnorm.momentum-none-unsupported: momentum=None raises TypeError (None * Tensor).
- batchnorm.affine-false-unsupported: affine=False still creates weight and bias.
- batchnorm.track-running-stats-false-unsupported: track_running_stats=False still tracks
  running statistics and eval normalizes with them (eval output max abs error 2.6).
"""

import torch
from torch import nn

EXPECTED = [
    "batchnorm.running-var-init-zeros",
    "batchnorm.running-var-biased",
    "batchnorm.momentum-reversed",
    "batchnorm.buffers-not-registered",
    "new:batchnorm1d.running-stats-carry-graph",
    "interface:batchnorm1d.2d-input-only",
    "batchnorm.momentum-none-unsupported",
    "batchnorm.affine-false-unsupported",
    "batchnorm.track-running-stats-false-unsupported",
]


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape  # noqa: RUF059
    running_mean = bn_param.get("running_mean", torch.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", torch.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        # ref: http://costapt.github.io/2016/06/26/batch-norm/
        sample_mean = torch.mean(x, dim=0)
        xcentered = x - sample_mean
        xcentered2 = xcentered**2  # x centered squarre
        sample_var = torch.mean(xcentered2, dim=0)
        std = torch.sqrt(sample_var + eps)
        stdinv = 1 / std
        xhat = xcentered * stdinv
        out = gamma * xhat + beta

        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var

        cache = (gamma, xhat, stdinv, std, xcentered)
    elif mode == "test":
        x_hat = (x - running_mean) / (torch.sqrt(running_var + eps))
        out = gamma * x_hat + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)  # noqa: UP031

    # Store the updated running means back into bn_param
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


class BatchNorm1d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.9, affine=True, track_running_stats=True):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.bn_param = {"eps": eps, "momentum": momentum}

    def forward(self, x):
        self.bn_param["mode"] = "train" if self.training else "test"
        out, _ = batchnorm_forward(x, self.weight, self.bias, self.bn_param)
        return out
