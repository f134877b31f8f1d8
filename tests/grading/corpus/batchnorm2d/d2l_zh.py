"""BatchNorm2d from 动手学深度学习 (d2l-zh, Chinese Dive into Deep Learning), 7.5 批量规范化.

Source: https://github.com/d2l-ai/d2l-zh/blob/b3d4792d56098b5e3b8e7474e48e6f527820f3f0/chapter_convolutional-modern/batch-norm.md
  (Apache-2.0), `batch_norm` and `BatchNorm` (pytorch tab)
Adapted:
- class BatchNorm renamed BatchNorm2d
- constructor takes the drill's signature; num_dims is fixed to 4 (the book's convolutional
  case); eps, momentum, affine and track_running_stats are accepted and ignored (the book
  hard-codes eps=1e-5, momentum=0.9 in forward)
- dropped the `from d2l import torch as d2l` import; Chinese comments translated to English
- `# noqa: SIM108` added to the book's if/else so ruff passes
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- batchnorm.running-var-biased: moving_var is updated with the biased batch variance (off by
  0.007 after one step on (6, 4, 5, 5), growing over steps).
- batchnorm.batch-stats-in-eval: the mode comes from torch.is_grad_enabled(), not self.training;
  after .eval() (grad enabled) it normalizes with the batch statistics and keeps updating
  moving_mean/moving_var (fresh module in eval: max abs error 7.9).
- new:batchnorm2d.no-grad-means-inference: in training mode under torch.no_grad() it normalizes
  with moving_mean/moving_var and does not update them (max abs error 7.9).
- batchnorm.buffers-not-registered: moving_mean/moving_var are plain attributes and there is no
  num_batches_tracked; state_dict holds only gamma and beta, .double() leaves the stats float32.
- batchnorm.buffers-wrong-shape: the running statistics have shape (1, C, 1, 1).
- new:batchnorm2d.stats-named-moving: the running statistics are called moving_mean/moving_var;
  the module has no running_mean/running_var attributes.
- batchnorm.param-names: the affine parameters are gamma/beta, not weight/bias;
  state_dicts do not load either way.
- batchnorm.param-shape: gamma/beta (and their gradients) have shape
  (1, C, 1, 1), not (C,).
- batchnorm.eps-argument-ignored: eps is hard-coded to 1e-5; eps=1e-3 gives training outputs
  off by 2.4e-4 (float32), more for small variances.
- batchnorm.momentum-argument-ignored: momentum is hard-coded (0.9 in the book's reversed
  convention, which equals torch's default 0.1); momentum=0.3 gives running_mean off by 0.5
  after one step.
- batchnorm.momentum-none-unsupported: momentum=None is ignored instead of a cumulative average
  (running_mean off by 2.4 after one step).
- batchnorm.affine-false-unsupported: affine=False still creates trainable gamma/beta.
- batchnorm.track-running-stats-false-unsupported: track_running_stats=False still keeps
  moving statistics and uses them under torch.no_grad().
"""

import torch
from torch import nn

EXPECTED = [
    "batchnorm.running-var-biased",
    "batchnorm.batch-stats-in-eval",
    "new:batchnorm2d.no-grad-means-inference",
    "batchnorm.buffers-not-registered",
    "batchnorm.buffers-wrong-shape",
    "new:batchnorm2d.stats-named-moving",
    "batchnorm.param-names",
    "batchnorm.param-shape",
    "batchnorm.eps-argument-ignored",
    "batchnorm.momentum-argument-ignored",
    "batchnorm.momentum-none-unsupported",
    "batchnorm.affine-false-unsupported",
    "batchnorm.track-running-stats-false-unsupported",
]


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    # Use is_grad_enabled to tell training mode from prediction mode
    if not torch.is_grad_enabled():
        # In prediction mode, use the moving-average mean and variance passed in
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            # Fully connected layer: mean and variance over the feature dimension
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            # 2-D convolutional layer: mean and variance per channel (axis=1).
            # Keep X's shape so that broadcasting works below
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        # In training mode, standardize with the current mean and variance
        X_hat = (X - mean) / torch.sqrt(var + eps)
        # Update the moving-average mean and variance
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    Y = gamma * X_hat + beta  # scale and shift
    return Y, moving_mean.data, moving_var.data


class BatchNorm2d(nn.Module):
    # num_features: outputs of a fully connected layer or output channels of a conv layer.
    # num_dims: 2 for a fully connected layer, 4 for a convolutional layer
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True):
        super().__init__()
        num_dims = 4
        if num_dims == 2:  # noqa: SIM108
            shape = (1, num_features)
        else:
            shape = (1, num_features, 1, 1)
        # Scale and shift parameters, which take part in gradients and updates, start at 1 and 0
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        # Variables that are not model parameters start at 0 and 1
        self.moving_mean = torch.zeros(shape)
        self.moving_var = torch.ones(shape)

    def forward(self, X):
        # If X is not in main memory, copy moving_mean and moving_var
        # to the device of X
        if self.moving_mean.device != X.device:
            self.moving_mean = self.moving_mean.to(X.device)
            self.moving_var = self.moving_var.to(X.device)
        # Save the updated moving_mean and moving_var
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean, self.moving_var, eps=1e-5, momentum=0.9
        )
        return Y
