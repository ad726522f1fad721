# poisson_disk.pde: 2D Poisson equation on the unit disk, Dirichlet data on its circle.
# Manufactured solution u = cos(pi x y) + x:
#   -laplacian(u) = pi^2 (x^2 + y^2) cos(pi x y)
(x, y) in disk((0, 0), 1)
unknown u(x, y)

-laplacian(u) = pi^2*(x^2 + y^2)*cos(pi*x*y)
u = cos(pi*x*y) + x          on boundary

exact u = cos(pi*x*y) + x
