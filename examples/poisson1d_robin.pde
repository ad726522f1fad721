# poisson1d_robin.pde: 1D Poisson equation -u'' = f on [0, 1] with a Neumann condition
# at x = 0 and a Robin condition dn(u) + u = g at x = 1.
# Manufactured solution u = cos(pi x / 2) + x:
#   -u''          = pi^2/4 cos(pi x / 2)
#   dn(u) at x=0  = -u'(0)        = -1
#   dn(u) + u at x=1 = u'(1) + u(1) = (1 - pi/2) + 1 = 2 - pi/2
# Neumann + Robin with a positive coefficient make the solution unique.
x in [0, 1]
unknown u(x)

-u_xx = pi^2/4*cos(pi*x/2)
dn(u) = -1                on x = 0
dn(u) + u = 2 - pi/2      on x = 1

exact u = cos(pi*x/2) + x
