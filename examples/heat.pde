# heat.pde: heat equation in 1+1 D
time t in [0, 1]
x in [0, 1]
const kappa = 1/4
unknown u(t, x)

u_t - kappa*u_xx = 0
u = 0            on x = 0, x = 1
u = sin(pi*x)    on t = 0

exact u = exp(-kappa*pi^2*t)*sin(pi*x)

# The talk's settings (rcond 1e-6, a 2-64-1 network, a 28 x 28 grid). With the hard cut
# at 1e-6 the last decades come slowly (2e-6 after 150 steps); Tikhonov damping at the
# cut, sigma/(sigma^2 + cut^2), keeps the small directions in play: 4e-7 to 1e-6 (5 seeds).
solver anagram(steps = 500, rcond = 1e-6, damping = tikhonov)
model  mlp(width = 64, depth = 1, activation = tanh)
sample interior = 784, boundary = 87, method = grid
