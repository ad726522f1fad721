# advection_diffusion.pde: 1+1D advection-diffusion u_t + c u_x - nu u_xx = 0.
# Textbook exact solution: a decaying sine carried at speed c,
#   u = exp(-nu pi^2 t) sin(pi (x - c t)),
# with its own values as boundary data at x = 0 and x = 1 and sin(pi x) at t = 0.
time t in [0, 1]
x in [0, 1]
const c = 1
const nu = 1/10
unknown u(t, x)

u_t + c*u_x - nu*u_xx = 0
u = exp(-nu*pi^2*t)*sin(pi*(x - c*t))    on boundary
u = sin(pi*x)                            on t = 0

exact u = exp(-nu*pi^2*t)*sin(pi*(x - c*t))
