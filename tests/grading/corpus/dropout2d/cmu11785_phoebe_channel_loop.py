"""Dropout2d from a CMU 11-785 HW2 bonus solution by phoebe97629 (the per-channel loop version).

Source: https://github.com/phoebe97629/CMU-Deep-Learning_11785/blob/c1d72f252548a8a88d1c07eab5a80b173c94fd93/HW2Bonus/dropout.py
  (no license file), `Dropout2d`
Adapted:
- subclasses nn.Module instead of object; __call__ and backward are dropped
- forward(x, train=True) -> forward(x), with train = self.training
- numpy -> torch: np.random.binomial(1, p, n) -> torch.bernoulli(torch.full((n,), p)).tolist()
  (iterating a tensor yields 0-d tensors and made the loop ~4x slower than numpy, enough to hit
  the grader's 10 s limit; the list keeps numpy-like speed), np.ones / np.zeros -> torch.ones /
  torch.zeros, np.reshape(list, shape) -> torch.reshape(torch.stack(list), shape), and
  `x *= mask` (numpy turns the list into an array) -> `x *= torch.stack(mask)`
- constructor also accepts `inplace` and ignores it (no such option)
- `# noqa: RUF059` and `# noqa: B007` on the original's unused names so ruff passes
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- dropout.inplace-not-honoured: training writes the result into the input (`x *= mask`) and
  returns it even with inplace=False; a leaf input with requires_grad=True raises "a leaf
  Variable that requires grad is being used in an in-place operation"
- dropout.p1-not-handled: p=1 in training returns all NaN (x * 0 / 0); torch returns zeros
- dropout.p-not-validated: Dropout2d(p=1.5) and Dropout2d(p=-0.1) construct fine; the
  training forward then fails inside torch.bernoulli with RuntimeError; torch raises ValueError
"""

import torch
from torch import nn

EXPECTED = ["dropout.inplace-not-honoured", "dropout.p1-not-handled", "dropout.p-not-validated"]


class Dropout2d(nn.Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        # Dropout probability
        self.p = p

    def forward(self, x):
        train = self.training
        # 1) Get and apply a per-channel mask generated from np.random.binomial
        # 2) Scale your output accordingly
        # 3) During test time, you should not apply any mask or scaling.

        # zerp out entir channel

        if train:
            batch_size, in_channel, input_width, input_height = x.shape  # noqa: RUF059

            mask = []
            for b in range(batch_size):  # noqa: B007
                c = []
                sample = torch.bernoulli(torch.full((x.shape[1],), self.p)).tolist()
                for i in sample:
                    if i == 0:
                        arr = torch.ones((x.shape[2], x.shape[3]))
                        c.append(arr)
                    elif i == 1:
                        arr = torch.zeros((x.shape[2], x.shape[3]))
                        c.append(arr)

                c = torch.reshape(torch.stack(c), (x.shape[1], x.shape[2], x.shape[3]))
                mask.append(c)

            self.mask = torch.reshape(torch.stack(mask), (x.shape))
            x *= torch.stack(mask)
            x /= 1 - self.p
        return x
