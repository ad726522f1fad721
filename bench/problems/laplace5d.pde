# laplace5d.pde: the ANaGRAM paper's 5D Laplace benchmark, after Mueller & Zeinhofer
# (ENGD, ICML 2023): -laplacian(u) = pi^2/4 sum_i sin(pi x_i / 2) on [0, 1]^5,
# MLP 5-64-1 (tanh), 4000 interior and 500 boundary points drawn uniformly.
x1 in [0, 1]
x2 in [0, 1]
x3 in [0, 1]
x4 in [0, 1]
x5 in [0, 1]
unknown u(x1, x2, x3, x4, x5)

-laplacian(u) = pi^2/4*(sin(pi*x1/2) + sin(pi*x2/2) + sin(pi*x3/2) + sin(pi*x4/2) + sin(pi*x5/2))
u = sin(pi*x1/2) + sin(pi*x2/2) + sin(pi*x3/2) + sin(pi*x4/2) + sin(pi*x5/2)    on boundary

exact u = sin(pi*x1/2) + sin(pi*x2/2) + sin(pi*x3/2) + sin(pi*x4/2) + sin(pi*x5/2)

model  mlp(width = 64, depth = 1, activation = tanh)
sample interior = 4000, boundary = 500, method = uniform
