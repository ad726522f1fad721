# inverse_reaction.pde: steady reaction-diffusion -u'' + k u = f on [0, 1] with the
# reaction rate k unknown. Manufactured solution u = exp(x) sin(pi x) with k = 2, so
#   f = exp(x) ((pi^2 + 1) sin(pi x) - 2 pi cos(pi x)).
# data/reaction.csv (made by data/make_data.py) holds u at 50 points drawn uniformly
# in (0, 1) with additive Gaussian noise: u + eps, eps ~ N(0, sigma^2) independent,
# sigma = 1% of max |u| on [0, 1]. With the noise, the fitted k differs from 2 by about
# its standard error.
x in [0, 1]
unknown u(x)
fit k = 1

-u_xx + k*u = exp(x)*((pi^2 + 1)*sin(pi*x) - 2*pi*cos(pi*x))
u = 0            on x = 0, x = 1

data "data/reaction.csv"

exact u = exp(x)*sin(pi*x)
exact k = 2
