# laplace.pde: Laplace equation on the unit square (the first example of the ANaGRAM paper)
x in [0, 1]
y in [0, 1]
unknown u(x, y)

laplacian(u) = -2*pi^2*sin(pi*x)*sin(pi*y)
u = 0                                    on boundary

exact u = sin(pi*x)*sin(pi*y)
