# poisson1d.pde: 1D Poisson equation -u'' = f on [0, 1] with homogeneous Dirichlet ends.
# Textbook model problem (the first eigenfunction of -d^2/dx^2): f = pi^2 sin(pi x)
# gives u = sin(pi x). Tiny and well conditioned: a small tanh MLP trained by
# Gauss-Newton should reach a relative L2 error near 1e-10.
x in [0, 1]
unknown u(x)

-u_xx = pi^2*sin(pi*x)
u = 0                     on x = 0, x = 1

exact u = sin(pi*x)
