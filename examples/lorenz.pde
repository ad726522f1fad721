# lorenz.pde: the Lorenz system with its three parameters unknown (DeepXDE's inverse
# Lorenz example): x' = sigma (y - x), y' = x (rho - z) - y, z' = x y - beta z on
# t in [0, 3] from x(0) = -8, y(0) = 7, z(0) = 27. data/lorenz.csv (made by
# data/make_data.py) holds x, y, z at the 61 times 0, 0.05, ..., 3 from scipy's DOP853
# (rtol = atol = 1e-12) with sigma = 10, rho = 15, beta = 8/3; noise-free. Every
# parameter starts at 1. There is no closed-form trajectory, so only the parameters
# have exact values. ANaGRAM's default 150 steps are not enough here: the parameters
# travel far from their guesses (about 100 steps) before the fit converges (about
# 200 steps, every parameter within 1e-5 relative).
time t in [0, 3]
unknown x(t)
unknown y(t)
unknown z(t)
fit sigma = 1
fit rho = 1
fit beta = 1

x_t = sigma*(y - x)
y_t = x*(rho - z) - y
z_t = x*y - beta*z
x = -8           on t = 0
y = 7            on t = 0
z = 27           on t = 0

data "data/lorenz.csv"

solver anagram(steps = 400)

exact sigma = 10
exact rho = 15
exact beta = 8/3
