# poisson3d.pde: 3D Poisson equation on the unit cube with non-zero Dirichlet data.
# Manufactured solution u = sin(pi x) sin(pi y) sin(pi z) + x^2 + y z: the sine
# product vanishes on every face, so the boundary data is g = x^2 + y z, and
# laplacian(u) = 2 - 3 pi^2 sin(pi x) sin(pi y) sin(pi z).
x in [0, 1]
y in [0, 1]
z in [0, 1]
unknown u(x, y, z)

laplacian(u) = 2 - 3*pi^2*sin(pi*x)*sin(pi*y)*sin(pi*z)
u = x^2 + y*z                                        on boundary

exact u = sin(pi*x)*sin(pi*y)*sin(pi*z) + x^2 + y*z
