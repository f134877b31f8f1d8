"""Dropout layer from Erik Linder-Norén's ML-From-Scratch (numpy).

Source: https://github.com/eriklindernoren/ML-From-Scratch/blob/19b7c251dac7b6e952a00467c2cecc9cce67d623/mlfromscratch/deep_learning/layers.py
  (MIT), `Dropout`
Adapted:
- subclasses nn.Module instead of the repo's Layer; the Layer bookkeeping attributes
  (input_shape, n_units, pass_through, trainable), backward_pass and output_shape are dropped
- forward_pass(X, training=True) -> forward(X), with training = self.training (the repo's
  NeuralNetwork passes training=False at predict time)
- np.random.uniform(size=X.shape) -> torch.rand(X.shape)
- constructor also accepts `inplace` and ignores it (no such option); p keeps its default 0.2
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- dropout.classic-test-scaling: training keeps units unscaled (kept/x = 1.0 for p=0.2, 0.5, 0.8,
  input gradient = mask), eval multiplies by 1-p (y/x = 0.5 at p=0.5, 0.8 at p=0.2, 0 at p=1)
- dropout.wrong-default-p: Dropout() drops 20% of the elements; torch's default p is 0.5
- dropout.p-not-validated: Dropout(p=1.5) and Dropout(p=-0.1) construct and run with no
  error (p=1.5 zeroes everything in training, eval multiplies by -0.5); torch raises ValueError
- dropout.inplace-not-honoured: inplace=True returns a new tensor and leaves the input unchanged
"""

import torch
from torch import nn

EXPECTED = [
    "dropout.classic-test-scaling",
    "dropout.wrong-default-p",
    "dropout.p-not-validated",
    "dropout.inplace-not-honoured",
]


class Dropout(nn.Module):
    """A layer that randomly sets a fraction p of the output units of the previous layer
    to zero.

    Parameters:
    -----------
    p: float
        The probability that unit x is set to zero.
    """

    def __init__(self, p=0.2, inplace=False):
        super().__init__()
        self.p = p
        self._mask = None

    def forward(self, X):
        training = self.training
        c = 1 - self.p
        if training:
            self._mask = torch.rand(X.shape) > self.p
            c = self._mask
        return X * c
