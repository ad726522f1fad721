"""The report of bench/scale.py: growth exponents, the Markdown tables and the figure."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def _slope(x, y) -> float | None:
    if len(x) < 2:
        return None
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def growth(rows: list[dict]) -> dict:
    """Per route: time ∝ N^a (P sweep: P^b) and memory above the built problem likewise."""
    out = {}
    for route in sorted({r["route"] for r in rows}):
        entry = {}
        for axis in ("N", "P"):
            done = [r for r in rows if r["route"] == route and r["sweep"] == axis and "error" not in r]
            x = [r[axis] for r in done]
            entry[f"time_{axis}"] = _slope(x, [r["step_s"] for r in done])
            extra = [max(r["peak_mb"] - r["built_mb"], 1.0) for r in done]
            entry[f"memory_{axis}"] = _slope(x, extra)
        out[route] = entry
    return out


def _g(value) -> str:
    return "—" if value is None else f"{value:.2f}"


FLOOR_PARTS = ("floor", "floor_raw", "route", "previous_route", "jacobian", "apply",
               "previous_apply", "line_search", "previous_line_search", "step")


def _trajectory(t: dict | None) -> list[str]:
    if not t:
        return []
    lines = ["", "## Wide route against the SVD, same start", "",
             "| step | loss (wide) | loss (svd) | η (wide) | η (svd) | L2 (wide) | L2 (svd) |",
             "|---|---|---|---|---|---|---|"]
    for x, y in zip(t["auto"], t["svd"]):
        lines.append(f"| {x['step']:.0f} | {x['loss']:.6e} | {y['loss']:.6e} | {x['eta']:g} | "
                     f"{y['eta']:g} | {x['l2_u']:.6e} | {y['l2_u']:.6e} |")
    return lines + ["", f"Same η every step: {t['same_eta']}; largest relative change of the "
                    f"loss {t['loss_change']:.1e}, of the error {t['l2_change']:.1e}."]


def _poisson(p: dict | None) -> list[str]:
    if not p:
        return []
    last = p["history"][-1]
    best = min(p["history"], key=lambda row: row["l2_u"])
    return ["", f"## 3D Poisson, N = {p['N']}, P = {p['P']}, chunk = {p['settings']['chunk']}", "",
            f"{len(p['history'])} steps in {last['seconds']:.0f} s of training "
            f"(budget {p.get('seconds_budget') or 'none'} s; {p.get('status', 'running')}): "
            f"relative L2 error {last['l2_u']:.2e} at the end, {best['l2_u']:.2e} at best "
            f"(step {best['step']}), target {p['target']:g}; peak memory {p['peak_mb']:.0f} MB, "
            f"{p['built_mb']:.0f} MB once the problem was built."]


def markdown(result: dict) -> str:
    lines = ["## Step time and memory", "",
             "| sweep | N | P | route | step (s) | compile (s) | peak (MB) | above the built problem (MB) |",
             "|---|---|---|---|---|---|---|---|"]
    for r in result["rows"]:
        if "error" in r:
            lines.append(f"| {r['sweep']} | {r['N']} | {r['P']} | {r['route']} | failed: {r['error']} | | | |")
            continue
        lines.append(f"| {r['sweep']} | {r['N']} | {r['P']} | {r['route']} ({r['route_code']}) | "
                     f"{r['step_s']:.3f} | {r['compile_s']:.1f} | {r['peak_mb']:.0f} | "
                     f"{r['peak_mb'] - r['built_mb']:.0f} |")
    lines += ["", "Skipped (dense Φ̂ too large): " + ", ".join(
        f"N = {s['N']}, P = {s['P']} ({s['dense_gb']:.1f} GB)" for s in result["skipped"]), "",
        "## Growth exponents", "", "time ∝ N^a (P = 201), ∝ P^b (N = 1000); memory above the "
        "built problem likewise", "", "| route | time a (N) | time b (P) | memory (N) | memory (P) |",
        "|---|---|---|---|---|"]
    for route, g in result["growth"].items():
        lines.append(f"| {route} | {_g(g['time_N'])} | {_g(g['time_P'])} | "
                     f"{_g(g['memory_N'])} | {_g(g['memory_P'])} |")
    f = result["floor"]
    lines += ["", f"## LAPACK floor, N = {f['N']}, P = {f['P']} (medians of {f['repeats']}, in turns)",
              "", "| part | seconds | / floor |", "|---|---|---|"]
    for name in FLOOR_PARTS:
        if name in f:
            lines.append(f"| {name} | {f[name]:.3f} | {f[name] / f['floor']:.2f} |")
    lines += _trajectory(result.get("trajectory")) + _poisson(result.get("poisson"))
    m = result["machine"]
    lines += ["", f"{m['cpus']} CPUs, load average {m['load_before'][0]:.1f} before and "
              f"{m['load_after'][0]:.1f} after; {result['wall_seconds'] / 60:.1f} minutes.", ""]
    return "\n".join(lines)


def figure(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(10, 7.5), sharex="col")
    rows = [r for r in result["rows"] if "error" not in r]
    for column, axis in enumerate(("N", "P")):
        for route in sorted({r["route"] for r in rows}):
            done = sorted((r for r in rows if r["route"] == route and r["sweep"] == axis),
                          key=lambda r: r[axis])
            if not done:
                continue
            x = [r[axis] for r in done]
            axes[0, column].loglog(x, [r["step_s"] for r in done], "o-", label=route)
            axes[1, column].loglog(x, [max(r["peak_mb"] - r["built_mb"], 1) for r in done], "o-",
                                   label=route)
        fixed = "P = 201" if axis == "N" else "N = 1000"
        axes[0, column].set_title(f"step time against {axis} ({fixed})")
        axes[1, column].set_xlabel(axis)
    axes[0, 0].set_ylabel("seconds per step")
    axes[1, 0].set_ylabel("peak MB above the built problem")
    axes[0, 0].legend()
    for ax in axes.flat:
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(result: dict, out: Path, png: Path) -> None:
    """DIR/scale.md (with DIR/scale-poisson.json's run when there is one) and the figure."""
    poisson = out / "scale-poisson.json"
    if poisson.exists():
        result = {**result, "poisson": json.loads(poisson.read_text())}
    text = markdown(result)
    (out / "scale.md").write_text(text)
    figure(result, png)
    print(text)


if __name__ == "__main__":  # redraw from a recorded run: python bench/scale_report.py DIR
    import sys

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "recorded"
    write(json.loads((folder / "scale.json").read_text()), folder,
          Path(__file__).resolve().parent.parent / "docs" / "img" / "scale.png")
