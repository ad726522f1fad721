# poisson2d_periodic.pde: Poisson equation -laplacian(u) = f on the periodic unit
# square (a torus: periodic in x and in y).
# Manufactured solution with zero mean, u = sin(2 pi x) sin(2 pi y) + cos(2 pi (x - y))/2,
# for which f = 8 pi^2 sin(2 pi x) sin(2 pi y) + 4 pi^2 cos(2 pi (x - y)). On a torus the
# equation fixes u only up to an added constant (f has zero mean, as it must); the mean
# condition fixes that constant.
x in [0, 1]
y in [0, 1]
periodic x, y
unknown u(x, y)

-laplacian(u) = 8*pi^2*sin(2*pi*x)*sin(2*pi*y) + 4*pi^2*cos(2*pi*(x - y))
mean(u) = 0

exact u = sin(2*pi*x)*sin(2*pi*y) + cos(2*pi*(x - y))/2
