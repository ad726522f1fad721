"""Where a condition holds: the faces of `on ...`, the point of `at ...`, and the
periodic variables, which have no faces.

A `periodic` statement may come after a condition that names a face, so the faces
of conditions are settled only once the whole file is read (`settle`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from lark import Token, Tree

from .expressions import ExpressionBuilder
from .problem import Face
from .vocabulary import did_you_mean

TOLERANCE = 1e-12  # relative to the range's ends, for "is this value an end?"


@dataclass(frozen=True)
class WrittenFace:
    """A face as the file names it: explicitly (`x = 0`) or as part of `boundary`."""

    face: Face
    node: Token | Tree
    from_boundary: bool


class Places:
    """Reads places against the variables in scope; remembers the periodic ones."""

    def __init__(self, expressions: ExpressionBuilder):
        self.expressions = expressions
        self.scope = expressions.scope
        self.periodic: dict[str, int] = {}  # variable -> line of its `periodic`

    def error(self, message: str, node):
        return self.expressions.error(message, node)

    # ------------------------------------------------------------ on ...
    def faces(self, where: Tree) -> list[WrittenFace]:
        """The faces `on ...` names, in order, without repeats."""
        faces: list[WrittenFace] = []
        for place in where.children:
            if place.data == "boundary":
                if not self.scope.spatial:
                    raise self.error("'on boundary': the problem has no spatial variable", place)
                new = [WrittenFace(Face(v.name, side), place, True)
                       for v in self.scope.spatial for side in ("lower", "upper")]
            elif place.data == "named_place":
                raise self.named_place(place.children[0])
            else:
                name, value_tree = place.children
                new = [WrittenFace(self.face(name, value_tree), name, False)]
                if any(f.face == new[0].face and not f.from_boundary for f in faces):
                    v = self.scope.variables[str(name)]
                    end = v.lower if new[0].face.side == "lower" else v.upper
                    raise self.error(f"'{name} = {end}' is named twice in this condition "
                                     "(another face meant?)", name)
            faces.extend(f for f in new if f.face not in [g.face for g in faces])
        return faces

    def named_place(self, name: Token):
        """The error for `on NAME`: a misspelt `boundary` or region name, a variable
        without its value, or a region's name in a problem without a region."""
        if str(name) in self.scope.variables:
            v = self.scope.variables[str(name)]
            return self.error(f"on {name}: write 'on {name} = {v.lower}' or "
                              f"'on {name} = {v.upper}' (an end of its range)", name)
        if str(name) in self.scope.regions:
            return self.error(f"'{name}' is a region, but the domain is a box: write "
                              f"'(x, y) in ...' with the shape before the conditions", name)
        hint = did_you_mean(str(name), ["boundary", *self.scope.regions], cutoff=0.5)
        if hint:
            return self.error(f"unknown place '{name}'{hint}", name)
        return self.error(f"unknown place '{name}': write 'on boundary', 'on x = ...' or the "
                          "name of a region ('region NAME = ...')", name)

    def face(self, name: Token, value_tree) -> Face:
        """`x = value`: the face of x at that end of its range."""
        variable = self.variable(name, f"on {name} = ...: ")
        value = self.value(name, value_tree)
        ends = self._ends(variable)
        tolerance = TOLERANCE * max(abs(end) for end in ends.values())
        side = min(ends, key=lambda s: abs(float(value) - ends[s]))
        if abs(float(value) - ends[side]) <= tolerance:
            self.refuse_periodic(Face(variable.name, side), name)
            return Face(variable.name, side)
        raise self.error(
            f"{name} = {value} is not an end of the range of {name} "
            f"[{variable.lower}, {variable.upper}]",
            value_tree,
        )

    def settle(self, written: list[WrittenFace], where: Tree) -> tuple[Face, ...]:
        """The faces of a condition once the periodic variables are known: `boundary`
        leaves theirs out (an explicit one is refused when both are read)."""
        faces = [w.face for w in written if w.face.variable not in self.periodic]
        if not faces:
            raise self.error("'on boundary': every spatial variable is periodic, so the "
                             "domain has no boundary", where)
        return tuple(faces)

    def refuse_periodic(self, face: Face, node) -> None:
        if face.variable in self.periodic:
            raise self.error(
                f"{face.variable} is periodic (line {self.periodic[face.variable]}): its two "
                f"ends are one, and a condition there is not allowed",
                node,
            )

    def refuse_normal_in_time(self, written: list[WrittenFace]) -> None:
        """`dn(...)` is the spatial outward normal: a time slice has none."""
        for w in written:
            if self.scope.variables[w.face.variable].is_time:
                t = w.face.variable
                raise self.error(
                    f"dn(...) on {t} = ...: the normal derivative is along the domain's "
                    f"outward normal in space, and a slice of the time variable {t} has none; "
                    f"write the time derivative instead, as in diff(u, {t})",
                    w.node,
                )

    # ------------------------------------------------------------ at ...
    def point(self, tree: Tree) -> dict[str, sympy.Expr]:
        """`x = 1/2, y = 0`: each named spatial variable's value, inside its range."""
        named: dict[str, sympy.Expr] = {}
        for coordinate in tree.children:
            name, value_tree = coordinate.children
            variable = self.variable(name, f"at {name} = ...: ")
            if variable.is_time:
                raise self.error(
                    f"at {name} = ...: {name} is the time variable; a point condition "
                    f"names spatial variables and holds at every time (for a condition at "
                    f"one time, write 'on {name} = ...' with an end of its range)",
                    name,
                )
            if variable.name in named:
                raise self.error(f"{name} is named twice", name)
            expr = self.expressions.constant(value_tree, f"the value of {name}")
            value = self.expressions.value(expr, value_tree)
            ends = self._ends(variable)
            tolerance = TOLERANCE * max(abs(end) for end in ends.values())
            if not ends["lower"] - tolerance <= float(value) <= ends["upper"] + tolerance:
                raise self.error(
                    f"{name} = {value} is outside the range of {name} "
                    f"[{variable.lower}, {variable.upper}]",
                    value_tree,
                )
            named[variable.name] = expr
        order = list(self.scope.variables)
        return dict(sorted(named.items(), key=lambda item: order.index(item[0])))

    # ------------------------------------------------------------ periodic
    def declare_periodic(self, tree: Tree) -> None:
        """`periodic x, y`: spatial variables declared with a range, once each."""
        for name in tree.children:
            variable = self.variable(name, "periodic: ")
            if variable.is_time:
                raise self.error(f"periodic: {name} is the time variable; only a spatial "
                                 "variable can be periodic", name)
            if variable.name in self.periodic:
                raise self.error(f"{name} is already periodic (line {self.periodic[variable.name]})",
                                 name)
            self.periodic[variable.name] = name.line

    # ------------------------------------------------------------ helpers
    def variable(self, name: Token, prefix: str):
        if str(name) not in self.scope.variables:
            raise self.error(prefix + self.scope.not_a_variable(str(name)), name)
        return self.scope.variables[str(name)]

    def value(self, name: Token, value_tree) -> sympy.Expr:
        """The exact value of `name = value`, constants resolved (a Rational or Float)."""
        expr = self.expressions.constant(value_tree, f"the value of {name}")
        return self.expressions.value(expr, value_tree)

    def _ends(self, variable) -> dict[str, float]:
        return {side: float(self.expressions.value(end))
                for side, end in (("lower", variable.lower), ("upper", variable.upper))}
