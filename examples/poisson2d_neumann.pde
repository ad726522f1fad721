# poisson2d_neumann.pde: 2D Poisson equation with mixed conditions, one per face:
# Dirichlet on x = 0, Neumann (dn and u_y forms) on the other three faces.
# Manufactured solution u = exp(x) cos(pi y / 2):
#   -laplacian(u)      = (pi^2/4 - 1) exp(x) cos(pi y / 2)
#   u      on x = 0    = cos(pi y / 2)
#   dn(u)  on x = 1    = +u_x = e cos(pi y / 2)
#   u_y    on y = 0    = 0
#   dn(u)  on y = 1    = +u_y = -pi/2 exp(x)
x in [0, 1]
y in [0, 1]
unknown u(x, y)

-laplacian(u) = (pi^2/4 - 1)*exp(x)*cos(pi*y/2)
u = cos(pi*y/2)              on x = 0
dn(u) = e*cos(pi*y/2)        on x = 1
u_y = 0                      on y = 0
dn(u) = -pi/2*exp(x)         on y = 1

exact u = exp(x)*cos(pi*y/2)
