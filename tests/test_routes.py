"""Every route of the step's linear algebra (pdedsl/solvers/routes.py) against the dense SVD
step, computed independently by NumPy's pinv: tall, wide and square Φ̂, cuts 1e-6 to 1e-10.

The test matrices have singular values 1 .. 1e-2 and a tail below 1e-14: every cut from
1e-6 to 1e-10 keeps the same directions, and the cut solve is well determined (its
condition is σ_max over the smallest kept σ), so any backward-stable route must agree
with the SVD to about ε·1e2. A wrong factor, a lost direction or a transposed basis fails
by O(1)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.sparse.linalg

from pdedsl import chunks
from pdedsl.api import prepare
from pdedsl.least_squares import LeastSquares, RowBlock
from pdedsl.solvers import linalg, routes
from pdedsl.solvers.anagram import Anagram
from pdedsl.solvers.filter import apply, factors

CUTS = (1e-6, 1e-8, 1e-10)
SHAPES = {"tall": (60, 14), "wide": (14, 60), "square": (30, 30)}
KEPT = 8


def gapped(shape, seed=0, tilt=0.0):
    """A matrix with KEPT singular values in [1e-2, 1] and the rest below 1e-14; `tilt`
    turns its singular vectors a little (seed 7's draw, the same spectrum)."""
    rng, turn = np.random.default_rng(seed), np.random.default_rng(7)
    n, p = shape
    m = min(n, p)
    U, _ = np.linalg.qr(rng.normal(size=(n, m)) + tilt * turn.normal(size=(n, m)))
    V, _ = np.linalg.qr(rng.normal(size=(p, m)) + tilt * turn.normal(size=(p, m)))
    s = np.concatenate([np.logspace(0, -2, KEPT), 1e-14 * np.logspace(0, -2, m - KEPT)])
    return (U * s) @ V.T, rng.normal(size=n)


def linear(A, b) -> LeastSquares:
    """r(θ) = Aθ - b, its rows in two blocks whose 'points' are the rows [a_i, b_i]."""
    A, b = jnp.asarray(A), jnp.asarray(b)
    rows = jnp.concatenate([A, b[:, None]], axis=1)
    half = len(b) // 3
    blocks = tuple(RowBlock(lambda t, x: x[:-1] @ t - x[-1], 1.0, part)
                   for part in (rows[:half], rows[half:]))
    return LeastSquares(lambda t: A @ t - b, lambda t: (A @ t - b, A), lambda t: t, len(b), blocks=blocks)


def factored(solver, ls, theta, v):
    """(r, Uᵀr, σ, Vᵀ, Uᵀv) by the solver's route, compiled as a step is (op by op is slow)."""
    def run(theta, v):
        _, r, (a, s, Vt, left), _, _ = routes.factor(solver, ls, theta)
        return r, a, s, Vt, left(v)
    return jax.jit(run)(theta, jnp.asarray(v))


SETTINGS = {
    "svd": dict(linalg="svd"), "qr": dict(linalg="qr"), "auto": dict(),
    "randomized": dict(linalg="randomized", rank=KEPT, power=1),
    "krylov": dict(linalg="krylov", rank=KEPT + 4), "chunked": dict(chunk=7),
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("setting", SETTINGS)
def test_every_route_gives_the_svd_step(shape, setting):
    A, b = gapped(SHAPES[shape])
    v = np.random.default_rng(5).normal(size=len(b))
    ls = linear(A, b)
    theta = jnp.zeros(A.shape[1])
    r, a, s, Vt, projected_v = factored(Anagram(**SETTINGS[setting]), ls, theta, v)
    np.testing.assert_allclose(r, -b, rtol=1e-14)
    for cut in CUTS:
        f = factors(s, cut * s[0])[None]
        reference = np.linalg.pinv(A, rtol=cut)
        for rhs, projected in ((r, a), (v, projected_v)):
            expected = reference @ np.asarray(rhs)
            got = np.asarray(apply(f, projected, Vt)[0])
            assert np.linalg.norm(got - expected) <= 1e-10 * np.linalg.norm(expected), (cut, setting)
        assert int(jnp.sum(s > cut * s[0])) == KEPT


def test_the_route_is_chosen_by_shape_and_settings():
    assert routes.choose("auto", 0, 1, 1000, 100) == "tall"
    assert routes.choose("auto", 0, 1, 100, 1000) == "wide"
    assert routes.choose("auto", 0, 1, 150, 100) == "svd"
    assert routes.choose("qr", 0, 1, 150, 100) == "tall"
    assert routes.choose("qr", 0, 1, 100, 150) == "wide"
    assert routes.choose("svd", 0, 1, 1000, 10) == "svd"
    assert routes.choose("auto", 512, 1, 1000, 10) == "chunked"
    assert routes.choose("auto", 0, 4, 1000, 10) == "devices"
    assert routes.choose("auto", 512, 4, 1000, 10) == "devices-chunked"
    assert routes.choose("krylov", 512, 4, 1000, 10) == "krylov"
    assert [routes.CODES[n] for n in ("svd", "tall", "wide", "randomized", "chunked", "krylov",
                                      "sketch")] == [0, 1, 2, 3, 4, 5, 8]


def sketch_step(ls, theta, dense, basis=None):
    """One `auto` step's factors on a square-ish Φ̂ of at least SKETCH_FROM rows and
    columns, and whether the next step is dense (with `basis`: and the next basis)."""
    def run(theta, basis):
        _, r, (a, s, Vt, _), code, (after, basis) = routes.factor(Anagram(), ls, theta, dense,
                                                                  basis)
        return r, a, s, Vt, code, after, basis
    *found, basis_next = jax.jit(run)(theta, basis)
    return (*found, basis_next) if basis is not None else tuple(found)


def test_a_sketch_starts_from_the_last_steps_basis():
    """Φ̂ of one step, then Φ̂ turned a little: the second sketch, started from the
    first's right singular vectors without subspace iterations, still gives the SVD's
    step to 1e-10, and the basis it passes on spans the leading right subspace."""
    shape = (660, 700)
    A, b = gapped(shape)
    width = linalg.sketch_width(*shape)
    start = jnp.zeros((shape[1], width))
    *_, basis = sketch_step(linear(A, b), jnp.zeros(shape[1]), False, start)
    V = np.linalg.svd(A)[2][:KEPT].T
    np.testing.assert_allclose(np.asarray(basis)[:, :KEPT] @ np.asarray(basis)[:, :KEPT].T,
                               V @ V.T, atol=1e-10)
    moved, _ = gapped(shape, tilt=0.1)
    r, a, s, Vt, code, after, _ = sketch_step(linear(moved, b), jnp.zeros(shape[1]), False, basis)
    assert int(code) == routes.CODES["sketch"]
    np.testing.assert_allclose(s[:KEPT], np.linalg.svd(moved, compute_uv=False)[:KEPT], rtol=1e-10)
    got = apply(factors(s, 1e-6 * s[0])[None], a, Vt)[0]
    expected = np.linalg.pinv(moved, rtol=1e-6) @ np.asarray(r)
    assert np.linalg.norm(got - expected) <= 1e-10 * np.linalg.norm(expected)


def test_a_square_jacobian_is_sketched_while_its_sigma_above_the_cut_fit():
    """660 × 700 with 8 σ above every cut: the sketch (220 columns) holds them, gives the
    SVD's step to 1e-10 and keeps the next step sketched; its σ beyond the sketch are 0."""
    shape = (660, 700)
    assert routes.choose("auto", 0, 1, *shape) == "sketch"
    assert routes.choose("auto", 0, 1, 500, 700) == "svd"  # too small to gain
    A, b = gapped(shape)
    r, a, s, Vt, code, after = sketch_step(linear(A, b), jnp.zeros(shape[1]), False)
    assert int(code) == routes.CODES["sketch"] and not bool(after)
    width = linalg.sketch_width(*shape)
    assert s.shape == (660,) and not np.any(np.asarray(s[width:]))
    np.testing.assert_allclose(s[:KEPT], np.linalg.svd(A, compute_uv=False)[:KEPT], rtol=1e-12)
    for cut in CUTS:
        got = apply(factors(s, cut * s[0])[None], a, Vt)[0]
        expected = np.linalg.pinv(A, rtol=cut) @ np.asarray(r)
        assert np.linalg.norm(got - expected) <= 1e-10 * np.linalg.norm(expected)


def test_a_sketch_too_narrow_for_the_spectrum_makes_the_next_step_dense():
    """A well-conditioned 660 × 700 Φ̂ (every σ above the cut): the sketched step says so,
    the dense step is the SVD's own, and it keeps the steps after it dense."""
    rng = np.random.default_rng(2)
    A, b = rng.normal(size=(660, 700)), rng.normal(size=660)
    ls, theta = linear(A, b), jnp.zeros(700)
    *_, after = sketch_step(ls, theta, False)
    assert bool(after)
    r, a, s, Vt, code, after = sketch_step(ls, theta, True)
    assert int(code) == routes.CODES["svd"] and bool(after)
    np.testing.assert_allclose(s, np.linalg.svd(A, compute_uv=False), rtol=1e-12)
    got = apply(factors(s, 1e-8 * s[0])[None], a, Vt)[0]
    np.testing.assert_allclose(got, np.linalg.lstsq(A, np.asarray(r), rcond=None)[0], rtol=1e-9)


def test_the_wide_route_keeps_v_as_reflectors():
    A, b = gapped(SHAPES["wide"])
    _, s, Vt, _ = linalg.project_wide(jnp.asarray(A), jnp.asarray(b))
    dense = np.asarray(Vt.dense())
    assert dense.shape == Vt.shape == (14, 60)
    np.testing.assert_allclose(dense @ dense.T, np.eye(14), atol=1e-13)
    U, s_ref, V_ref = np.linalg.svd(A, full_matrices=False)
    top = V_ref[:KEPT].T @ V_ref[:KEPT]  # the kept right subspace, free of sign choices
    np.testing.assert_allclose(dense[:KEPT].T @ dense[:KEPT], top, atol=1e-12)
    np.testing.assert_allclose(s[:KEPT], s_ref[:KEPT], rtol=1e-13)


def test_the_reflectors_apply_v_as_lapack_forms_it():
    """x @ Vᵀ, one row and several, against Vᵀ = Wᵀ Qᵀ with Q formed by LAPACK's orgqr."""
    A, b = gapped(SHAPES["wide"])
    _, _, Vt, _ = linalg.project_wide(jnp.asarray(A), jnp.asarray(b))
    h, taus = np.linalg.qr(A.T, mode="raw")
    Q = np.asarray(jax.lax.linalg.householder_product(jnp.asarray(h.T), jnp.asarray(taus)))
    expected = np.asarray(Vt.Wt) @ Q.T
    x = jnp.asarray(np.random.default_rng(5).normal(size=(3, 14)))
    np.testing.assert_allclose(np.asarray(x @ Vt), np.asarray(x) @ expected, atol=1e-13)
    np.testing.assert_allclose(np.asarray(x[0] @ Vt), np.asarray(x[0]) @ expected, atol=1e-13)


def test_krylov_with_fewer_steps_than_the_rank_is_lsqr():
    """k steps of the bidiagonalisation, nothing cut: SciPy's LSQR after k iterations."""
    rng = np.random.default_rng(3)
    A, b = rng.normal(size=(40, 20)), rng.normal(size=40)
    ls = linear(A, b)
    theta = jnp.zeros(20)
    for k in (3, 6):
        r, a, s, Vt, _ = factored(Anagram(linalg="krylov", rank=k), ls, theta, b)
        delta = apply(factors(s, 1e-14 * s[0])[None], a, Vt)[0]
        expected = scipy.sparse.linalg.lsqr(A, -b, iter_lim=k, atol=0, btol=0, conlim=0)[0]
        np.testing.assert_allclose(delta, expected, rtol=1e-9, atol=1e-12)
        assert s.shape == (k,) and float(s[0]) <= np.linalg.norm(A, 2) * (1 + 1e-12)


def test_a_randomized_sketch_below_the_rank_underestimates_sigma():
    """Rank 30, sketch 5 + 10: the sketch's σ interlace below the true ones (QᵀΦ̂ is a
    projection of Φ̂), and two power iterations find σ_max of a decaying spectrum."""
    rng = np.random.default_rng(4)
    U, _ = np.linalg.qr(rng.normal(size=(80, 30)))
    V, _ = np.linalg.qr(rng.normal(size=(50, 30)))
    true = np.logspace(0, -6, 30)
    A = (U * true) @ V.T
    _, s, Vt, _ = linalg.project_randomized(jnp.asarray(A), jnp.asarray(rng.normal(size=80)), 5, 2)
    assert s.shape == (15,)
    assert np.all(np.asarray(s) <= true[:15] * (1 + 1e-12))
    assert float(s[0]) == pytest.approx(1.0, rel=1e-6)


POISSON = """
x in [0, 1]
y in [0, 1]
unknown u(x, y)
laplacian(u) = -2*pi^2*sin(pi*x)*sin(pi*y)
u = 0 on boundary
exact u = sin(pi*x)*sin(pi*y)
"""


@pytest.fixture(scope="module")
def poisson():
    return prepare(POISSON, width=8, depth=1, interior=150, boundary=40, seed=2)


def test_chunked_rows_give_the_whole_step(poisson):
    """Φ̂ of a real problem streamed 32 rows at a time: the same r, the same Φ̂ᵀv and the
    same δ as the QR of the whole [Φ̂ r] (cut 1e-6: δ's condition 1e6)."""
    ls, theta = poisson.ls, poisson.theta
    r, J = jax.jit(ls.jacobian)(theta)
    v = jnp.asarray(np.random.default_rng(0).normal(size=r.shape))

    @jax.jit
    def streamed(theta, v):
        r, R, transposed = chunks.triangle(ls, theta, 32)
        return r, R, transposed(v), chunks.chunked(ls, 32).residuals(theta)

    r2, R, product, residuals = streamed(theta, v)
    np.testing.assert_allclose(r2, r, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(residuals, r, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(product, J.T @ v, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(R.T @ R, jnp.concatenate([J, r[:, None]], 1).T
                               @ jnp.concatenate([J, r[:, None]], 1), atol=1e-11)
    a, s, Vt, _ = linalg.project(J, r)
    a2, s2, Vt2, _ = linalg.from_triangle(R)
    f, f2 = factors(s, 1e-6 * s[0])[None], factors(s2, 1e-6 * s2[0])[None]
    whole, streamed = apply(f, a, Vt)[0], apply(f2, a2, Vt2)[0]
    assert float(jnp.linalg.norm(whole - streamed)) <= 1e-10 * float(jnp.linalg.norm(whole))


def test_a_run_records_its_route(poisson):
    """The history column `route`: 1 (QR of [Φ̂ r]) for this tall Φ̂, 4 when chunked."""
    from pdedsl.train import StopRules, train

    for settings, code in (({}, 1), ({"chunk": 64, "order": 1}, 4), ({"linalg": "svd"}, 0)):
        result = train(poisson.ls, Anagram(**settings), poisson.theta,
                       StopRules(steps=2, tol=0, patience=10, seconds=60))
        assert [row["route"] for row in result.history] == [code, code]
        assert result.loss < float(poisson.ls.loss(poisson.theta))


def test_a_bad_linalg_setting_is_an_input_error():
    from pdedsl.language import PdeError

    with pytest.raises(PdeError, match="linalg"):
        prepare(POISSON, linalg="cholesky")
    with pytest.raises(PdeError, match="chunk"):
        prepare(POISSON, chunk=-1)
