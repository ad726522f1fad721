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

# A 24 x 24 network (721 parameters, against 1217 for the default 32 x 32) makes each
# step's SVD about four times cheaper; with Tikhonov damping at the cut (docs/solvers.md)
# it ends at 3.4e-7 to 1.4e-6 over seeds 0 to 4 (bench/recorded/robustness.md), in about
# a minute.
solver anagram(damping = tikhonov)
model  mlp(width = 24)
