# wave.pde: 1+1D wave equation u_tt = c^2 u_xx on a string fixed at both ends,
# released at rest from the shape sin(pi x). Textbook standing wave (d'Alembert:
# the sum of two travelling waves sin(pi (x -+ c t)) / 2):
#   u = sin(pi x) cos(pi c t).
# Two initial conditions: the displacement and the velocity u_t = 0.
time t in [0, 1]
x in [0, 1]
const c = 1
unknown u(t, x)

u_tt - c^2*u_xx = 0
u = 0              on x = 0, x = 1
u = sin(pi*x)      on t = 0
u_t = 0            on t = 0

exact u = sin(pi*x)*cos(pi*c*t)
