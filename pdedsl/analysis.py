"""The model linearised at θ: Green's function, NTK and NNTK, and linear re-solves.

At θ the model's tangent space is spanned by the features ∂_p u_θ(x) (p = 1..P).
Training sees the residual Jacobian Φ̂ (N × P; row i = ∂θ r_i, the residuals
scaled by 1/√N_b per block, see least_squares.py) through its SVD Φ̂ = U Σ Vᵀ and the
run's own filter f (solvers/filter.py: the cut, Tikhonov or Levenberg-Marquardt of the
last step), Φ̂⁺ = V f(Σ) Uᵀ. From these:

- NTK(x, y)  = Σ_p ∂_p u(x) ∂_p u(y)                  (Jacot et al. 2018)
- NNTK(x, y) = Σ_pq ∂_p u(x) G⁺_pq ∂_q u(y), G = Φ̂ᵀΦ̂   (Rudner et al. 2019),
  G⁺ = V diag(f(σ)/σ) Vᵀ, the natural gradient's metric filtered like the step.
- The Green's function: write an interior equation as L[u] = f, with f the part
  that does not involve the unknowns moved to the right (for `-u_xx = f` written
  so, f is the right-hand side). A change df of f changes the residuals of that
  block by -df(y_i)/√N, and ANaGRAM's linear update δ = Φ̂⁺ r moves the model by
  δu(x) = Σ_i K(x, y_i) df(y_i)/√N with K = ∇θu(x)·Φ̂⁺. Reading the sum as the
  quadrature ∫ G(x, y) df(y) dy with weights |Ω|/N gives

      G(x, y_i) = K(x, y_i) √N / |Ω| = ∇θu(x)·G⁺·∂θ L[u](y_i) / |Ω|,

  the operator's Green's function on the tangent space (boundary conditions held
  fixed), comparable with a textbook one. The second form, the NNTK with the
  operator applied to its second argument, gives G at any y, not only at the
  collocation points.
- `resolve(f_new)`: the tangent-space solution for a new source, u_θ - ∇θu_θ·Φ̂⁺ r_new,
  reusing the SVD (it does not depend on the source). It is exact for a linear
  problem when the tangent space is rich enough to represent the new solution.
"""

from __future__ import annotations

from functools import cached_property
from typing import Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np
import sympy
from sympy.core.function import AppliedUndef

from . import geometry
from .compile import lower_function
from .language.errors import PdeError
from .language.expression import parse_expression
from .language.problem import Mean, Problem
from .least_squares import flatten, least_squares
from .model import Model, build_model
from .solvers.filter import Filter


class Tangent:
    """A model at one θ with the problem's collocation points: features, Φ̂, filtered SVD.

    `filter`: the run's own (Solution.filter); for a run without one (Adam, L-BFGS, an
    untrained model) the hard cut at the run's rcond, else ANaGRAM's default. The
    Jacobian and its SVD are computed on first use and kept.
    """

    def __init__(self, problem: Problem, compiled, config, model: Model,
                 points: Sequence[np.ndarray], filter: Filter | None = None):
        self.problem, self.compiled, self.config, self.model = problem, compiled, config, model
        self.points = [np.asarray(p) for p in points]
        self.ls, self.theta = least_squares(compiled, self.points, model)
        _, self.to_model = flatten(model)
        self.offsets = np.cumsum([0, *self.ls.rows])  # a mean condition's block: one row
        self.volume = geometry.domain_volume(problem)
        self.filter = filter or Filter.hard_cut(config.solver_options)
        self.rcond = Filter.hard_cut(config.solver_options).rcond  # the run's setting
        self._features = {}

    # ------------------------------------------------------------ features
    def features(self, x, unknown: int = 0) -> np.ndarray:
        """∇θ u_k(x) for each point: (M × P)."""
        if unknown not in self._features:
            def value(theta, point):
                return self.to_model(theta).fields[unknown](point)
            self._features[unknown] = jax.jit(jax.vmap(jax.grad(value), (None, 0)))
        return np.asarray(self._features[unknown](self.theta, _points(x, self.theta.dtype)))

    def operator_features(self, y, equation: int = 0) -> np.ndarray:
        """∂θ of the (unscaled) residual of an interior equation at each point: the
        linearised operator applied to the tangent basis, ∂θ L[u_θ](y) (M × P)."""
        key = ("operator", equation)
        if key not in self._features:
            residual = self.compiled.blocks[self.interior_block(equation)].residual

            def value(theta, point):
                return residual(self.to_model(theta), point)

            self._features[key] = jax.jit(jax.vmap(jax.grad(value), (None, 0)))
        return np.asarray(self._features[key](self.theta, _points(y, self.theta.dtype)))

    # ------------------------------------------------------ residuals, SVD
    def interior_block(self, equation: int = 0) -> int:
        """The index of the block of interior equation `equation`."""
        for k, block in enumerate(self.compiled.blocks):
            if block.group == equation and block.group < len(self.problem.equations):
                return k
        raise ValueError(f"the problem has no interior equation number {equation}")

    def rows(self, block: int) -> slice:
        return slice(int(self.offsets[block]), int(self.offsets[block + 1]))

    @cached_property
    def _jacobian(self) -> tuple[np.ndarray, np.ndarray]:
        r, J = jax.jit(self.ls.jacobian)(self.theta)
        return np.asarray(r), np.asarray(J)

    @property
    def residuals(self) -> np.ndarray:
        """r(θ), the scaled residuals of every block stacked (N,)."""
        return self._jacobian[0]

    @property
    def jacobian(self) -> np.ndarray:
        """Φ̂ (N × P)."""
        return self._jacobian[1]

    @cached_property
    def _factor(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        bad = np.count_nonzero(~np.isfinite(self.jacobian))
        if bad:  # NumPy would say only "SVD did not converge"
            source = self.problem.source
            raise PdeError(f"the residuals' derivatives are not finite at this model ({bad} "
                           f"of the {self.jacobian.size} entries of the Jacobian, as where a run "
                           "diverged on sqrt(0)): the NTK, NNTK and Green's function need them",
                           filename=source.name if source else "<input>")
        return np.linalg.svd(self.jacobian, full_matrices=False)

    @cached_property
    def factors(self) -> np.ndarray:
        """f(σ) of the run's filter for every singular value (0 where cut)."""
        return np.asarray(self.filter.factors(self._factor[1]))

    @property
    def svd(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(U_k, σ_k, V_kᵀ, f_k): the thin SVD of Φ̂ on the directions the filter keeps
        (f > 0), and the filter there: Φ̂⁺ = V_k diag(f_k) U_kᵀ."""
        U, s, Vt = self._factor
        keep = self.factors > 0
        return U[:, keep], s[keep], Vt[keep], self.factors[keep]

    @property
    def full_svd(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(U, σ, Vᵀ): the thin SVD of Φ̂, every direction, kept or cut."""
        return self._factor

    @property
    def sigma(self) -> np.ndarray:
        """Every singular value of Φ̂, kept or not (descending)."""
        return self._factor[1]

    @property
    def rank(self) -> int:
        """Directions the filter keeps (all nonzero σ for Tikhonov damping)."""
        return int(np.sum(self.factors > 0))

    def pinv(self, r: np.ndarray) -> np.ndarray:
        """δ = Φ̂⁺ r, filtered as the run's step filters it."""
        U, _, Vt, f = self.svd
        return Vt.T @ (f * (U.T @ r))

    def whitened(self, x, unknown: int = 0) -> np.ndarray:
        """∇θu(x) V diag(√(f/σ)): NNTK(x, y) is the inner product of these rows."""
        _, s, Vt, f = self.svd
        return (self.features(x, unknown) @ Vt.T) * np.sqrt(f / s)

    # ------------------------------------------------- linearised predictions
    @cached_property
    def _linearised(self) -> Callable:
        def predict(theta, delta, x):
            values, change = jax.jvp(lambda t: jax.vmap(self.to_model(t))(x), (theta,), (delta,))
            return values - change

        return jax.jit(predict)

    def linearised(self, delta: np.ndarray, x) -> np.ndarray:
        """u_θ(x) - ∇θu_θ(x)·δ for every unknown (M × unknowns)."""
        x = _points(x, self.theta.dtype)
        return np.asarray(self._linearised(self.theta, jnp.asarray(delta, self.theta.dtype), x))


# ----------------------------------------------------------------- public API
def tangent(solution) -> Tangent:
    """The trained model of `solution` linearised (kept on the Solution once built)."""
    return solution.tangent


def initial_tangent(solution) -> Tangent:
    """The same, for the model at initialisation (rebuilt from the config's seed)."""
    model = build_model(solution.problem, solution.config)
    return Tangent(solution.problem, solution.compiled, solution.config, model,
                   collocation_points(solution), solution.filter)


def collocation_points(solution) -> list[np.ndarray]:
    """The training points of `solution` (sampled again, identically, after `load`)."""
    if solution.points:
        return [np.asarray(p) for p in solution.points]
    config = solution.config
    return geometry.sample_blocks(solution.problem, solution.compiled.blocks, config.sample,
                                  config.seed)


def ntk(solution, x, y, *, unknown: str | None = None) -> np.ndarray:
    """NTK(x_m, y_n) = ∇θu(x_m)·∇θu(y_n) (M × M'); `solution` may be a Tangent."""
    t = _tangent(solution)
    k = _unknown_index(t.problem, unknown)
    return t.features(x, k) @ t.features(y, k).T


def nntk(solution, x, y, *, unknown: str | None = None) -> np.ndarray:
    """NNTK(x_m, y_n) = ∇θu(x_m) G⁺ ∇θu(y_n), G = Φ̂ᵀΦ̂ cut as the solver cuts it."""
    t = _tangent(solution)
    k = _unknown_index(t.problem, unknown)
    return t.whitened(x, k) @ t.whitened(y, k).T


def green_function(solution, x, y=None, *, unknown: str | None = None,
                   equation: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(G, y): G[m, n] ≈ G(x_m, y_n), the Green's function of interior equation
    `equation` on the tangent space at θ, normalised so that the solution's response
    to a source change df is ∫ G(x, y) df(y) dy (module docstring).

    y defaults to that equation's collocation points, where G is exactly ANaGRAM's
    update kernel; any other points use the NNTK form.
    """
    t = _tangent(solution)
    k = _unknown_index(t.problem, unknown)
    x = geometry.user_points(x, t.problem.names)
    block = t.interior_block(equation)
    rows = t.rows(block)
    U, s, Vt, f = t.svd
    if y is None:
        y = t.points[block]
        n = rows.stop - rows.start
        right = U[rows].T * (np.sqrt(n) / t.volume)  # k × N_b: f(Σ)Uᵀ after the features
        G = (t.features(x, k) @ Vt.T * f) @ right
    else:
        y = geometry.user_points(y, t.problem.names)
        operator = (t.operator_features(y, equation) @ Vt.T) * np.sqrt(f / s)
        G = t.whitened(x, k) @ operator.T / t.volume
    return G, np.asarray(y)


class Resolved:
    """The tangent-space solution for a new source: predicts like a Solution."""

    def __init__(self, tangent: Tangent, delta: np.ndarray, sources: list[str]):
        self.tangent, self.delta, self.sources = tangent, delta, sources

    @property
    def unknowns(self) -> tuple[str, ...]:
        return tuple(u.name for u in self.tangent.problem.unknowns)

    def predict(self, points) -> dict[str, np.ndarray]:
        points = geometry.user_points(points, self.tangent.problem.names)
        values = self.tangent.linearised(self.delta, points)
        return {name: values[:, k] for k, name in enumerate(self.unknowns)}

    def __repr__(self) -> str:
        return f"Resolved(sources={self.sources})"


Source = str | Callable[[np.ndarray], np.ndarray]


def resolve(solution, source: Source | Sequence[Source]) -> Resolved:
    """The solution for a new interior source without training (module docstring).

    `source`: an expression in the language ("1", "x*sin(pi*y)"), or a function of
    points (M × d) -> values (M,); for several interior equations, one per equation.
    Condition blocks keep their data. Raises ValueError for a nonlinear problem.
    """
    t = _tangent(solution)
    problem = t.problem
    reason = nonlinearity(problem)
    if reason:
        raise ValueError(f"resolve needs a linear problem: {reason}")
    sources = [source] if isinstance(source, str) or callable(source) else list(source)
    if len(sources) != len(problem.equations):
        raise ValueError(f"give one source per interior equation ({len(problem.equations)}), "
                         f"not {len(sources)}")
    r = t.residuals.copy()
    for equation, new in enumerate(sources):
        block = t.interior_block(equation)
        rows = t.rows(block)
        y = t.points[block]
        old = _old_source(t, block, y)
        r[rows] += (old - _source_values(new, problem, y)) / np.sqrt(len(y))
    names = [s if isinstance(s, str) else getattr(s, "__name__", "function") for s in sources]
    return Resolved(t, t.pinv(r), names)


def nonlinearity(problem: Problem) -> str:
    """Why the problem is not linear in its unknowns ('' when it is): every equation
    and condition must be of degree one in the unknowns and their derivatives, with
    no product of them and no function of them."""
    statements = [("equation", e.eq, e.residual) for e in problem.equations]
    for condition in problem.conditions:
        for face in condition.faces:
            statements.append(("condition", condition.eq, condition.on_face(face)))
    statements += [("point condition", c.eq, c.residual) for c in problem.point_conditions]
    statements += [("mean condition", c.eq, c.residual.replace(Mean, lambda e: e))
                   for c in problem.mean_conditions]  # linear in the means and inside them
    for kind, eq, residual in statements:
        nodes = residual.atoms(sympy.Derivative) | residual.atoms(AppliedUndef)
        symbols = {node: sympy.Dummy() for node in nodes}
        linear = residual.xreplace(symbols)
        for z in symbols.values():
            if linear.diff(z).free_symbols & set(symbols.values()):
                return f"the {kind} {eq.lhs} = {eq.rhs} is nonlinear in the unknowns"
    return ""


# -------------------------------------------------------------------- helpers
def _tangent(solution) -> Tangent:
    return solution if isinstance(solution, Tangent) else solution.tangent


def _unknown_index(problem: Problem, unknown: str | None) -> int:
    names = [u.name for u in problem.unknowns]
    if unknown is None:
        return 0
    if unknown not in names:
        raise ValueError(f"no unknown named '{unknown}' (known: {', '.join(names)})")
    return names.index(unknown)


def _old_source(t: Tangent, block: int, y: np.ndarray) -> np.ndarray:
    """f at y: minus the residual of the block with every unknown set to zero."""
    residual = t.compiled.blocks[block].residual
    zero = Model(tuple([lambda x: jnp.zeros((), x.dtype)] * len(t.problem.unknowns)))
    return -np.asarray(jax.vmap(lambda x: residual(zero, x))(jnp.asarray(y)))


def _source_values(source: Source, problem: Problem, y: np.ndarray) -> np.ndarray:
    if callable(source):
        return np.broadcast_to(np.asarray(source(y), dtype=float), (len(y),))
    expr = parse_expression(source, problem, what="a source")
    names = [v.name for v in problem.variables]
    f = lower_function(expr.subs(problem.constant_values()), names)
    return np.broadcast_to(np.asarray(jax.vmap(f)(jnp.asarray(y))), (len(y),))


def _points(x, dtype) -> jax.Array:
    x = jnp.asarray(x, dtype)
    return x[:, None] if x.ndim == 1 else x
