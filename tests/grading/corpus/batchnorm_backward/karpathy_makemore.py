"""Batch norm backward from Andrej Karpathy's "Neural Networks: Zero to Hero", makemore part 4.

Source: https://github.com/karpathy/nn-zero-to-hero/blob/44cfac7e03782b78f6bf2390d37926453295c90a/lectures/makemore/makemore_part4_backprop.ipynb
  (MIT), "Exercise 4" cell: the BatchNorm layer of the forward pass and the "batchnorm
  backprop" lines of the manual backward pass
Adapted:
- the notebook's lines wrapped in BatchNormFunction.forward/backward; hprebn, bngain, bnbias are
  bound to x, weight, bias, and the notebook's n (= batch_size) to the batch size
- the literal 1e-5 replaced by the eps argument
- forward saves bngain, bnraw, bnvar_inv with ctx.save_for_backward; backward returns
  (dhprebn, dbngain, dbnbias, None)
Deviations from torch 2.13 (found by comparing with torch by hand, not by the grader):
- batchnorm_backward.unbiased-variance: forward normalizes with the unbiased variance
  (hprebn.var(0, unbiased=True), "Bessel's correction") and backward is the matching formula
  (the n/(n-1) factor); gradcheck passes against its own forward, but the output is off by
  13% for N=2 (3% for N=16) and dx, dweight by up to 65% for N=2 (3% for N=16), float64.
"""

import torch

EXPECTED = ["batchnorm_backward.unbiased-variance"]


class BatchNormFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, eps):
        hprebn, bngain, bnbias = x, weight, bias
        # BatchNorm layer
        # -------------------------------------------------------------
        bnmean = hprebn.mean(0, keepdim=True)
        bnvar = hprebn.var(0, keepdim=True, unbiased=True)
        bnvar_inv = (bnvar + eps) ** -0.5
        bnraw = (hprebn - bnmean) * bnvar_inv
        hpreact = bngain * bnraw + bnbias
        # -------------------------------------------------------------
        ctx.save_for_backward(bngain, bnraw, bnvar_inv)
        return hpreact

    @staticmethod
    def backward(ctx, dhpreact):
        bngain, bnraw, bnvar_inv = ctx.saved_tensors
        n = dhpreact.shape[0]
        # batchnorm backprop
        dbngain = (bnraw * dhpreact).sum(0, keepdim=True)
        dbnbias = dhpreact.sum(0, keepdim=True)
        dhprebn = (
            bngain
            * bnvar_inv
            / n
            * (n * dhpreact - dhpreact.sum(0) - n / (n - 1) * bnraw * (dhpreact * bnraw).sum(0))
        )
        return dhprebn, dbngain, dbnbias, None
