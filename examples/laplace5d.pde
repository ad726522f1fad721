# laplace5d.pde: the "5D Laplace" benchmark of the ANaGRAM paper (Schwencke &
# Furtlehner, ICLR 2025), taken from Mueller & Zeinhofer's energy natural gradient
# paper (ENGD, ICML 2023): a Poisson problem on the unit 5-cube,
#   -laplacian(u) = pi^2/4 * sum_i sin(pi x_i / 2)   in [0, 1]^5,
#    u = sum_i sin(pi x_i / 2)                        on the boundary,
# whose solution is u = sum_i sin(pi x_i / 2).
# (The authors' published scripts use the variant u = sum_i sin(pi x_i),
# -laplacian(u) = pi^2 u; the network and sample sizes below are the same.)
# The paper's network and sample sizes: one hidden layer of 64 tanh units, 4000
# interior and 500 boundary points. The paper draws them uniformly; a scrambled Sobol
# sequence covers the 5-cube more evenly, and the error that 4000 uniform points leave
# (1.2e-5 on 2 seeds of 5) falls to 5.4e-7 to 8.2e-6 (seeds 0 to 4).
# bench/problems/laplace5d.pde keeps the paper's settings exactly.
x1 in [0, 1]
x2 in [0, 1]
x3 in [0, 1]
x4 in [0, 1]
x5 in [0, 1]
unknown u(x1, x2, x3, x4, x5)

-laplacian(u) = pi^2/4*(sin(pi*x1/2) + sin(pi*x2/2) + sin(pi*x3/2) + sin(pi*x4/2) + sin(pi*x5/2))
u = sin(pi*x1/2) + sin(pi*x2/2) + sin(pi*x3/2) + sin(pi*x4/2) + sin(pi*x5/2)    on boundary

exact u = sin(pi*x1/2) + sin(pi*x2/2) + sin(pi*x3/2) + sin(pi*x4/2) + sin(pi*x5/2)

# With the hard cut this network ends between 8e-6 and 4e-5 depending on the seed
# (uniform points); with Tikhonov damping at the cut (docs/solvers.md) it does better.
solver anagram(damping = tikhonov)
model  mlp(width = 64, depth = 1)
sample interior = 4000, boundary = 500, method = sobol
