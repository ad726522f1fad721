"""How the ANaGRAM step scales: time and peak memory against N and P for every route.

    python bench/scale.py [--out DIR] [--quick] [--jobs J]   # the LAPACK floor and the sweeps
    python bench/scale.py --poisson [--seconds S] [--out DIR]   # 3D Poisson, N = 1e5, chunked

1. Sweeps. Laplace 2D (bench/problems/laplace2d.pde) with an MLP 2-w-1 (P = 4w + 1) on
   N uniform points: N from 1e3 to 1e5 at P = 201, P from 1e2 to 2e4 at N = 1000, each
   route (`linalg` = svd, qr, randomized, krylov, and `chunk`) in a fresh process: the
   compile time, the median time of a full step (Jacobian, factorisation, path of order
   3, line search), the resident memory once the problem is built and the peak
   (/proc/self/status VmRSS, VmHWM); `--jobs` of them at a time (faster on a shared
   machine, and as noisy). A configuration whose dense Φ̂ would pass 4 GB is
   skipped and listed. Growth exponents: least-squares slopes of log time (and log of
   the memory above the built problem) against log N and log P.
2. The LAPACK floor for N = 999, P = 5001: one QR of Φ̂ᵀ (Q formed) and one SVD of the
   N × N factor, against the step's factorisation (`auto`: the wide route), its parts
   and the whole step, timed in turns in one process; medians. Then 10 steps on the
   wide route and on the SVD from the same start: the same trajectory to rounding?
3. Accuracy of the approximate routes: `krylov` and `randomized` with rank 25 to 200
   against the SVD, on the Jacobians at the initial θ of 900 × 129 and 1000 × 2001:
   the rank kept at cuts 1e-6, 1e-8, 1e-10, the change of δ and of the predicted loss.
4. `--poisson`: examples/poisson3d.pde on an MLP 3-32-32-1 (P = 1217) with N = 1e5
   Sobol points, `chunk = 4096`, trained until the relative L2 error reaches 1e-5 (or
   150 steps, or `--seconds` of training); the history and the peak memory, written
   after every step.

Writes DIR/scale.json (default bench/recorded), DIR/scale.md and docs/img/scale.png
(bench/scale_report.py). The machine is shared: compare rows of one run.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROBLEM = HERE / "problems" / "laplace2d.pde"
DENSE_LIMIT = 4e9  # bytes of a dense float64 Φ̂ beyond which a configuration is skipped
ROUTES = {
    "svd": {"linalg": "svd"}, "qr": {"linalg": "qr"}, "chunked": {"chunk": 2048},
    "randomized": {"linalg": "randomized", "rank": 50},
    "krylov": {"linalg": "krylov", "rank": 50},
}
N_SWEEP = (1000, 4000, 20000, 100000)  # at P = 201
P_SWEEP = (101, 501, 2001, 5001, 20001)  # at N = 1000
QUICK_N, QUICK_P = (1000, 4000, 20000), (101, 501, 2001)
POISSON = dict(width=32, depth=2, interior=94000, boundary=6000, method="sobol", chunk=4096)
TARGET = 1e-5  # relative L2 error at which the 3D Poisson run counts as trained
ACCURACY_CUTS = (1e-6, 1e-8, 1e-10)


def memory() -> dict:
    """Resident and peak memory of this process, in MB (/proc/self/status)."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return {"rss_mb": fields["VmRSS"], "peak_mb": fields["VmHWM"]}


def build(n: int, p: int, options: dict, boundary: int | None = None):
    from pdedsl.api import prepare

    boundary = boundary or max(8, n // 10)
    return prepare(PROBLEM, width=max(1, (p - 1) // 4), depth=1, interior=n - boundary,
                   boundary=boundary, method="uniform", **options)


def compiled_step(prepared):
    import jax

    from pdedsl.solvers import make_solver

    solver, _ = make_solver("anagram", prepared.config.solver_options)
    state = solver.init(prepared.ls, prepared.theta)
    started = time.perf_counter()
    step = jax.jit(lambda t, s: solver.step(prepared.ls, t, s)).lower(prepared.theta, state).compile()
    return solver, state, step, time.perf_counter() - started


def one(config: dict) -> dict:
    """One configuration, in this (fresh) process: compile, steps, memory."""
    import jax

    prepared = build(config["N"], config["P"], ROUTES[config["route"]])
    built = memory()
    _, state, step, compile_seconds = compiled_step(prepared)
    theta, times, info = prepared.theta, [], {}
    while len(times) < 3 and sum(times) < 30:
        started = time.perf_counter()
        theta, state, info = step(theta, state)
        jax.block_until_ready(theta)
        times.append(time.perf_counter() - started)
    return {**config, "N": prepared.ls.size, "P": int(prepared.theta.size),
            "route_code": int(info["route"]), "compile_s": compile_seconds,
            "step_s": statistics.median(times), "steps_timed": len(times),
            "built_mb": built["rss_mb"], **memory()}


def in_fresh_process(config: dict) -> dict:
    done = subprocess.run([sys.executable, __file__, "--one", json.dumps(config)],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode:
        return {**config, "error": done.stderr.strip().splitlines()[-1][:300]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def sweep(quick: bool, jobs: int = 1, done=lambda rows: None) -> tuple[list, list]:
    """Every (N, P, route) of the sweeps, each in its own process (`jobs` at a time), and
    the skipped ones; `done(rows)` after each configuration."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    sizes = [(n, 201, "N") for n in (QUICK_N if quick else N_SWEEP)]
    sizes += [(1000, p, "P") for p in (QUICK_P if quick else P_SWEEP)]
    configs = [{"N": n, "P": p, "route": route, "sweep": axis} for n, p, axis in sizes
               for route in ROUTES if not (route == "chunked" and p > n // 2)]  # R is (P+1)²
    rows = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for future in as_completed([pool.submit(in_fresh_process, c) for c in configs]):
            row = future.result()
            rows.append(row)
            rows.sort(key=lambda r: _index(configs, r))
            done(rows)
            print(f"  {row['sweep']} N={row['N']:6d} P={row['P']:6d} {row['route']:10s} " + (
                row.get("error") or f"step {row['step_s']:8.3f} s  compile {row['compile_s']:6.1f} s  "
                f"peak {row['peak_mb']:7.0f} MB  built {row['built_mb']:6.0f} MB"), flush=True)
    skipped = [{"N": n, "P": p, "dense_gb": n * p * 8 / 1e9,
                "why": f"dense Φ̂ {n * p * 8 / 1e9:.1f} GB > {DENSE_LIMIT / 1e9:g} GB"}
               for n, p in ((100000, 5001), (100000, 20001))]
    return rows, skipped


def _index(configs: list[dict], row: dict) -> int:
    """The place of a row's configuration in the sweep (its N and P as asked, not as built)."""
    for i, c in enumerate(configs):
        if c["route"] == row["route"] and c["sweep"] == row["sweep"] and \
                abs(c["N"] - row["N"]) <= 1 and abs(c["P"] - row["P"]) <= 4:
            return i
    return len(configs)


def _in_turns(parts: dict, repeats: int) -> dict:
    """Median seconds of each (f, args), run in turns so that the load falls on all alike."""
    import jax

    times = {name: [] for name in parts}
    for f, args in parts.values():
        jax.block_until_ready(f(*args))
    for _ in range(repeats):
        for name, (f, args) in parts.items():
            started = time.perf_counter()
            jax.block_until_ready(f(*args))
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(t) for name, t in times.items()}


def floor(repeats: int = 5) -> dict:
    """N = 999, P = 5001: the step and its parts against LAPACK's floor (one QR of Φ̂ᵀ, Q
    formed, and the SVD of R; `floor_raw`: Q left as reflectors). `previous_*`: how the
    route, the reflectors and the line search were done before, for comparison."""
    import jax
    import jax.numpy as jnp

    from pdedsl.solvers import line_search, linalg, routes

    prepared = build(999, 5001, {}, boundary=100)  # 899 + 100 points
    ls, theta = prepared.ls, prepared.theta
    solver, state, step, _ = compiled_step(prepared)
    r, J = jax.jit(ls.jacobian)(theta)
    a, Vt = jax.jit(lambda t: routes.factor(solver, ls, t)[2][::2])(theta)
    path = jnp.stack([theta * 1e-2, theta * 1e-3, theta * 1e-4])
    etas = line_search.ladder(solver.line_search_depth, theta.dtype, with_zero=True)

    def lapack(J):
        Q, R = jnp.linalg.qr(J.T)
        return jnp.linalg.svd(R)

    def lapack_raw(J):
        h, _ = jnp.linalg.qr(J.T, mode="raw")
        return jnp.linalg.svd(jnp.tril(h[:, :J.shape[0]]))

    def route(theta):
        _, _, (a, s, Vt, _), _, _ = routes.factor(solver, ls, theta)
        return (a / s) @ Vt

    def previous(J, r):  # QR of Φ̂ᵀ, then Vᵀ = Wᵀ Qᵀ formed
        U, s, Vt = linalg.qr_svd(J)
        return (U.T @ r / s) @ Vt

    def ormqr(Vt, x):  # LAPACK's blocked ormqr on one vector
        P, m = Vt.reflectors.shape[1], Vt.reflectors.shape[0]
        padded = jnp.zeros((P, 1), x.dtype).at[:m, 0].set(Vt.Wt.T @ x)
        return jax.lax.linalg.ormqr(Vt.reflectors.T, Vt.taus, padded)[:, 0]

    def all_at_once(theta, path):  # every η's loss vmapped together
        steps = line_search.taylor_weights(etas, 3) @ path
        return jax.vmap(lambda d: ls.loss(theta - d))(steps)

    parts = {"floor": (jax.jit(lapack), (J,)), "floor_raw": (jax.jit(lapack_raw), (J,)),
             "route": (jax.jit(route), (theta,)), "previous_route": (jax.jit(previous), (J, r)),
             "jacobian": (jax.jit(ls.jacobian), (theta,)),
             "apply": (jax.jit(lambda Vt, x: x @ Vt), (Vt, a)),
             "previous_apply": (jax.jit(ormqr), (Vt, a)),
             "line_search": (jax.jit(lambda t, c: line_search.batched_losses(ls, t, c[None], etas)),
                             (theta, path)),
             "previous_line_search": (jax.jit(all_at_once), (theta, path)),
             "step": (step, (theta, state))}
    out = _in_turns(parts, repeats)
    out.update(N=int(J.shape[0]), P=int(J.shape[1]), repeats=repeats,
               **{f"{k}_over_floor": out[k] / out["floor"]
                  for k in ("step", "route", "previous_route")},
               step_over_floor_raw=out["step"] / out["floor_raw"])
    print("  floor " + "  ".join(f"{k} {v:.3f}" for k, v in out.items() if isinstance(v, float)),
          flush=True)
    return out


def trajectory(steps: int = 10) -> dict:
    """N = 999, P = 5001: the loss, η and error of `steps` steps on the wide route (`auto`)
    and on LAPACK's thin SVD (`svd`) from the same start."""
    from pdedsl.solvers import make_solver
    from pdedsl.train import StopRules, train

    out = {}
    for setting in ("auto", "svd"):
        prepared = build(999, 5001, {"linalg": setting}, boundary=100)
        solver, stop = make_solver("anagram", prepared.config.solver_options)
        rows = []
        train(prepared.ls, solver, prepared.theta, StopRules(**{**stop, "steps": steps}),
              errors=prepared.errors(), error_names=("u",),
              callback=lambda row: rows.append({k: float(row[k]) for k in
                                                ("step", "loss", "eta", "l2_u", "route")}))
        out[setting] = rows
    out["same_eta"] = all(x["eta"] == y["eta"] for x, y in zip(out["auto"], out["svd"]))
    out["loss_change"] = max(abs(x["loss"] - y["loss"]) / y["loss"]
                             for x, y in zip(out["auto"], out["svd"]))
    out["l2_change"] = max(abs(x["l2_u"] - y["l2_u"]) / y["l2_u"]
                           for x, y in zip(out["auto"], out["svd"]))
    print(f"  wide against svd, {steps} steps: same η {out['same_eta']}, loss within "
          f"{out['loss_change']:.1e}, error within {out['l2_change']:.1e}", flush=True)
    return out


def accuracy() -> list[dict]:
    """The approximate routes against the SVD on real Jacobians (at the initial θ): for
    each cut the rank kept, the relative change of δ and of ½‖Φ̂δ - r‖² (over ½‖r‖²)."""
    import jax
    import jax.numpy as jnp

    from pdedsl.solvers import routes
    from pdedsl.solvers.anagram import Anagram
    from pdedsl.solvers.filter import apply, factors

    out = []
    for n, p in ((900, 129), (1000, 2001)):
        prepared = build(n, p, {})
        ls, theta = prepared.ls, prepared.theta
        r, J = jax.jit(ls.jacobian)(theta)

        def deltas(solver):
            def run(theta):
                _, _, (a, s, Vt, _), _, _ = routes.factor(solver, ls, theta)
                f = jnp.stack([factors(s, c * s[0]) for c in ACCURACY_CUTS])
                return apply(f, a, Vt), jnp.sum(f > 0, axis=1)
            return jax.jit(run)(theta)

        reference, kept = deltas(Anagram(linalg="svd"))
        base = [float(jnp.sum((J @ d - r) ** 2) / (r @ r)) for d in reference]
        for name, rank in [(m, k) for m in ("krylov", "randomized") for k in (25, 50, 100, 200)]:
            got, ranks = deltas(Anagram(linalg=name, rank=rank))
            for c, d0, d, k0, k, b in zip(ACCURACY_CUTS, reference, got, kept, ranks, base):
                out.append({"N": int(J.shape[0]), "P": int(J.shape[1]), "route": name, "rank": rank,
                            "rcond": c, "kept": int(k), "kept_svd": int(k0),
                            "delta_change": float(jnp.linalg.norm(d - d0) / jnp.linalg.norm(d0)),
                            "loss_change": float(jnp.sum((J @ d - r) ** 2) / (r @ r)) - b})
                print(f"  {J.shape[0]}×{J.shape[1]} {name:10s} {rank:4d} rcond {c:g}: kept "
                      f"{int(k)}/{int(k0)}  Δδ {out[-1]['delta_change']:.1e}  "
                      f"Δloss {out[-1]['loss_change']:+.1e}", flush=True)
    return out


def poisson(out: Path, seconds: float = math.inf) -> dict:
    """The 3D Poisson run (module docstring), its record rewritten after every step."""
    from pdedsl.api import prepare
    from pdedsl.solvers import make_solver
    from pdedsl.train import StopRules, train

    prepared = prepare(ROOT / "examples" / "poisson3d.pde", **POISSON)
    record = {"N": prepared.ls.size, "P": int(prepared.theta.size), "settings": POISSON,
              "target": TARGET, "seconds_budget": seconds if math.isfinite(seconds) else None,
              "built_mb": memory()["rss_mb"], "history": []}
    solver, stop = make_solver("anagram", prepared.config.solver_options)

    class Reached(Exception):
        pass

    def callback(row):
        record["history"].append(row)
        record.update(memory())
        (out / "scale-poisson.json").write_text(json.dumps(record, indent=1))
        print(f"  step {row['step']:3d}  loss {row['loss']:.3e}  L2 {row['l2_u']:.2e}  "
              f"{row['seconds']:7.1f} s  peak {record['peak_mb']:.0f} MB", flush=True)
        if row["l2_u"] <= TARGET:
            raise Reached

    started = time.perf_counter()
    rules = StopRules(**{**stop, "steps": 150, "seconds": seconds})
    try:
        result = train(prepared.ls, solver, prepared.theta, rules, errors=prepared.errors(),
                       error_names=("u",), callback=callback)
        record["status"], record["compile_s"] = result.status, result.compile_seconds
    except Reached:
        record["status"] = "reached the target"
    record.update(memory(), reached=record["history"][-1]["l2_u"] <= TARGET,
                  wall_s=time.perf_counter() - started)
    (out / "scale-poisson.json").write_text(json.dumps(record, indent=1))
    return record


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "recorded")
    parser.add_argument("--quick", action="store_true", help="the smaller sizes only")
    parser.add_argument("--poisson", action="store_true", help="the 3D Poisson run only")
    parser.add_argument("--jobs", type=int, default=1,
                        help="configurations of the sweeps run at a time (each a process)")
    parser.add_argument("--seconds", type=float, default=math.inf,
                        help="--poisson: stop after this much training time")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # one configuration (JSON), internal
    parser.add_argument("--accuracy", action="store_true", help="print the accuracy part only")
    parser.add_argument("--floor", action="store_true",
                        help="measure the LAPACK floor again, into DIR/scale.json")
    args = parser.parse_args(argv)
    if args.floor:  # the floor alone, into an existing DIR/scale.json
        from pdedsl import runtime

        runtime.setup()
        result = json.loads((args.out / "scale.json").read_text())
        result["floor"], result["trajectory"] = floor(), trajectory()
        (args.out / "scale.json").write_text(json.dumps(result, indent=1))
        import scale_report  # noqa: E402

        scale_report.write(result, args.out, ROOT / "docs" / "img" / "scale.png")
        return
    if args.accuracy:
        from pdedsl import runtime

        runtime.setup()
        accuracy()
        return
    if args.one:
        from pdedsl import runtime

        runtime.setup()
        print(json.dumps(one(json.loads(args.one))))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    if args.poisson:
        from pdedsl import runtime

        runtime.setup()
        poisson(args.out, args.seconds)
        return
    import scale_report  # noqa: E402 (bench/ is on the path when run as a script)
    from pdedsl import runtime

    runtime.setup()
    started = time.time()
    result = {"machine": {"cpus": os.cpu_count(), "load_before": os.getloadavg(), "jobs": args.jobs,
                          "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS")},
              "routes": ROUTES, "rows": [], "skipped": []}

    def save(rows=None):  # after every part, so that a run cut short keeps what it measured
        if rows is not None:
            result["rows"] = rows
        result["machine"]["load_after"] = os.getloadavg()
        result.update(growth=scale_report.growth(result["rows"]), wall_seconds=time.time() - started)
        (args.out / "scale.json").write_text(json.dumps(result, indent=1))

    print("LAPACK floor, 999 × 5001:", flush=True)
    result["floor"] = floor()
    save()
    result["trajectory"] = trajectory()
    save()
    print("Krylov and randomized against the SVD:", flush=True)
    result["accuracy"] = accuracy()
    save()
    print("sweeps:", flush=True)
    result["rows"], result["skipped"] = sweep(args.quick, args.jobs, save)
    save()
    scale_report.write(result, args.out, ROOT / "docs" / "img" / "scale.png")


if __name__ == "__main__":
    main()
