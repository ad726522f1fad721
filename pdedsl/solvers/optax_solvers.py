"""First-order baselines through optax: Adam and L-BFGS, one optimizer iteration a step.

The optimizer's state is the solver's state. Each step is one compiled call with one
loss-and-gradient evaluation (L-BFGS: plus its zoom line search), so a run of 20000
Adam steps costs 20000 small calls and nothing else on the host.
"""

from __future__ import annotations

import equinox as eqx
import jax
import optax

from ..language.settings import SOLVERS
from ..least_squares import LeastSquares


class Adam(eqx.Module):
    """Adam with an exponentially decaying rate: lr · 0.1^(step / decay_steps).

    `info["loss"]` is the loss at the θ the step started from (the gradient's point):
    computing it at the new θ would cost one more forward pass a step.
    """

    lr: float = SOLVERS["adam"]["lr"].default
    decay_steps: int = SOLVERS["adam"]["decay_steps"].default

    def optimizer(self) -> optax.GradientTransformation:
        return optax.adam(optax.exponential_decay(self.lr, self.decay_steps, 0.1))

    def init(self, ls: LeastSquares, theta: jax.Array):
        return self.optimizer().init(theta)

    def step(self, ls: LeastSquares, theta: jax.Array, state):
        loss, grad = jax.value_and_grad(ls.loss)(theta)
        updates, state = self.optimizer().update(grad, state, theta)
        return optax.apply_updates(theta, updates), state, {"loss": loss}

    def filter_of(self, info: dict) -> None:
        return None


class Lbfgs(eqx.Module):
    """L-BFGS (`optax.lbfgs`) with its zoom line search; `memory` past updates kept.

    The line search leaves the value at the new θ in the state: that is `info["loss"]`,
    and the next step reuses it (and its gradient) instead of recomputing them.
    """

    memory: int = SOLVERS["lbfgs"]["memory"].default

    def optimizer(self) -> optax.GradientTransformationExtraArgs:
        return optax.lbfgs(memory_size=self.memory)

    def init(self, ls: LeastSquares, theta: jax.Array):
        return self.optimizer().init(theta)

    def step(self, ls: LeastSquares, theta: jax.Array, state):
        value, grad = optax.value_and_grad_from_state(ls.loss)(theta, state=state)
        updates, state = self.optimizer().update(
            grad, state, theta, value=value, grad=grad, value_fn=ls.loss
        )
        theta = optax.apply_updates(theta, updates)
        return theta, state, {"loss": optax.tree.get(state, "value")}

    def filter_of(self, info: dict) -> None:
        return None
