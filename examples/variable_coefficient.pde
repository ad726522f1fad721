# variable_coefficient.pde: 2D diffusion with a variable coefficient in divergence
# form, -div(a grad u) = f with a(x, y) = 1 + x y, written with diff.
# Manufactured solution u = sin(pi x) sin(pi y), so
#   f = 2 pi^2 (1 + x y) sin(pi x) sin(pi y)
#       - pi y cos(pi x) sin(pi y) - pi x sin(pi x) cos(pi y).
x in [0, 1]
y in [0, 1]
unknown u(x, y)

-diff((1 + x*y)*u_x, x) - diff((1 + x*y)*u_y, y) = 2*pi^2*(1 + x*y)*sin(pi*x)*sin(pi*y) - pi*y*cos(pi*x)*sin(pi*y) - pi*x*sin(pi*x)*cos(pi*y)
u = 0                     on boundary

exact u = sin(pi*x)*sin(pi*y)
