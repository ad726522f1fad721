# helmholtz.pde: 2D Helmholtz equation laplacian(u) + k^2 u = f on the unit square
# with Dirichlet data. Manufactured solution u = sin(pi x) sin(pi y) + cos(k x):
# cos(k x) solves the homogeneous equation and carries the boundary data, the sine
# product gives f = (k^2 - 2 pi^2) sin(pi x) sin(pi y). k^2 = 9 is below the first
# Dirichlet eigenvalue 2 pi^2 of -laplacian, so the problem has a unique solution.
x in [0, 1]
y in [0, 1]
const k = 3
unknown u(x, y)

laplacian(u) + k^2*u = (k^2 - 2*pi^2)*sin(pi*x)*sin(pi*y)
u = cos(k*x)                                   on boundary

exact u = sin(pi*x)*sin(pi*y) + cos(k*x)
