#!/usr/bin/env python3
"""Derives VectorExp.exp2NonPositive's polynomial: 2^r ~ 1 + sum_{k=1..6} P_k r^k on [-1/2, 1/2].

The P_k minimise the largest relative error |p(r) / 2^r - 1| over 4,000 evenly spaced points, a linear programme
(scipy's HiGHS); the constant term is fixed at 1 so that 2^0 = 1 exactly. The script then rounds the coefficients to
float32 and measures, over 2,000,001 points, the error in exact arithmetic and the error of the kernel's own
evaluation (Horner with one rounding per fused multiply-add, in float32), and checks r = +1/2, the reduced argument
of 2^-0.5 (the kernel's ties give n = -1, r = +1/2). Prints the Java constants.

    python3 engine/tools/exp2_minimax.py        (numpy and scipy)
"""
import numpy as np
from scipy.optimize import linprog

DEGREE, FIT_POINTS, CHECK_POINTS = 6, 4000, 2_000_001


def fit():
    r = np.linspace(-0.5, 0.5, FIT_POINTS)
    f = 2.0 ** r
    # p(r)/f - 1 = sum_k c_k r^k / f - (1 - 1/f); variables c_1..c_deg and the bound t
    a = np.stack([r ** k / f for k in range(1, DEGREE + 1)], 1)
    b = 1 - 1 / f
    ones = np.ones((len(r), 1))
    res = linprog(np.r_[np.zeros(DEGREE), 1], A_ub=np.vstack([np.hstack([a, -ones]), np.hstack([-a, -ones])]),
                  b_ub=np.r_[b, -b], bounds=[(None, None)] * (DEGREE + 1), method="highs")
    return [float(np.float32(c)) for c in res.x[:DEGREE]]


def horner_float32(coef, r):
    r = r.astype(np.float32)
    p = np.full_like(r, np.float32(coef[-1]))
    for c in reversed([1.0] + coef[:-1]):
        p = (p.astype(np.float64) * r + c).astype(np.float32)  # an FMA: one rounding
    return p


coef = fit()
r = np.linspace(-0.5, 0.5, CHECK_POINTS)
exact = 2.0 ** r
poly = 1 + sum(c * r ** (k + 1) for k, c in enumerate(coef))
print(f"max relative error, exact arithmetic:    {np.max(np.abs(poly / exact - 1)):.2e}")
r32 = r.astype(np.float32)
got = horner_float32(coef, r32).astype(np.float64)
print(f"max relative error, float32 Horner + FMA: {np.max(np.abs(got / 2.0 ** r32.astype(np.float64) - 1)):.2e}")
half = float(horner_float32(coef, np.array([0.5]))[0])
print(f"p(1/2) = {half!r}, correctly rounded sqrt 2 = {float(np.float32(2 ** 0.5))!r}")
for k, c in enumerate(coef, 1):
    print(f"P{k} = FloatVector.broadcast(S, {c!r}f)")
