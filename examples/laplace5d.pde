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
# sequence covers the 5-cube more evenly: over seeds 0 to 4 the error ends at 8.9e-8 to
# 2.0e-7 with Sobol points, 1.3e-7 to 3.3e-6 with uniform ones (bench/recorded/robustness.md).
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

# Tikhonov damping at the cut (docs/solvers.md) suits this network and these points.
solver anagram(damping = tikhonov)
model  mlp(width = 64, depth = 1)
sample interior = 4000, boundary = 500, method = sobol
