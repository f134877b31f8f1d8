"""BatchNorm1d from Andrej Karpathy's "Neural Networks: Zero to Hero", makemore part 5.

Source: https://github.com/karpathy/nn-zero-to-hero/blob/74aac39aea9bd1c8405354bff08a6fe675d38788/lectures/makemore/makemore_part5_cnn1.ipynb
  (MIT), class BatchNorm1d (the part 3 class plus the 3-D case)
Adapted:
- subclasses nn.Module (super().__init__() added); __call__ renamed forward
- constructor takes the drill's signature (dim renamed num_features); affine and
  track_running_stats are accepted and ignored
- gamma and beta wrapped in nn.Parameter; the parameters() method is dropped (it would shadow
  nn.Module.parameters)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- batchnorm.unbiased-normalization: normalizes with x.var(dim) (unbiased); training output off
  by a factor sqrt(n/(n-1)) (max abs 0.086 for N=16, float32; input gradient off by 3%).
- batchnorm.wrong-dims: 3-D input is treated as (B, T, C) and reduced over dims (0, 1); for
  (N, C, L) input it fails to broadcast gamma unless L == C, and with L == C it normalizes per
  position (max abs error 0.6 on (8, 4, 4)).
- batchnorm.buffers-not-registered: running_mean/running_var are plain attributes and there is
  no num_batches_tracked; state_dict holds only gamma and beta, .double() leaves them float32.
- batchnorm.buffers-wrong-shape: after the first training step the running statistics have
  shape (1, C) (keepdim=True batch statistics); (1, 1, C) after a 3-D input.
- batchnorm.param-names: the affine parameters are gamma/beta, not weight/bias;
  state_dicts do not load either way.
- batchnorm.momentum-none-unsupported: momentum=None raises TypeError (1 - None).
- batchnorm.affine-false-unsupported: affine=False still creates trainable gamma/beta.
- batchnorm.track-running-stats-false-unsupported: with track_running_stats=False eval still
  normalizes with the running statistics (max abs error 6.7 in the weight gradient, eval).
"""

import torch
from torch import nn

EXPECTED = [
    "batchnorm.unbiased-normalization",
    "batchnorm.wrong-dims",
    "batchnorm.buffers-not-registered",
    "batchnorm.buffers-wrong-shape",
    "batchnorm.param-names",
    "batchnorm.momentum-none-unsupported",
    "batchnorm.affine-false-unsupported",
    "batchnorm.track-running-stats-false-unsupported",
]


class BatchNorm1d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True):
        super().__init__()
        dim = num_features
        self.eps = eps
        self.momentum = momentum
        self.training = True
        # parameters (trained with backprop)
        self.gamma = nn.Parameter(torch.ones(dim))
        self.beta = nn.Parameter(torch.zeros(dim))
        # buffers (trained with a running 'momentum update')
        self.running_mean = torch.zeros(dim)
        self.running_var = torch.ones(dim)

    def forward(self, x):
        # calculate the forward pass
        if self.training:
            if x.ndim == 2:
                dim = 0
            elif x.ndim == 3:
                dim = (0, 1)
            xmean = x.mean(dim, keepdim=True)  # batch mean
            xvar = x.var(dim, keepdim=True)  # batch variance
        else:
            xmean = self.running_mean
            xvar = self.running_var
        xhat = (x - xmean) / torch.sqrt(xvar + self.eps)  # normalize to unit variance
        self.out = self.gamma * xhat + self.beta
        # update the buffers
        if self.training:
            with torch.no_grad():
                self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * xmean
                self.running_var = (1 - self.momentum) * self.running_var + self.momentum * xvar
        return self.out
