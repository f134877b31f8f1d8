"""BatchNorm2d from GYee/CV_interviews_Q-A, a Chinese CV interview Q&A ("BN层的深入理解").

Source: https://github.com/GYee/CV_interviews_Q-A/blob/c3c65eef3c70df250a7e9c91e979230f93b8cf6a/计算机视觉/04_BN层的深入理解.md
  (no license stated), `batch_norm` and `BatchNorm` in "代码实现BN层"
Adapted:
- class BatchNorm renamed BatchNorm2d (also in the super() call)
- constructor takes the drill's signature; num_dims is fixed to 4 (the convolutional case);
  eps, momentum, affine and track_running_stats are accepted and ignored (forward hard-codes
  eps=1e-5, momentum=0.9)
- the full-width space (U+3000) before the comment on the __init__ line, a syntax error in
  Python, replaced by a normal space; Chinese comments translated to English
- `# noqa` comments (SIM108, UP008) added so ruff passes
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- batchnorm.running-var-init-zeros: moving_var starts at zeros, so eval on a fresh module divides
  by sqrt(eps) (max abs error 3.4e3).
- batchnorm.running-var-biased: moving_var is updated with the biased batch variance.
- batchnorm.buffers-not-registered: moving_mean/moving_var are plain attributes and there is no
  num_batches_tracked; state_dict holds only gamma and beta, .double() leaves the stats float32.
- batchnorm.buffers-wrong-shape: the running statistics have shape (1, C, 1, 1).
- new:batchnorm2d.stats-named-moving: the running statistics are called moving_mean/moving_var;
  the module has no running_mean/running_var attributes.
- new:batchnorm2d.running-stats-carry-graph: the moving statistics are computed from the graph's
  batch mean/var and stored without .data/detach or torch.no_grad(), so they require grad and
  hold a grad_fn (AddBackward0) that chains across steps.
- batchnorm.param-names: the affine parameters are gamma/beta, not weight/bias;
  state_dicts do not load either way.
- batchnorm.param-shape: gamma/beta (and their gradients) have shape
  (1, C, 1, 1), not (C,).
- batchnorm.eps-argument-ignored: eps is hard-coded to 1e-5; eps=1e-3 gives training outputs
  off by 2.4e-4 (float32).
- batchnorm.momentum-argument-ignored: momentum is hard-coded (0.9 in the reversed convention,
  which equals torch's default 0.1); momentum=0.3 gives running_mean off by 0.5 after one step.
- batchnorm.momentum-none-unsupported: momentum=None is ignored instead of a cumulative average.
- batchnorm.affine-false-unsupported: affine=False still creates trainable gamma/beta.
- batchnorm.track-running-stats-false-unsupported: track_running_stats=False still tracks
  moving statistics and eval normalizes with them (eval output max abs error 3.8).
"""

import torch
from torch import nn

EXPECTED = [
    "batchnorm.running-var-init-zeros",
    "batchnorm.running-var-biased",
    "batchnorm.buffers-not-registered",
    "batchnorm.buffers-wrong-shape",
    "new:batchnorm2d.stats-named-moving",
    "new:batchnorm2d.running-stats-carry-graph",
    "batchnorm.param-names",
    "batchnorm.param-shape",
    "batchnorm.eps-argument-ignored",
    "batchnorm.momentum-argument-ignored",
    "batchnorm.momentum-none-unsupported",
    "batchnorm.affine-false-unsupported",
    "batchnorm.track-running-stats-false-unsupported",
]


def batch_norm(is_training, X, gamma, beta, moving_mean, moving_var, eps, momentum):
    # Tell training mode from inference mode
    if not is_training:
        # In inference mode, use the moving-average mean and variance passed in
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            # Fully connected layer: mean and variance over the feature dimension
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            # 2-D convolution: mean and variance per channel (axis=1). Keep X's shape so that
            # broadcasting works below
            # torch.Tensor layout: (nSample) x C x H x W, so average over every dim but C
            mean = X.mean(dim=0, keepdim=True).mean(dim=2, keepdim=True).mean(dim=3, keepdim=True)
            var = (
                ((X - mean) ** 2)
                .mean(dim=0, keepdim=True)
                .mean(dim=2, keepdim=True)
                .mean(dim=3, keepdim=True)
            )
        # In training mode, standardize with the current mean and variance
        X_hat = (X - mean) / torch.sqrt(var + eps)
        # Update the moving-average mean and variance
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    Y = gamma * X_hat + beta  # scale and shift (reconstruction)
    return Y, moving_mean, moving_var


class BatchNorm2d(nn.Module):
    def __init__(
        self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True
    ):  # num_features is the number of channels
        super(BatchNorm2d, self).__init__()  # noqa: UP008
        num_dims = 4
        if num_dims == 2:  # noqa: SIM108
            shape = (1, num_features)
        else:
            shape = (1, num_features, 1, 1)
        # Scale and shift parameters that take part in gradients and updates, set to 1 and 0
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        # Variables outside gradients and updates, all created in memory as 0
        self.moving_mean = torch.zeros(shape)
        self.moving_var = torch.zeros(shape)

    def forward(self, X):
        # If X is not in main memory, copy moving_mean and moving_var to X's device
        if self.moving_mean.device != X.device:
            self.moving_mean = self.moving_mean.to(X.device)
            self.moving_var = self.moving_var.to(X.device)
        # Save the updated moving_mean and moving_var; a Module's training attribute is True by
        # default and becomes False after .eval()
        Y, self.moving_mean, self.moving_var = batch_norm(
            self.training,
            X,
            self.gamma,
            self.beta,
            self.moving_mean,
            self.moving_var,
            eps=1e-5,
            momentum=0.9,
        )
        return Y
