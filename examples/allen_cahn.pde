# allen_cahn.pde: steady 1D Allen-Cahn equation -eps u'' + u^3 - u = 0 on [-1, 1].
# Textbook exact solution: the interface ("kink") between the phases u = -1 and u = 1,
#   u = tanh(x / sqrt(2 eps)),
# with its values as Dirichlet data at both ends. With eps = 1/8 the interface has
# width ~ 1 and (by a phase-plane argument) the kink is the only solution with
# these end values.
# (The ANaGRAM paper also reports an Allen-Cahn experiment; this file is not that
# benchmark but a self-contained steady problem with a closed-form solution.)
x in [-1, 1]
const eps = 1/8
unknown u(x)

-eps*u_xx + u^3 - u = 0
u = -tanh(1/sqrt(2*eps))       on x = -1
u = tanh(1/sqrt(2*eps))        on x = 1

exact u = tanh(x/sqrt(2*eps))
