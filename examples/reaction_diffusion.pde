# reaction_diffusion.pde: Fisher-KPP reaction-diffusion equation u_t = u_xx + u (1 - u)
# in 1+1 D. Exact travelling front of Ablowitz & Zeppetella (1979), speed 5/sqrt(6):
#   u = 1 / (1 + exp(x/sqrt(6) - 5 t/6))^2,
# with its own values as boundary data at x = -5, x = 5 and at t = 0.
time t in [0, 1]
x in [-5, 5]
unknown u(t, x)

u_t - u_xx - u*(1 - u) = 0
u = 1/(1 + exp(x/sqrt(6) - 5*t/6))^2      on boundary
u = 1/(1 + exp(x/sqrt(6)))^2              on t = 0

exact u = 1/(1 + exp(x/sqrt(6) - 5*t/6))^2
