# inverse_heat.pde: the heat equation u_t = kappa u_xx in 1+1 D with the diffusivity
# kappa unknown, fitted to 50 noise-free measurements of u at scattered interior points
# (data/heat.csv, made by data/make_data.py from u = exp(-pi^2 t/4) sin(pi x), the exact
# solution for kappa = 1/4). The first guess kappa = 1 is four times too large.
time t in [0, 1]
x in [0, 1]
unknown u(t, x)
fit kappa = 1

u_t - kappa*u_xx = 0
u = 0            on x = 0, x = 1
u = sin(pi*x)    on t = 0

data "data/heat.csv"

exact u = exp(-pi^2*t/4)*sin(pi*x)
exact kappa = 1/4
