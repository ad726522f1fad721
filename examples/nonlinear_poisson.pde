# nonlinear_poisson.pde: semilinear Poisson equation -laplacian(u) + u^3 = f on the
# unit square with homogeneous Dirichlet data (monotone nonlinearity: unique solution).
# Manufactured solution u = sin(pi x) sin(pi y), so
#   f = 2 pi^2 sin(pi x) sin(pi y) + sin(pi x)^3 sin(pi y)^3.
x in [0, 1]
y in [0, 1]
unknown u(x, y)

-laplacian(u) + u^3 = 2*pi^2*sin(pi*x)*sin(pi*y) + sin(pi*x)^3*sin(pi*y)^3
u = 0                                          on boundary

exact u = sin(pi*x)*sin(pi*y)
