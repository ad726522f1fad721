# system.pde: a system of two coupled 2D equations for two unknowns on the unit square,
#   -laplacian(u) + v = f1,   -laplacian(v) - u = f2,
# with Dirichlet data for both (for each eigenmode lambda of -laplacian the 2x2 block
# [[lambda, 1], [-1, lambda]] is invertible, so the solution is unique).
# Manufactured solution u = sin(pi x) sin(pi y), v = cos(pi x) sin(pi y).
x in [0, 1]
y in [0, 1]
unknown u(x, y)
unknown v(x, y)

-laplacian(u) + v = (2*pi^2*sin(pi*x) + cos(pi*x))*sin(pi*y)
-laplacian(v) - u = (2*pi^2*cos(pi*x) - sin(pi*x))*sin(pi*y)
u = 0                        on boundary
v = cos(pi*x)*sin(pi*y)      on boundary

exact u = sin(pi*x)*sin(pi*y)
exact v = cos(pi*x)*sin(pi*y)

# One hidden layer of 64 per unknown: 514 parameters instead of the default 2 x 1185,
# so each step's SVD is small; it reaches the same 1e-8 in a fifteenth of the time.
model mlp(width = 64, depth = 1)
