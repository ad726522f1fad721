# burgers.pde: viscous Burgers, the classic PINN benchmark: a shock forms at x = 0.
# The reference is the Cole-Hopf solution by quadrature (bench/references/burgers.py).
time t in [0, 1]
x in [-1, 1]
const nu = 0.01/pi
unknown u(t, x)

u_t + u*u_x - nu*u_xx = 0
u = 0            on x = -1, x = 1
u = -sin(pi*x)   on t = 0
