"""Region statements and the places of conditions on a region.

`region NAME = SHAPE` names a shape; `(x, y) in SHAPE` makes it the domain (at most
one), declaring its variables (or checking that ranges declared before hold it).
In a problem with a region, `on boundary`, `on NAME` and `on x = a` are selectors
of the region's boundary (`pdedsl.selection`), and `on t = 0` stays a face of the
time variable. The region is built as soon as it is read, so every mistake (a
radius ≤ 0, a polygon crossing itself, an empty region, a named piece that is no
part of the boundary) is an error at its place in the file.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from lark import Token, Tree

from ..selection import OnPlane, OnShape, WholeBoundary, check_region, region_bounds, select
from ..shapes import Shape
from .expressions import ExpressionBuilder
from .places import Places
from .problem import Face, Variable
from .region import OPERATIONS, PRIMITIVES, Region, ShapeSpec, range_end
from .vocabulary import did_you_mean

DIMENSION = {"disk": 2, "annulus": 2, "rectangle": 2, "polygon": 2, "ball": 3, "box": 3}
# Each primitive's arguments: (kind, what it is) in order; polygon takes any number of points.
ARGUMENTS = {
    "disk": (("point", "the centre"), ("length", "the radius")),
    "annulus": (("point", "the centre"), ("length", "the inner radius"),
                ("length", "the outer radius")),
    "rectangle": (("point", "a corner"), ("point", "the opposite corner")),
    "ball": (("point", "the centre"), ("length", "the radius")),
    "box": (("point", "a corner"), ("point", "the opposite corner")),
}
USAGE = {"disk": "disk((cx, cy), r)", "annulus": "annulus((cx, cy), r_inner, r_outer)",
         "rectangle": "rectangle((x0, y0), (x1, y1))",
         "polygon": "polygon((x1, y1), (x2, y2), (x3, y3), ...)",
         "ball": "ball((cx, cy, cz), r)", "box": "box((x0, y0, z0), (x1, y1, z1))"}
TOLERANCE = 1e-9  # relative: a declared range holds the region up to this


class Regions:
    """Reads the region statements of one file; `region` is the domain once stated."""

    def __init__(self, expressions: ExpressionBuilder, places: Places,
                 declare: Callable[[Token], None]):
        self.expressions = expressions
        self.places = places
        self.scope = expressions.scope
        self.declare = declare
        self.region: Region | None = None
        self.line: int | None = None  # where the region statement is

    def error(self, message: str, node):
        return self.expressions.error(message, node)

    # ------------------------------------------------------------ statements
    def named(self, tree: Tree) -> None:
        """`region NAME = SHAPE`."""
        name, shape_tree = tree.children
        if shape_tree.data == "name" and str(shape_tree.children[0]) in self.scope.regions:
            other = shape_tree.children[0]
            raise self.error(f"'{other}' already names this shape: use '{other}' itself", other)
        self.declare(name)
        spec, shape = self.shape(shape_tree)
        self.scope.regions[str(name)] = dataclasses.replace(spec, name=str(name))

    def statement(self, tree: Tree, stated_conditions: int) -> None:
        """`(x, y) in SHAPE`: the domain."""
        variables_tree, shape_tree = tree.children
        if self.region is not None:
            raise self.error(f"a second region statement (the first is on line {self.line}): "
                             "a problem has at most one region", tree)
        if stated_conditions:
            raise self.error("the region statement must come before the conditions", tree)
        tokens = self.variables(variables_tree)
        spec, shape = self.shape(shape_tree)
        names = tuple(str(t) for t in tokens)
        if shape.dimension != len(names):
            raise self.error(f"{spec} is a {shape.dimension}D shape, but the region statement "
                             f"lists {len(names)} variables ({', '.join(names)})", shape_tree)
        try:
            check_region(shape, names)
        except (ValueError, OverflowError) as error:
            raise self.error(str(error), shape_tree) from None
        box = dict(zip(names, region_bounds(shape)))
        declared = []
        for token in tokens:
            name = str(token)
            lower, upper = box[name]
            if name in self.scope.variables:
                self.holds(self.scope.variables[name], lower, upper, shape_tree)
            else:
                self.declare(token)
                self.scope.variables[name] = Variable(name, range_end(lower), range_end(upper))
                declared.append(name)
        self.region = Region(names, spec, shape, tuple(declared))
        self.line = tree.meta.line

    def variables(self, tree: Tree) -> list[Token]:
        """The names of `(x, y)`: spatial variables, each once; every spatial variable
        declared before must be among them."""
        tokens: list[Token] = []
        for item in tree.children:
            if item.data != "name":
                raise self.error("a region statement lists its variables by name: "
                                 "(x, y) in ...", item)
            token = item.children[0]
            name = str(token)
            if name in [str(t) for t in tokens]:
                raise self.error(f"variable '{name}' is listed twice", token)
            if name in self.scope.variables and self.scope.variables[name].is_time:
                raise self.error(f"{name} is the time variable: a region is over spatial "
                                 "variables (time multiplies it, as it does a box)", token)
            if name in self.places.periodic:
                raise self.error(f"{name} is periodic (line {self.places.periodic[name]}): "
                                 "a region's variables cannot be periodic", token)
            if name in self.scope and name not in self.scope.variables:
                raise self.error(self.scope.not_a_variable(name), token)
            tokens.append(token)
        listed = [str(t) for t in tokens]  # in the written order: a set's would vary
        for v in self.scope.spatial:
            if v.name not in listed:
                raise self.error(f"{v.name} is a spatial variable, but not one of the region's: "
                                 f"with a region, every spatial variable is listed in "
                                 f"'({', '.join([*listed, v.name])}) in ...'", tree)
        return tokens

    def holds(self, variable: Variable, lower: float, upper: float, node) -> None:
        """A range declared before the region statement must hold the region."""
        lo = float(self.expressions.value(variable.lower))
        hi = float(self.expressions.value(variable.upper))
        slack = TOLERANCE * max(1.0, abs(lo), abs(hi))
        for end, inside in ((lower, lo - slack <= lower), (upper, upper <= hi + slack)):
            if not inside:
                raise self.error(
                    f"the region reaches {variable.name} = {end:g}, outside the range of "
                    f"{variable.name} [{variable.lower}, {variable.upper}]", node)

    # ------------------------------------------------------------ shapes
    def shape(self, tree) -> tuple[ShapeSpec, Shape]:
        """The shape a tree writes, as written and built; errors at their argument."""
        kind = tree.data
        if kind in OPERATIONS:
            a_spec, a = self.shape(tree.children[0])
            b_spec, b = self.shape(tree.children[1])
            if a.dimension != b.dimension:
                raise self.error(f"cannot combine a {a.dimension}D shape ({a_spec}) with a "
                                 f"{b.dimension}D shape ({b_spec}) by '{kind}'", tree.children[1])
            spec = ShapeSpec(kind, (a_spec, b_spec))
            return spec, OPERATIONS[kind](a, b)
        if kind == "name":
            return self.reference(tree.children[0])
        if kind == "call":
            return self.primitive(tree)
        raise self.error("expected a shape: disk, annulus, rectangle, polygon, ball, box, "
                         "or a region's name", tree)

    def reference(self, token: Token) -> tuple[ShapeSpec, Shape]:
        name = str(token)
        if name in self.scope.regions:
            spec = self.scope.regions[name]
            return spec, spec.build(self.scope.constant_values())
        if name in PRIMITIVES:
            raise self.error(f"'{name}' needs its arguments: {USAGE[name]}", token)
        if name in self.scope:
            raise self.error(f"'{name}' is not a region (a shape named by "
                             f"'region {name} = ...')", token)
        raise self.error(f"undeclared region '{name}'"
                         + did_you_mean(name, [*self.scope.regions, *PRIMITIVES]), token)

    def primitive(self, tree: Tree) -> tuple[ShapeSpec, Shape]:
        name, args_tree = tree.children
        kind = str(name)
        if kind not in PRIMITIVES:
            if kind in self.scope.regions:
                raise self.error(f"'{kind}' is a region: write {kind}, without (...)", name)
            raise self.error(f"unknown shape '{kind}' (known: {', '.join(PRIMITIVES)})"
                             + did_you_mean(kind, PRIMITIVES), name)
        args = list(args_tree.children) if args_tree is not None else []
        if kind == "polygon":
            if len(args) < 3:
                raise self.error(f"a polygon needs at least 3 vertices, got {len(args)}: "
                                 f"{USAGE[kind]}", tree)
            roles = [("point", f"vertex {k + 1}") for k in range(len(args))]
        else:
            roles = ARGUMENTS[kind]
            if len(args) != len(roles):
                raise self.error(f"{kind}(...) takes {len(roles)} arguments, not {len(args)}: "
                                 f"{USAGE[kind]}", tree)
        values = [self.argument(a, role, f"{what} of {'an' if kind == 'annulus' else 'a'} {kind}", DIMENSION[kind])
                  for a, (role, what) in zip(args, roles)]
        constants = self.scope.constant_values()
        if kind == "annulus" and float(values[1].subs(constants)) >= float(values[2].subs(constants)):
            raise self.error("the inner radius of an annulus must be less than the outer one",
                             args[1])
        spec = ShapeSpec(kind, tuple(values))
        try:
            return spec, spec.build(constants)
        except ValueError as error:  # a flat rectangle, a polygon crossing itself
            raise self.error(str(error), tree) from None
        except (OverflowError, FloatingPointError):  # a polygon of corners at 1e200
            raise self.error(f"the {kind} is too large for double precision (its size is "
                             "beyond about 1.8e308)", tree) from None

    def argument(self, tree, role: str, what: str, dimension: int):
        """A point (a tuple of constant expressions) or a positive length."""
        if role == "point":
            coordinates = "(x, y)" if dimension == 2 else "(x, y, z)"
            if tree.data != "tuple":
                raise self.error(f"{what} must be a point {coordinates}", tree)
            if len(tree.children) != dimension:
                raise self.error(f"{what} must have {dimension} coordinates, "
                                 f"got {len(tree.children)}", tree)
            return tuple(self.expressions.constant(c, what) for c in tree.children)
        if tree.data == "tuple":
            raise self.error(f"{what} must be a number, not a point", tree)
        value = self.expressions.constant(tree, what)
        number = float(self.expressions.value(value, tree))
        if not number > 0:
            raise self.error(f"{what} must be positive, got {number:g}", tree)
        return value

    # ------------------------------------------------------------ on ...
    def places_of(self, where: Tree) -> tuple[list[Face], list]:
        """A condition's places on the region: faces of the time variable, selectors
        of the boundary; each must hold part of the boundary."""
        faces: list[Face] = []
        selectors: list = []
        for place in where.children:
            if place.data == "boundary":
                selector, node = WholeBoundary(), place
            elif place.data == "named_place":
                node = place.children[0]
                selector = self.on_shape(node)
            else:
                node, value_tree = place.children
                variable = self.places.variable(node, f"on {node} = ...: ")
                if variable.is_time:
                    face = self.places.face(node, value_tree)
                    faces += [face] if face not in faces else []
                    continue
                written = self.expressions.constant(value_tree, f"the value of {node}")
                value = float(self.expressions.value(written, value_tree))
                selector = OnPlane(self.region.variables.index(variable.name), value,
                                   variable.name, written)
                node = value_tree
            try:
                select(self.region.shape, [selector])
            except ValueError as error:
                raise self.error(str(error), node) from None
            selectors += [selector] if selector not in selectors else []
        return faces, selectors

    def on_shape(self, token: Token) -> OnShape:
        name = str(token)
        if name not in self.scope.regions:
            raise self.places.named_place(token)
        if name not in self.region.shape.named():
            raise self.error(f"'{name}' is not part of the region (line {self.line} does not "
                             "use it)", token)
        return OnShape(name)

    def misses(self, point: dict[str, float], written: str) -> str | None:
        """Why a point condition's place is not in the region, or None."""
        return self.region.misses(point, written)

