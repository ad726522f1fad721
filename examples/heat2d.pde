# heat2d.pde: heat equation in 2+1 D on the unit square, zero boundary temperature.
# Textbook separated solution: the first Fourier mode decays at rate 2 kappa pi^2,
#   u = exp(-2 kappa pi^2 t) sin(pi x) sin(pi y).
time t in [0, 1]
x in [0, 1]
y in [0, 1]
const kappa = 1/10
unknown u(t, x, y)

u_t - kappa*laplacian(u) = 0
u = 0                          on boundary
u = sin(pi*x)*sin(pi*y)        on t = 0

exact u = exp(-2*kappa*pi^2*t)*sin(pi*x)*sin(pi*y)
