"""tf.distributions (TF 1.15's, before TensorFlow Probability): probability distributions as
graph ops, with sampling, densities, statistics and registered KL divergences."""

from minitf.distributions.bernoulli import Bernoulli
from minitf.distributions.categorical import Categorical
from minitf.distributions.distribution import (FULLY_REPARAMETERIZED, NOT_REPARAMETERIZED,
                                               Distribution, ReparameterizationType)
from minitf.distributions.kullback_leibler import RegisterKL, kl_divergence
from minitf.distributions.laplace import Laplace
from minitf.distributions.normal import Normal
from minitf.distributions.uniform import Uniform

__all__ = ["Bernoulli", "Categorical", "Distribution", "FULLY_REPARAMETERIZED", "Laplace",
           "NOT_REPARAMETERIZED", "Normal", "RegisterKL", "ReparameterizationType", "Uniform",
           "kl_divergence"]
