# oscillator.pde: a first-order system of two unknowns in 1D, the harmonic oscillator
# u' = v, v' = -u written as an initial-value problem in x on one period [0, 2 pi],
# with both values given at x = 0 only. Textbook solution u = sin(x), v = cos(x).
x in [0, 2*pi]
unknown u(x)
unknown v(x)

u_x - v = 0
v_x + u = 0
u = 0                on x = 0
v = 1                on x = 0

exact u = sin(x)
exact v = cos(x)
