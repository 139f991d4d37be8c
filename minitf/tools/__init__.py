"""Command-line tools behind the `minitf` command (`minitf inspect-checkpoint ...`)."""
