"""LayerNorm from labml.ai's annotated paper implementations.

Source: https://github.com/labmlai/annotated_deep_learning_paper_implementations/blob/0eb74d7b200a3258c7e61aa59ee231d86c9a4671/labml_nn/normalization/layer_norm/__init__.py
  (MIT), class LayerNorm
Adapted: base class labml_helpers.module.Module replaced by nn.Module
Adapted: constructor accepts `bias` (keyword) and ignores it (the original has no such option)
Adapted: annotation Union[int, List[int], Size] written int | list[int] | Size (ruff UP006/UP007)
Adapted: docstrings and the _test function dropped
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- interface:layernorm.tuple-shape-rejected: a tuple normalized_shape (e.g. (8,) or (5, 8)) fails
  `assert isinstance(normalized_shape, torch.Size)`; only int, list and torch.Size are accepted
- new:layernorm.var-from-moments: var = E[x^2] - E[x]^2 cancels catastrophically in float32;
  normalized_shape=8 on N(100,1) inputs: max abs error 5e-3 on (6, 8), 2.3e-2 on (3, 5, 8) (float64
  and N(2,9) match)
- layernorm.bias-flag-ignored: bias=False still creates a bias parameter (with normalized_shape=8:
  state_dict key `bias` torch lacks)
- layernorm.param-names: parameters are gain/bias, so torch's state_dict does not load (torch
  has weight/bias)
"""

import torch
from torch import Size, nn

EXPECTED = [
    "interface:layernorm.tuple-shape-rejected",
    "new:layernorm.var-from-moments",
    "layernorm.bias-flag-ignored",
    "layernorm.param-names",
]


class LayerNorm(nn.Module):
    def __init__(
        self,
        normalized_shape: int | list[int] | Size,
        *,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
    ):
        super().__init__()

        # Convert `normalized_shape` to `torch.Size`
        if isinstance(normalized_shape, int):
            normalized_shape = torch.Size([normalized_shape])
        elif isinstance(normalized_shape, list):
            normalized_shape = torch.Size(normalized_shape)
        assert isinstance(normalized_shape, torch.Size)

        #
        self.normalized_shape = normalized_shape
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        # Create parameters for $\gamma$ and $\beta$ for gain and bias
        if self.elementwise_affine:
            self.gain = nn.Parameter(torch.ones(normalized_shape))
            self.bias = nn.Parameter(torch.zeros(normalized_shape))

    def forward(self, x: torch.Tensor):
        # Sanity check to make sure the shapes match
        assert self.normalized_shape == x.shape[-len(self.normalized_shape) :]

        # The dimensions to calculate the mean and variance on
        dims = [-(i + 1) for i in range(len(self.normalized_shape))]

        # Calculate the mean of all elements;
        # i.e. the means for each element $\mathbb{E}[X]$
        mean = x.mean(dim=dims, keepdim=True)
        # Calculate the squared mean of all elements;
        # i.e. the means for each element $\mathbb{E}[X^2]$
        mean_x2 = (x**2).mean(dim=dims, keepdim=True)
        # Variance of all element $Var[X] = \mathbb{E}[X^2] - \mathbb{E}[X]^2$
        var = mean_x2 - mean**2

        # Normalize $$\hat{X} = \frac{X - \mathbb{E}[X]}{\sqrt{Var[X] + \epsilon}}$$
        x_norm = (x - mean) / torch.sqrt(var + self.eps)
        # Scale and shift $$\text{LN}(x) = \gamma \hat{X} + \beta$$
        if self.elementwise_affine:
            x_norm = self.gain * x_norm + self.bias

        #
        return x_norm
