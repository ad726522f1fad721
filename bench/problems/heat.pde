# heat.pde: the ANaGRAM paper's heat 1+1D benchmark: MLP 2-64-1 (tanh),
# a 28 x 28 interior grid and 87 grid points on the initial slice and the two ends.
time t in [0, 1]
x in [0, 1]
const kappa = 1/4
unknown u(t, x)

u_t - kappa*u_xx = 0
u = 0            on x = 0, x = 1
u = sin(pi*x)    on t = 0

exact u = exp(-kappa*pi^2*t)*sin(pi*x)

model  mlp(width = 64, depth = 1, activation = tanh)
sample interior = 784, boundary = 87, method = grid
