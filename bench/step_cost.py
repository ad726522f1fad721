"""Cost of one ANaGRAM and one ENGD step as N and P grow, and the cut solve's choices.

    python bench/step_cost.py [--out DIR] [--quick]

1. Scaling. The Laplace 2D problem with an MLP 2-w-1 (P = 4w + 1) on N uniform points:
   N from 500 to 8000 at P ≈ 500, P from 100 to 5000 at N ≈ 1000. Each step is timed
   in its parts, each compiled on its own: the residual Jacobian (r, Φ̂), the linear
   algebra (ANaGRAM: the default cut solve; ENGD: G = Φ̂ᵀΦ̂, eigh, G⁺∇L) and the line
   search (31 η). The growth exponent is the least-squares slope of log time against
   log N (or log P).
2. Linear algebra. On real Jacobians (N ≫ P, N ≈ P, P ≫ N), every factorisation of
   pdedsl.solvers.linalg: its time and its accuracy against the SVD at the cuts used
   (rcond 1e-6, 1e-8, 1e-10): the rank kept and the relative change of δ and of the
   predicted loss ½‖Φ̂δ - r‖².
3. OpenBLAS threads: the same SVD with one thread and with two.

Times are medians of repeated calls (fewer repeats for the slow ones). Writes
DIR/step_cost.json and DIR/step_cost.md.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # see part 3 and bench/README.md

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from pdedsl.api import prepare  # noqa: E402
from pdedsl.solvers import linalg  # noqa: E402
from pdedsl.solvers.line_search import line_search  # noqa: E402
from pdedsl.solvers.engd import gram_solve  # noqa: E402

HERE = Path(__file__).resolve().parent
PROBLEM = HERE / "problems" / "laplace2d.pde"
RCOND = 1e-8  # ANaGRAM's default cut
ENGD_RCOND = 1e-7  # ENGD's default cut
ETAS = 2.0 ** -jnp.arange(31.0)
CUTS = (1e-6, 1e-8, 1e-10)


def seconds(f, *args, budget: float = 4.0, repeats: int = 5) -> float:
    """Median time of `f(*args)` compiled ahead: at least one call, more while under budget."""
    compiled = jax.jit(f).lower(*args).compile()
    times: list[float] = []
    while len(times) < repeats and sum(times) < budget:
        t0 = time.perf_counter()
        jax.block_until_ready(compiled(*args))
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def problem(n: int, p: int):
    """Laplace 2D with about n points and an MLP of p ≈ 4w + 1 parameters."""
    width = max(1, round((p - 1) / 4))
    boundary = max(8, n // 8)
    return prepare(PROBLEM, width=width, depth=1, interior=n - boundary,
                   boundary=boundary, method="uniform")


def step_parts(n: int, p: int) -> dict:
    """The parts of one ANaGRAM and one ENGD step at one size, in seconds."""
    prepared = problem(n, p)
    ls, theta = prepared.ls, prepared.theta
    r, J = jax.jit(ls.jacobian)(theta)
    delta = linalg.solve(linalg.factor, J, r, RCOND)[0]
    row = {"N": int(J.shape[0]), "P": int(J.shape[1])}
    row["jacobian"] = seconds(ls.jacobian, theta)
    row["anagram_linalg"] = seconds(lambda J, r: linalg.solve(linalg.factor, J, r, RCOND), J, r)
    row["engd_linalg"] = seconds(lambda J, r: gram_solve(J, r, ENGD_RCOND, None), J, r)
    row["line_search"] = seconds(lambda t, d: line_search(ls, t, d, ETAS), theta, delta)
    for name in ("anagram", "engd"):
        row[f"{name}_step"] = row["jacobian"] + row[f"{name}_linalg"] + row["line_search"]
    print(f"  N={row['N']:5d} P={row['P']:5d}  jacobian {row['jacobian']*1e3:8.1f} ms  "
          f"anagram linalg {row['anagram_linalg']*1e3:8.1f} ms  engd linalg "
          f"{row['engd_linalg']*1e3:9.1f} ms  line search {row['line_search']*1e3:7.1f} ms",
          flush=True)
    return row


def growth(rows: list[dict], axis: str, part: str) -> float:
    """The slope of log(time) against log(axis): time ∝ axis^slope."""
    x = np.log([r[axis] for r in rows])
    y = np.log([r[part] for r in rows])
    return float(np.polyfit(x, y, 1)[0])


def linalg_choices(n: int, p: int, label: str) -> dict:
    """Every factorisation on a real Jacobian: time, and accuracy against the SVD."""
    prepared = problem(n, p) if label != "laplace5d" else prepare(HERE / "problems" / "laplace5d.pde")
    r, J = jax.jit(prepared.ls.jacobian)(prepared.theta)
    out = {"shape": label, "N": int(J.shape[0]), "P": int(J.shape[1]), "variants": {}}
    reference = {c: linalg.solve(linalg.svd, J, r, c) for c in CUTS}
    r2 = float(r @ r)
    for name, factorisation in linalg.VARIANTS.items():
        entry = {"seconds": seconds(lambda J, r: linalg.solve(factorisation, J, r, RCOND), J, r)}
        for c in CUTS:
            d, s, cut = linalg.solve(factorisation, J, r, c)
            d0, s0, cut0 = reference[c]
            gap = (float(jnp.sum((J @ d - r) ** 2)) - float(jnp.sum((J @ d0 - r) ** 2))) / r2
            entry[f"{c:g}"] = {
                "rank": int(jnp.sum(s > cut)),
                "rank_svd": int(jnp.sum(s0 > cut0)),
                "delta_change": float(jnp.linalg.norm(d - d0) / jnp.linalg.norm(d0)),
                "loss_change": gap,
            }
        out["variants"][name] = entry
        print(f"  {label:10s} {out['N']}×{out['P']} {name:9s} {entry['seconds']*1e3:8.1f} ms  "
              + "  ".join(f"rcond {c:g}: rank {entry[f'{c:g}']['rank']}/{entry[f'{c:g}']['rank_svd']}"
                          f" δ {entry[f'{c:g}']['delta_change']:.1e}"
                          f" loss {entry[f'{c:g}']['loss_change']:+.1e}" for c in CUTS),
              flush=True)
    return out


def thread_effect(n: int = 900, p: int = 129) -> dict:
    """The same jitted SVD in fresh processes with one and two OpenBLAS threads."""
    code = (
        "import time, statistics, jax, jax.numpy as jnp, numpy as np\n"
        "jax.config.update('jax_enable_x64', True)\n"
        f"J = jnp.asarray(np.random.default_rng(0).standard_normal(({n}, {p})))\n"
        "f = jax.jit(lambda J: jnp.linalg.svd(J, full_matrices=False)); jax.block_until_ready(f(J))\n"
        "ts = []\n"
        "for _ in range(5):\n"
        "    t = time.perf_counter(); jax.block_until_ready(f(J)); ts.append(time.perf_counter() - t)\n"
        "print(statistics.median(ts))\n"
    )
    out = {}
    for threads in ("1", "2"):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": threads}
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        out[threads] = float(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None
    print(f"  SVD {n}×{p}: one OpenBLAS thread {out['1']*1e3:.1f} ms, two {out['2']*1e3:.1f} ms",
          flush=True)
    return out


def markdown(result: dict) -> str:
    ms = lambda v: f"{v * 1e3:.1f}"  # noqa: E731
    lines = ["## One step, split (ms)", "",
             "| N | P | Jacobian | ANaGRAM linalg | ENGD linalg | line search | "
             "ANaGRAM step | ENGD step | ENGD / ANaGRAM |", "|" + "---|" * 9]
    for sweep in ("n_sweep", "p_sweep"):
        for r in result[sweep]:
            lines.append(
                f"| {r['N']} | {r['P']} | {ms(r['jacobian'])} | {ms(r['anagram_linalg'])} | "
                f"{ms(r['engd_linalg'])} | {ms(r['line_search'])} | {ms(r['anagram_step'])} | "
                f"{ms(r['engd_step'])} | {r['engd_step'] / r['anagram_step']:.1f} |")
    lines += ["", "Fitted growth (time ∝ N^a at fixed P, ∝ P^b at fixed N):", "",
              "| part | a (N) | b (P) |", "|---|---|---|"]
    for part, (a, b) in result["growth"].items():
        lines.append(f"| {part} | {a:.2f} | {b:.2f} |")
    lines += ["", "## The cut solve's factorisations (ms; accuracy against the SVD)", "",
              "| Jacobian | N × P | variant | ms | "
              + " | ".join(f"rcond {c:g}: rank, Δδ, Δloss" for c in CUTS) + " |",
              "|" + "---|" * (4 + len(CUTS))]
    for case in result["linalg"]:
        for name, e in case["variants"].items():
            cells = [f"{e[f'{c:g}']['rank']}/{e[f'{c:g}']['rank_svd']}, "
                     f"{e[f'{c:g}']['delta_change']:.0e}, {e[f'{c:g}']['loss_change']:+.0e}"
                     for c in CUTS]
            lines.append(f"| {case['shape']} | {case['N']} × {case['P']} | {name} | "
                         f"{ms(e['seconds'])} | " + " | ".join(cells) + " |")
    t = result["threads"]
    lines += ["", f"OpenBLAS threads, SVD 900 × 129: one {ms(t['1'])} ms, two {ms(t['2'])} ms.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "results_step_cost")
    parser.add_argument("--quick", action="store_true", help="smaller sizes only")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    ns = (500, 1000, 2000) if args.quick else (500, 1000, 2000, 4000, 8000)
    ps = (101, 301, 1001) if args.quick else (101, 301, 1001, 2001, 5001)
    result: dict = {"openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
                    "cpu_count": os.cpu_count()}
    print("N sweep (P ≈ 500):", flush=True)
    result["n_sweep"] = [step_parts(n, 501) for n in ns]
    print("P sweep (N ≈ 1000):", flush=True)
    result["p_sweep"] = [step_parts(1000, p) for p in ps]
    parts = ("jacobian", "anagram_linalg", "engd_linalg", "line_search", "anagram_step", "engd_step")
    result["growth"] = {part: (growth(result["n_sweep"], "N", part), growth(result["p_sweep"], "P", part))
                        for part in parts}
    print("Linear algebra:", flush=True)
    cases = [(900, 129, "laplace2d"), (4500, 449, "laplace5d"), (1000, 1001, "square"),
             (1000, 4001, "wide")]
    result["linalg"] = [linalg_choices(n, p, label) for n, p, label in
                        (cases[:1] + cases[2:3] if args.quick else cases)]
    print("OpenBLAS threads:", flush=True)
    result["threads"] = thread_effect()
    (args.out / "step_cost.json").write_text(json.dumps(result, indent=1))
    text = markdown(result)
    (args.out / "step_cost.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
