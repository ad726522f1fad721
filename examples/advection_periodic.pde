# advection_periodic.pde: linear advection u_t + u_x = 0 on a periodic x in [0, 1].
# Textbook exact solution: the initial wave carried to the right at speed 1,
#   u = sin(2 pi (x - t)),
# which leaves through x = 1 and comes back through x = 0. `periodic x` builds the
# periodicity into the network (it reads x through cos and sin of 2 pi x), so the only
# condition is the initial one and no point is spent on the two ends.
time t in [0, 1]
x in [0, 1]
periodic x
unknown u(t, x)

u_t + u_x = 0
u = sin(2*pi*x)       on t = 0

exact u = sin(2*pi*(x - t))
