"""tf.distributions (TF 1.15's, before TensorFlow Probability): probability distributions as
graph ops, with sampling, densities, statistics and registered KL divergences."""

from minitf.distributions.bernoulli import Bernoulli
from minitf.distributions.beta import Beta
from minitf.distributions.categorical import Categorical
from minitf.distributions.dirichlet import Dirichlet, DirichletMultinomial
from minitf.distributions.distribution import (FULLY_REPARAMETERIZED, NOT_REPARAMETERIZED,
                                               Distribution, ReparameterizationType)
from minitf.distributions.gamma import Exponential, Gamma
from minitf.distributions.kullback_leibler import RegisterKL, kl_divergence
from minitf.distributions.laplace import Laplace
from minitf.distributions.multinomial import Multinomial
from minitf.distributions.normal import Normal
from minitf.distributions.student_t import StudentT
from minitf.distributions.uniform import Uniform

__all__ = ["Bernoulli", "Beta", "Categorical", "Dirichlet", "DirichletMultinomial",
           "Distribution", "Exponential", "FULLY_REPARAMETERIZED", "Gamma", "Laplace",
           "Multinomial", "NOT_REPARAMETERIZED", "Normal", "RegisterKL", "ReparameterizationType",
           "StudentT", "Uniform", "kl_divergence"]
