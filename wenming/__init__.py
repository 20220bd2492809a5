"""wenming: a 文明单位创建 ledger kept as YAML files in git."""

__version__ = "0.1.0"
