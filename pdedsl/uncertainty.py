"""How well the data determine each fitted constant: a standard error from the final
Jacobian, and a warning when a constant is poorly determined.

At the trained θ the residuals are r (N, each block scaled by 1/√N_b), and Φ̂ = U Σ Vᵀ
their Jacobian (analysis.Tangent), cut like a step at the run's `rcond`: Φ̂⁺ = V_k Σ_k⁻¹
U_kᵀ over the σ > rcond·σ_max. (The cut of the run's last step is not used: near the
end the stall detector may raise it far above rcond to make the line search move,
which would hide most of each constant's sensitivity.) If the measurements change by
ε, the data rows of r change by ε/√N_b and the linearised fit moves θ by Φ̂⁺ δr. So
the fitted constant c_j = s_j p_j moves by

    δc_j = s_j a_jᵀ δr,   a_j = U_k Σ_k⁻¹ V_k[p_j, :]ᵀ   (the row of Φ̂⁺ for p_j),

and, taking each row's error independent with the variance v_i of its block,

    SE(c_j)² = s_j² Σ_i a_j,i² v_i,   v_i = ‖r_b‖² / (N_b - m_b)  for i in block b.

v_i is the block's mean squared residual (in the scaled units of r), with m_b = m
(the number of fitted constants) degrees of freedom taken by a data block, whose
field is fixed by the equations once the constants are: the classical estimate
σ̂² = RSS/(N - m) of nonlinear least squares, one per data block. The residual left in
equations and conditions is treated alike (m_b = 0), as an error of its own size: it
is what bounds a constant fitted without data (an eigenvalue).

Assumptions: independent errors with one variance per block (Gaussian for the
interval ±1.96 SE to hold 95 %), the linearisation at the final θ (small residuals),
and a network that cannot absorb the noise into its own wiggles (it would make the
errors look smaller than they are). The estimate measures the spread of the fit, not
a bias of the model.

A constant is flagged as poorly determined when its effect on the residuals (its
column of Φ̂) lies mostly in directions under the cut, or when its standard error
exceeds a tenth of its value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SEEN = 0.5  # least fraction of a constant's effect on r the step must keep
RELATIVE = 0.1  # largest standard error relative to |value| before a warning


@dataclass(frozen=True)
class Uncertainty:
    """Per fitted constant: its value, standard error, the fraction of its effect on
    the residuals that the filter keeps, and warnings for poorly determined ones."""

    value: dict[str, float]
    standard_error: dict[str, float]
    seen: dict[str, float]
    warnings: list[str] = field(default_factory=list)


def fitted_uncertainty(tangent, problem, rcond: float) -> Uncertainty:
    """The uncertainty of every fitted constant of `problem` at the tangent's θ, with
    Φ̂ cut at `rcond` (the run's setting)."""
    names = [f.name for f in problem.fitted]
    model = tangent.model
    scale = np.asarray(model.fitted_scale, dtype=float)
    p = np.asarray(model.fitted, dtype=float)
    columns = slice(len(tangent.theta) - len(names), len(tangent.theta))  # p: θ's last entries
    if not np.all(np.isfinite(tangent.jacobian)):
        return _undetermined(names, scale * p)
    U, sigma, Vt = tangent.full_svd
    keep = sigma > rcond * sigma[0]
    a = U[:, keep] @ (Vt[keep, columns] / sigma[keep, None])  # (N, m): row p_j of Φ̂⁺
    variance = _row_variances(tangent, len(names))
    se = scale * np.sqrt(np.einsum("nj,n->j", a**2, variance))
    seen = _seen(sigma, Vt[:, columns], keep, rcond * sigma[0])
    value = scale * p
    warnings = []
    for j, name in enumerate(names):
        if seen[j] < SEEN:
            warnings.append(
                f"{name} is poorly determined: only {100 * seen[j]:.0f}% of its effect on "
                f"the residuals lies above the cut (σ > {rcond:g}·σ_max)")
        elif se[j] > RELATIVE * abs(value[j]):
            warnings.append(f"{name} is poorly determined: its standard error {se[j]:.3g} "
                            f"{_against(se[j], value[j])}")
    return Uncertainty(dict(zip(names, map(float, value))), dict(zip(names, map(float, se))),
                       dict(zip(names, map(float, seen))), warnings)


def _against(se: float, value: float) -> str:
    """The standard error against the value, in words a reader takes in at a glance:
    a percentage up to 100 times the value, then a factor; against 0, neither (a
    constant trained from a first guess of 0 printed a percentage of 300 digits)."""
    if value == 0:
        return "exceeds its value 0"
    ratio = se / abs(value)
    if ratio < 100:
        return f"is {100 * ratio:.0f}% of its value {value:.6g}"
    return f"is {ratio:.3g} times its value {value:.6g}"


def _undetermined(names: list[str], value: np.ndarray) -> Uncertainty:
    """No standard error where Φ̂ is not finite (a run that diverged on a NaN derivative,
    such as sqrt's at 0): its SVD does not exist, and the run must still be reported."""
    nan = dict.fromkeys(names, float("nan"))
    warning = ("the residuals' derivatives are not finite at the final model: no standard "
               "error for " + ", ".join(names))
    return Uncertainty(dict(zip(names, map(float, value))), nan, dict(nan), [warning])


def _row_variances(tangent, fitted: int) -> np.ndarray:
    """v_i for every row: its block group's ‖r_b‖²/(N_b - m_b) (see the module)."""
    r = tangent.residuals
    variance = np.zeros_like(r)
    groups: dict[int, list[int]] = {}
    for k, block in enumerate(tangent.compiled.blocks):
        groups.setdefault(block.group, []).append(k)
    for group, blocks in groups.items():
        rows = np.concatenate([np.arange(len(r))[tangent.rows(k)] for k in blocks])
        data = tangent.compiled.blocks[blocks[0]].points is not None
        dof = max(len(rows) - (fitted if data else 0), 1)
        variance[rows] = np.sum(r[rows] ** 2) / dof
    return variance


def _seen(sigma: np.ndarray, rows: np.ndarray, keep: np.ndarray, cut: float) -> np.ndarray:
    """Per constant, the share of its column of Φ̂ (its effect on r) above the cut:
    Σ_kept (σ V)² / Σ (σ V)², `rows` the constants' columns of Vᵀ. A column whose whole
    norm is below the cut counts as unseen: Σ (σ V)² is then replaced by cut²."""
    energy = (sigma[:, None] * rows) ** 2
    kept = energy[keep].sum(axis=0)
    return kept / np.maximum(energy.sum(axis=0), max(cut, 1e-300) ** 2)
