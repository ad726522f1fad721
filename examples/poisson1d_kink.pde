# poisson1d_kink.pde: 1D Poisson equation -u'' = f on [0, 1] with a source that jumps:
# f = heaviside(x - 1/2), 0 on the left half and 1 on the right. Zero Dirichlet ends.
# Exact solution, by integrating twice: u = x/8 on the left, x/8 - (x - 1/2)^2/2 on the
# right, a piecewise quadratic with a continuous slope and a jump of its second
# derivative at x = 1/2 (a kink of u'). The network is smooth, so the kink limits the
# accuracy (docs/language.md, Functions).
x in [0, 1]
unknown u(x)

-u_xx = heaviside(x - 1/2)
u = 0                     on x = 0, x = 1

exact u = x/8 - heaviside(x - 1/2)*(x - 1/2)^2/2
