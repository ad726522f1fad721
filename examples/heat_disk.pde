# heat_disk.pde: heat equation in 2+1 D on the unit disk, time-dependent Dirichlet data.
# Separated solution: cos(pi x/2) cos(pi y/2) is an eigenfunction of the Laplacian with
# eigenvalue -pi^2/2, so u = exp(-kappa pi^2 t/2) cos(pi x/2) cos(pi y/2).
time t in [0, 1]
(x, y) in disk((0, 0), 1)
const kappa = 1/4
unknown u(t, x, y)

u_t - kappa*laplacian(u) = 0
u = exp(-kappa*pi^2*t/2)*cos(pi*x/2)*cos(pi*y/2)     on boundary
u = cos(pi*x/2)*cos(pi*y/2)                          on t = 0

exact u = exp(-kappa*pi^2*t/2)*cos(pi*x/2)*cos(pi*y/2)
