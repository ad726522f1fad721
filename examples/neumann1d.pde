# neumann1d.pde: 1D Poisson equation -u'' = f on [0, 1] with Neumann data at both ends
# (a pure Neumann problem: only derivatives of u are given, so u is fixed only up to an
# added constant) and one point value that fixes the constant.
# Manufactured solution u = cos(pi x) + x^2/2: f = pi^2 cos(pi x) - 1, u'(0) = 0,
# u'(1) = 1, and u(1/2) = 1/8. The data are compatible: the integral of f (-1) equals
# minus the outward flux (-(u'(1) - u'(0)) = -1).
x in [0, 1]
unknown u(x)

-u_xx = pi^2*cos(pi*x) - 1
dn(u) = 0          on x = 0
dn(u) = 1          on x = 1
u = 1/8            at x = 1/2

exact u = cos(pi*x) + x^2/2
