# heat.pde: heat equation in 1+1 D
time t in [0, 1]
x in [0, 1]
const kappa = 1/4
unknown u(t, x)

u_t - kappa*u_xx = 0
u = 0            on x = 0, x = 1
u = sin(pi*x)    on t = 0

exact u = exp(-kappa*pi^2*t)*sin(pi*x)

# The cut starts coarse and is refined to rcond (cut = schedule): under the Tikhonov
# damping that rcond = 1e-6 brings, the 500 steps end at 6.0e-9 to 1.3e-8 over five
# seeds, against 1.3e-8 to 9.6e-8 with the cut fixed at rcond (bench/recorded/cut-tikhonov.md).
solver anagram(steps = 500, rcond = 1e-6, cut = schedule)
model  mlp(width = 64, depth = 1, activation = tanh)
sample interior = 784, boundary = 87, method = grid
