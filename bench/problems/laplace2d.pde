# laplace2d.pde: the ANaGRAM paper's Laplace 2D benchmark (Schwencke & Furtlehner,
# ICLR 2025), after Mueller & Zeinhofer (ENGD, ICML 2023): MLP 2-32-1 (tanh),
# a 28 x 28 interior grid and 116 boundary grid points.
x in [0, 1]
y in [0, 1]
unknown u(x, y)

laplacian(u) = -2*pi^2*sin(pi*x)*sin(pi*y)
u = 0                                    on boundary

exact u = sin(pi*x)*sin(pi*y)

model  mlp(width = 32, depth = 1, activation = tanh)
sample interior = 784, boundary = 116, method = grid
