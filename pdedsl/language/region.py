"""A problem's region: the shape its spatial variables range over, as plain data.

`ShapeSpec` is a shape as the file writes it: a kind, its arguments as SymPy
expressions (constants kept as symbols) and its name, so that a constant given a new
value (`--set R=2`) rebuilds the shape. `Region.shape` is the shape for the current
constants, a `pdedsl.shapes` dataclass (NumPy only: the front end stays JAX-free).
"""

from __future__ import annotations

import dataclasses
import fractions
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import sympy

from ..selection import OnPlane, check_region, region_bounds, select, slice_grid
from ..shapes import Annulus, Ball, Box, Disk, Intersect, Minus, Polygon, Rectangle, Shape, Union

PRIMITIVES = {"disk": Disk, "annulus": Annulus, "rectangle": Rectangle, "polygon": Polygon,
              "ball": Ball, "box": Box}
OPERATIONS = {"minus": Minus, "union": Union, "intersect": Intersect}


@dataclass(frozen=True)
class ShapeSpec:
    """`disk((0, 0), R)` as written: kind 'disk', args ((0, 0), R); a set operation's
    args are its two operands (ShapeSpecs). `name`: `region NAME = ...`."""

    kind: str
    args: tuple
    name: str | None = None

    def build(self, values: Mapping[sympy.Symbol, sympy.Expr]) -> Shape:
        """The shape with the constants' values put in; ValueError for a bad one."""
        if self.kind in OPERATIONS:
            a, b = (part.build(values) for part in self.args)
            return OPERATIONS[self.kind](a, b, name=self.name)
        args = [_number(a, values) for a in self.args]
        if self.kind == "polygon":
            return Polygon(tuple(args), name=self.name)
        return PRIMITIVES[self.kind](*args, name=self.name)

    def __str__(self) -> str:
        if self.kind in OPERATIONS:
            a, b = (p.name or (str(p) if p.kind not in OPERATIONS else f"({p})") for p in self.args)
            return f"{a} {self.kind} {b}"
        return f"{self.kind}({', '.join(_text(a) for a in self.args)})"


@dataclass(frozen=True)
class Region:
    """`(x, y) in SHAPE`: the region's variables in the order written, its shape as
    written (`spec`) and built (`shape`), and the variables whose range the region
    statement gave (its tight bounding box) rather than a range declared before."""

    variables: tuple[str, ...]
    spec: ShapeSpec
    shape: Shape
    declared: tuple[str, ...] = ()

    @property
    def dimension(self) -> int:
        return len(self.variables)

    def bounds(self) -> np.ndarray:
        """The smallest box (d, 2) holding the region, rows in the region's variable order."""
        return region_bounds(self.shape)

    def with_values(self, values: Mapping[sympy.Symbol, sympy.Expr]) -> Region:
        """The region with constants given new values (ValueError for a bad shape)."""
        shape = self.spec.build(values)
        check_region(shape, self.variables)
        return dataclasses.replace(self, shape=shape)

    def misses(self, point: Mapping[str, float], written: str) -> str | None:
        """Why a point condition's place is not in the region (a point outside it; a line
        or plane that misses it or only touches it), or None."""
        if set(self.variables) <= set(point):
            x = np.array([[point[v] for v in self.variables]])
            inside = bool(self.shape.contains(x)[0])  # the boundary included
            return None if inside else f"the point {written} is outside the region"
        return None if self._crosses(point) else (
            f"no part of {written} lies inside the region (it misses the region or only touches it)")

    def _crosses(self, point: Mapping[str, float]) -> bool:
        """Whether the line or plane where the named variables take their values runs
        through the region, not only along its outside or touching it at a point."""
        fixed = {self.variables.index(v): value for v, value in point.items()
                 if v in self.variables}
        grid = slice_grid(region_bounds(self.shape), fixed)
        return bool(self.shape.contains(grid).any())


def moved_selectors(selectors: tuple, shape: Shape, values) -> tuple:
    """A condition's selectors for the constants' `values`: each plane `on x = L` where
    L now is, as a box's face follows L; ValueError for a selector that no longer holds
    part of the boundary."""
    moved = tuple(dataclasses.replace(s, value=float(s.written.subs(values)))
                  if isinstance(s, OnPlane) and s.written is not None else s
                  for s in selectors)
    for selector in moved:
        select(shape, [selector])
    return moved


def range_end(value: float) -> sympy.Expr:
    """A bounding-box end as a SymPy number: a short fraction when it is one (1/4),
    else the float."""
    close = fractions.Fraction(value).limit_denominator(1000)
    if abs(float(close) - value) <= 1e-15 * max(1.0, abs(value)):
        return sympy.Rational(close.numerator, close.denominator)
    return sympy.Float(value)


def _number(arg, values):
    if isinstance(arg, tuple):
        return tuple(_number(a, values) for a in arg)
    return float(arg.subs(values))


def _text(arg) -> str:
    if isinstance(arg, tuple):
        return "(" + ", ".join(_text(a) for a in arg) + ")"
    return str(arg).replace("**", "^")
