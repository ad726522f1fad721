# burgers_steady.pde: steady viscous Burgers equation u u' - nu u'' = 0 on [-1, 1].
# Textbook exact solution: the viscous shock profile u = -tanh(x / (2 nu)),
# with its values as Dirichlet data at both ends. nu = 1/4 keeps the shock smooth.
x in [-1, 1]
const nu = 1/4
unknown u(x)

u*u_x - nu*u_xx = 0
u = tanh(1/(2*nu))        on x = -1
u = -tanh(1/(2*nu))       on x = 1

exact u = -tanh(x/(2*nu))
