"""A finite element reference for examples/laplace_plate_holes.pde (PINNacle's Poisson 2D-C).

Laplace's equation on the square [-1/2, 1/2]^2 minus four disks of radius 1/10 centred at
(±3/10, ±3/10), u = 1 on the square's edges, u = 0 on the holes. A coarse Delaunay mesh
is refined LEVELS times, each new node on a hole moved onto its circle, and solved with
quadratic (P2) elements by scikit-fem (conjugate gradients to a relative residual of
1e-13). The solution at POINTS uniform random points of the
region (seeded) is written to bench/references/laplace_plate_holes.npz, with the relative
L2 difference from the solution one refinement coarser: an upper estimate of the
reference's own error.

    .venv/bin/python bench/plate_reference.py          # about a minute
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from scipy.spatial import Delaunay

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "references" / "laplace_plate_holes.npz"
HALF, RADIUS = 0.5, 0.1
CENTRES = np.array([(0.3, 0.3), (-0.3, 0.3), (0.3, -0.3), (-0.3, -0.3)])
COARSE = 0.05  # the coarse mesh's spacing (holes: 32 nodes each)
LEVELS = 4  # refinements: spacing COARSE / 2^LEVELS, about 3e-3
POINTS = 4096
SEED = 20240


def hole_distance(x: np.ndarray) -> np.ndarray:
    """Distance from each point to the nearest hole's centre."""
    return np.min(np.linalg.norm(x[:, None, :] - CENTRES[None], axis=2), axis=1)


def coarse_mesh():
    from skfem import MeshTri

    edge = np.linspace(-HALF, HALF, int(round(2 * HALF / COARSE)) + 1)
    square = np.unique(np.concatenate([
        np.column_stack([edge, np.full_like(edge, s)]) for s in (-HALF, HALF)] + [
        np.column_stack([np.full_like(edge, s), edge]) for s in (-HALF, HALF)]), axis=0)
    angles = np.linspace(0, 2 * np.pi, 32, endpoint=False)
    circles = np.concatenate([c + RADIUS * np.column_stack([np.cos(angles), np.sin(angles)])
                              for c in CENTRES])
    g = edge[1:-1]
    grid = np.stack([a.ravel() for a in np.meshgrid(g, g)], axis=1)
    grid = grid[hole_distance(grid) > RADIUS + 0.6 * COARSE]
    p = np.concatenate([square, circles, grid])
    t = Delaunay(p).simplices
    centroid = p[t].mean(axis=1)
    t = t[hole_distance(centroid) > RADIUS]
    return MeshTri(p.T, t.T)


def snap(mesh):
    """Nodes on a hole's boundary moved onto its circle."""
    p = mesh.p.T.copy()
    nodes = mesh.boundary_nodes()
    on_square = np.isclose(np.abs(p[nodes]).max(axis=1), HALF)
    holes = nodes[~on_square]
    k = np.argmin(np.linalg.norm(p[holes, None, :] - CENTRES[None], axis=2), axis=1)
    v = p[holes] - CENTRES[k]
    p[holes] = CENTRES[k] + RADIUS * v / np.linalg.norm(v, axis=1, keepdims=True)
    return type(mesh)(p.T, mesh.t)


def solve(mesh):
    """The P2 solution on `mesh`: its basis and degrees of freedom."""
    from scipy.sparse import diags
    from scipy.sparse.linalg import cg
    from skfem import Basis, ElementTriP2, condense
    from skfem.models.poisson import laplace

    basis = Basis(mesh, ElementTriP2())
    A = laplace.assemble(basis)
    u = np.zeros(basis.N)
    dofs = basis.get_dofs().flatten()
    square = np.isclose(np.abs(basis.doflocs[:, dofs].T).max(axis=1), HALF)
    u[dofs[square]] = 1.0
    # conjugate gradients, Jacobi-preconditioned (a direct solve's fill-in takes gigabytes)
    K, f, _, inner = condense(A, x=u, D=dofs)
    solution, info = cg(K, f, rtol=1e-13, atol=0.0, maxiter=200_000,
                        M=diags(1 / K.diagonal()))
    if info:
        raise RuntimeError(f"conjugate gradients did not converge ({info} iterations)")
    u[inner] = solution
    return basis, u


def evaluate(basis, u: np.ndarray, x: np.ndarray, chunk: int = 128) -> np.ndarray:
    """The solution at points `x`, a few at a time (locating a point among the
    elements takes memory proportional to points times elements)."""
    return np.concatenate([basis.probes(x[k:k + chunk].T) @ u for k in range(0, len(x), chunk)])


def sample(n: int) -> np.ndarray:
    """`n` uniform points of the region, by rejection (seeded)."""
    rng = np.random.default_rng(SEED)
    kept = []
    while sum(len(k) for k in kept) < n:
        x = rng.uniform(-HALF, HALF, (2 * n, 2))
        kept.append(x[hole_distance(x) > RADIUS])
    return np.concatenate(kept)[:n]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", type=int, default=LEVELS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    x = sample(POINTS)
    mesh = snap(coarse_mesh())
    values = []
    for level in range(args.levels + 1):
        if level:
            mesh = snap(mesh.refined())
        if level >= args.levels - 1:
            basis, u = solve(mesh)
            values.append(evaluate(basis, u, x))
            print(f"level {level}: {mesh.t.shape[1]} triangles, {basis.N} unknowns", flush=True)
    coarse, fine = values
    estimate = float(np.linalg.norm(fine - coarse) / np.linalg.norm(fine))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, points=x, u=fine, difference_from_coarser=estimate,
                        triangles=mesh.t.shape[1])
    print(f"wrote {args.out}: relative L2 difference from one level coarser {estimate:.1e} "
          f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
