# laplace_plate_holes.pde: Laplace's equation on a square plate with four round holes,
# PINNacle's Poisson 2D-C (Hao et al., 2024, "PINNacle: a comprehensive benchmark of
# physics-informed neural networks"): the square [-1/2, 1/2]^2 minus four disks of
# radius 1/10 centred at (+-3/10, +-3/10); u = 1 on the square's edges, u = 0 on the
# holes. No closed form: bench/plate_reference.py computes a finite element reference
# (bench/references/laplace_plate_holes.npz).
#
# The conditions are built into the network (constraint = exact). Trained as residuals,
# the run stops at u = 1/2 everywhere (loss 0.25, half the data missed on every edge and
# hole) and does not leave it: the harmonic solution bends sharply within about one
# radius of each small hole, and the flat field, whose Laplacian is zero, is a local
# minimum of the residual form. With u = g + phi*N the data hold exactly and only the
# equation is trained (bench/recorded/constraint.md: both forms, seed by seed).
region plate = rectangle((-1/2, -1/2), (1/2, 1/2))
region holes = disk((3/10, 3/10), 1/10) union disk((-3/10, 3/10), 1/10) union disk((3/10, -3/10), 1/10) union disk((-3/10, -3/10), 1/10)
(x, y) in plate minus holes
unknown u(x, y)

laplacian(u) = 0
u = 1          on plate
u = 0          on holes

model mlp(constraint = exact)
