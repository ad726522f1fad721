# eigenvalue.pde: the first Dirichlet eigenpair of -u'' on [0, 1], an inverse problem
# without data: the eigenvalue lam is fitted with u, and the slope u'(0) = pi fixes the
# eigenfunction's scale (without it u = 0 would do for any lam). From the first guess
# lam = 5 the nearest eigenvalue is pi^2 (the next is 4 pi^2); textbook solution
# u = sin(pi x), lam = pi^2.
x in [0, 1]
unknown u(x)
fit lam = 5

-u_xx = lam*u
u = 0            on x = 0, x = 1
u_x = pi         on x = 0

exact u = sin(pi*x)
exact lam = pi^2
