"""Mitogen's linear strategy (PyPI `mitogen`, pinned in requirements.txt), found here by
ansible.cfg's strategy_plugins: this file only re-exports it.

Mitogen runs each task's module in a Python interpreter it keeps on the host instead of
starting one per task, and sends modules once: the same playbooks, several times faster
(docs/BENCHMARKS.md). It takes over the connections `ssh` and `docker` (short names).
"""

from ansible_mitogen.plugins.strategy.mitogen_linear import StrategyModule

__all__ = ["StrategyModule"]
