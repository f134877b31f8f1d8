"""BatchNorm1d from hannawong/MLE-interview, a Chinese ML-engineer interview write-up ("BN实现").

Source: https://github.com/hannawong/MLE-interview/blob/5043d5b8409ccca2f7c7a0c130991f4eb621e909/编程语言基础/pytorch/BN实现.md
  (no license stated), class MyBN and its batch_norm method
Adapted:
- class MyBN renamed BatchNorm1d and subclasses nn.Module (super().__init__() added)
- constructor takes the drill's signature: (momentum, eps, num_features) without defaults becomes
  (num_features, eps=1e-5, momentum=0.1, ...); affine and track_running_stats are accepted and
  ignored
- batch_norm, printed at module level with a `self` argument, is made the forward method
- numpy to torch: np.zeros/np.ones -> torch.zeros/torch.ones, np.sqrt -> torch.sqrt,
  x.mean(axis=0) -> x.mean(dim=0), x.var(axis=0) -> x.var(dim=0, unbiased=False) (numpy's var
  is biased)
- _beta and _gamma wrapped in nn.Parameter
- Chinese comments translated to English
- `# noqa: RET504` added so ruff passes
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- batchnorm.batch-stats-in-eval: there is no eval branch; eval normalizes with the batch
  statistics (fresh module in eval: max abs error 6.2) and keeps updating the running stats.
- batchnorm.momentum-reversed: running = (1 - m) * batch + m * running (running_mean 9x torch's
  after one step with m = 0.1).
- batchnorm.running-var-biased: the running variance tracks the biased batch variance.
- batchnorm.buffers-not-registered: the running statistics are plain attributes and there is no
  num_batches_tracked; state_dict holds only _beta and _gamma.
- new:batchnorm1d.running-stats-init-python-scalars: _running_mean/_running_var start as the
  Python ints 0 and 1 (not tensors of shape (C,)) until the first training step.
- new:batchnorm1d.stats-named-private: the statistics are _running_mean/_running_var; the module
  has no running_mean/running_var attributes.
- batchnorm.param-names: the affine parameters are _gamma/_beta, not
  weight/bias; state_dicts do not load either way.
- new:batchnorm1d.running-stats-carry-graph: the running statistics are updated outside
  torch.no_grad() from the graph's batch mean/var, so they require grad and hold a grad_fn
  (AddBackward0) that chains across steps.
- batchnorm.wrong-dims: (N, C, L) input is reduced over dim 0 only; gamma then fails to
  broadcast unless L == C.
- batchnorm.momentum-none-unsupported: momentum=None raises TypeError (1 - None).
- batchnorm.affine-false-unsupported: affine=False still creates trainable _gamma/_beta.
"""

import torch
from torch import nn

EXPECTED = [
    "batchnorm.batch-stats-in-eval",
    "batchnorm.momentum-reversed",
    "batchnorm.running-var-biased",
    "batchnorm.buffers-not-registered",
    "new:batchnorm1d.running-stats-init-python-scalars",
    "new:batchnorm1d.stats-named-private",
    "batchnorm.param-names",
    "new:batchnorm1d.running-stats-carry-graph",
    "batchnorm.wrong-dims",
    "batchnorm.momentum-none-unsupported",
    "batchnorm.affine-false-unsupported",
]


class BatchNorm1d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True):
        """
        Initialize the parameters
        :param momentum: momentum for tracking the overall mean and variance of the samples
        :param eps: guards against numerical errors
        :param num_features: number of features
        """
        super().__init__()
        # track the mean and var of every batch
        self._running_mean = 0
        self._running_var = 1
        # momentum used to update self._running_xxx
        self._momentum = momentum
        # keeps the denominator away from 0
        self._eps = eps
        # beta and gamma from the paper, initialized as in the pytorch docs
        self._beta = nn.Parameter(torch.zeros(num_features))
        self._gamma = nn.Parameter(torch.ones(num_features))

    def forward(self, x):
        """
        BN forward pass
        :param x: data
        :return: BN output
        """
        x_mean = x.mean(dim=0)
        x_var = x.var(dim=0, unbiased=False)
        # the running_mean update formula
        self._running_mean = (1 - self._momentum) * x_mean + self._momentum * self._running_mean
        self._running_var = (1 - self._momentum) * x_var + self._momentum * self._running_var
        # the BN formula from the paper
        x_hat = (x - x_mean) / torch.sqrt(x_var + self._eps)
        y = self._gamma * x_hat + self._beta
        return y  # noqa: RET504
