"""BatchNorm1d from bilgekul/custom-GAN- (a hand-written BatchNorm for a GAN), class BatchNorm.

Source: https://github.com/bilgekul/custom-GAN-/blob/652214ec87623b1173cfb9b5b56c4109c33c1ee9/CustomBN.py
  (no license stated), class BatchNorm
Adapted:
- class BatchNorm renamed BatchNorm1d (also in the super() call)
- added the imports the file relies on (import torch, import torch.nn as nn)
- constructor takes the drill's signature; affine and track_running_stats are accepted and ignored
- `# noqa: UP008, RET504` comments added so ruff passes
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- batchnorm.running-var-biased: running_var tracks the biased batch variance (off by 0.09 after
  one step with N=16; eval output off by 0.1).
- batchnorm.param-names: the affine parameters are gamma/beta, not weight/bias;
  state_dicts do not load either way.
- new:batchnorm1d.no-num-batches-tracked: there is no num_batches_tracked buffer.
- new:batchnorm1d.running-stats-carry-graph: the running statistics are updated outside
  torch.no_grad() from the graph's batch mean/var, so the buffers require grad and hold a
  grad_fn (AddBackward0) that chains across steps.
- batchnorm.wrong-dims: reduces over dim 0 only; (N, C, L) input fails to broadcast.
- batchnorm.momentum-none-unsupported: momentum=None raises TypeError (1 - None).
- batchnorm.affine-false-unsupported: affine=False still creates gamma and beta.
- batchnorm.track-running-stats-false-unsupported: track_running_stats=False still registers
  the running buffers and eval normalizes with them (eval output max abs error 1.9).
"""

import torch
import torch.nn as nn

EXPECTED = [
    "batchnorm.running-var-biased",
    "batchnorm.param-names",
    "new:batchnorm1d.no-num-batches-tracked",
    "new:batchnorm1d.running-stats-carry-graph",
    "batchnorm.wrong-dims",
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

        self.gamma = nn.Parameter(torch.ones(num_features))
        self.beta = nn.Parameter(torch.zeros(num_features))

        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x):
        if self.training:
            mean = x.mean(dim=0, keepdim=True)
            var = x.var(dim=0, unbiased=False, keepdim=True)

            self.running_mean = (
                1 - self.momentum
            ) * self.running_mean + self.momentum * mean.squeeze()
            self.running_var = (
                1 - self.momentum
            ) * self.running_var + self.momentum * var.squeeze()
        else:
            mean = self.running_mean.unsqueeze(0)
            var = self.running_var.unsqueeze(0)

        x = (x - mean) / torch.sqrt(var + self.eps)
        x = self.gamma * x + self.beta
        return x  # noqa: RET504
