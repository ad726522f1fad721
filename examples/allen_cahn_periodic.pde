# allen_cahn_periodic.pde: time-dependent Allen-Cahn equation u_t = eps u_xx + u - u^3
# on a periodic x in [-1, 1] (no boundary: the only condition is the initial one).
# The small initial wave grows towards the phases u = -1 and u = 1, and interfaces
# about sqrt(2 eps) wide start to form between them. No closed-form solution: the
# reference is a Fourier pseudo-spectral solution (256 modes, ETDRK4 in time, checked
# against twice the modes and against scipy's solve_ivp to 1e-10), computed by
# bench/references/allen_cahn_periodic.py and stored beside it as a .npz file;
# tests/test_periodic_examples.py compares the trained field with it.
time t in [0, 1]
x in [-1, 1]
periodic x
const eps = 1/100
unknown u(t, x)

u_t - eps*u_xx - u + u^3 = 0
u = sin(pi*x)/2 + cos(2*pi*x)/4      on t = 0
