# biharmonic1d.pde: fourth-order 1D problem u'''' = f on [0, 1], the Euler-Bernoulli
# beam under a load f, simply supported at both ends (u = 0 and u'' = 0).
# Textbook / manufactured: the load pi^4 sin(pi x) gives the deflection u = sin(pi x).
x in [0, 1]
unknown u(x)

diff(u, x, 4) = pi^4*sin(pi*x)
u = 0                 on x = 0, x = 1
u_xx = 0              on x = 0, x = 1

exact u = sin(pi*x)
