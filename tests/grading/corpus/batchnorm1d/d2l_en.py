"""BatchNorm1d from Dive into Deep Learning (d2l-en), section 8.5 "Batch Normalization".

Source: https://github.com/d2l-ai/d2l-en/blob/c6134986f1d191cb41a745557acc405311da56f6/chapter_convolutional-modern/batch-norm.md
  (MIT-0 sample code), `batch_norm` and `BatchNorm` (PyTorch tab)
Adapted:
- class BatchNorm renamed BatchNorm1d
- constructor takes the drill's signature; num_dims is fixed to 2 (the book's fully connected case);
  eps, momentum, affine and track_running_stats are accepted and ignored (the book hard-codes
  eps=1e-5, momentum=0.1 in forward)
- dropped the `from d2l import torch as d2l` import
- `# noqa: SIM108` added to the book's if/else so ruff passes
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- batchnorm.running-var-biased: moving_var is updated with the biased batch variance (N=16:
  running_var off by 0.09 after one step, outputs equal).
- batchnorm.batch-stats-in-eval: the mode comes from torch.is_grad_enabled(), not self.training;
  after .eval() (grad enabled) it normalizes with the batch statistics and keeps updating
  moving_mean/moving_var (fresh module in eval: max abs error 6.2).
- new:batchnorm1d.no-grad-means-inference: in training mode under torch.no_grad() it normalizes
  with moving_mean/moving_var and does not update them (max abs error 6.6 on N(2, 9) input).
- batchnorm.buffers-not-registered: moving_mean/moving_var are plain attributes and there is no
  num_batches_tracked; state_dict holds only gamma and beta, .double() leaves the stats float32.
- batchnorm.buffers-wrong-shape: the running statistics have shape (1, C).
- new:batchnorm1d.stats-named-moving: the running statistics are called moving_mean/moving_var;
  the module has no running_mean/running_var attributes.
- batchnorm.param-names: the affine parameters are gamma/beta, not weight/bias;
  torch's state_dict does not load (missing gamma, beta; unexpected weight, bias, running_*).
- batchnorm.param-shape: gamma/beta (and their gradients) have shape (1, C), not (C,).
- interface:batchnorm1d.2d-input-only: (N, C, L) input fails `assert len(X.shape) in (2, 4)`
  (training, and eval with grad enabled).
- batchnorm.eps-argument-ignored: eps is hard-coded to 1e-5; with eps=1e-3 the training output
  differs by 1.7e-4 (float32, N(2, 9) input), more for small variances.
- batchnorm.momentum-argument-ignored: momentum is hard-coded to 0.1; with momentum=0.3
  running_mean is off by 0.6 after one step.
- batchnorm.momentum-none-unsupported: momentum=None is ignored (0.1 is used) instead of a
  cumulative average (running_mean off by 2.7 after one step).
- batchnorm.affine-false-unsupported: affine=False still creates trainable gamma/beta.
- batchnorm.track-running-stats-false-unsupported: track_running_stats=False still keeps
  moving statistics and uses them under torch.no_grad().
"""

import torch
from torch import nn

EXPECTED = [
    "batchnorm.running-var-biased",
    "batchnorm.batch-stats-in-eval",
    "new:batchnorm1d.no-grad-means-inference",
    "batchnorm.buffers-not-registered",
    "batchnorm.buffers-wrong-shape",
    "new:batchnorm1d.stats-named-moving",
    "batchnorm.param-names",
    "batchnorm.param-shape",
    "interface:batchnorm1d.2d-input-only",
    "batchnorm.eps-argument-ignored",
    "batchnorm.momentum-argument-ignored",
    "batchnorm.momentum-none-unsupported",
    "batchnorm.affine-false-unsupported",
    "batchnorm.track-running-stats-false-unsupported",
]


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    # Use is_grad_enabled to determine whether we are in training mode
    if not torch.is_grad_enabled():
        # In prediction mode, use mean and variance obtained by moving average
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            # When using a fully connected layer, calculate the mean and
            # variance on the feature dimension
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            # When using a two-dimensional convolutional layer, calculate the
            # mean and variance on the channel dimension (axis=1). Here we
            # need to maintain the shape of X, so that the broadcasting
            # operation can be carried out later
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        # In training mode, the current mean and variance are used
        X_hat = (X - mean) / torch.sqrt(var + eps)
        # Update the mean and variance using moving average
        moving_mean = (1.0 - momentum) * moving_mean + momentum * mean
        moving_var = (1.0 - momentum) * moving_var + momentum * var
    Y = gamma * X_hat + beta  # Scale and shift
    return Y, moving_mean.data, moving_var.data


class BatchNorm1d(nn.Module):
    # num_features: the number of outputs for a fully connected layer or the
    # number of output channels for a convolutional layer. num_dims: 2 for a
    # fully connected layer and 4 for a convolutional layer
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True):
        super().__init__()
        num_dims = 2
        if num_dims == 2:  # noqa: SIM108
            shape = (1, num_features)
        else:
            shape = (1, num_features, 1, 1)
        # The scale parameter and the shift parameter (model parameters) are
        # initialized to 1 and 0, respectively
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        # The variables that are not model parameters are initialized to 0 and
        # 1
        self.moving_mean = torch.zeros(shape)
        self.moving_var = torch.ones(shape)

    def forward(self, X):
        # If X is not on the main memory, copy moving_mean and moving_var to
        # the device where X is located
        if self.moving_mean.device != X.device:
            self.moving_mean = self.moving_mean.to(X.device)
            self.moving_var = self.moving_var.to(X.device)
        # Save the updated moving_mean and moving_var
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean, self.moving_var, eps=1e-5, momentum=0.1
        )
        return Y
