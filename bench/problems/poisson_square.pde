# poisson_square.pde: -laplacian(u) = 1 on the unit square, u = 0 on its boundary.
# No closed form: the reference is its series (bench/references/poisson_square.py).
# The data are incompatible at the corners, so the solution has weak corner singularities.
x in [0, 1]
y in [0, 1]
unknown u(x, y)

-laplacian(u) = 1
u = 0      on boundary
