# poisson_polygon.pde: 2D Poisson equation on a pentagon (a house: a square with a
# roof), Dirichlet data on its five edges.
# Manufactured solution u = sin(pi x/2) cos(pi y/3) + x y:
#   -laplacian(u) = 13 pi^2/36 sin(pi x/2) cos(pi y/3)
(x, y) in polygon((0, 0), (2, 0), (2, 1), (1, 2), (0, 1))
unknown u(x, y)

-laplacian(u) = 13*pi^2/36*sin(pi*x/2)*cos(pi*y/3)
u = sin(pi*x/2)*cos(pi*y/3) + x*y        on boundary

exact u = sin(pi*x/2)*cos(pi*y/3) + x*y
