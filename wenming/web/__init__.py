"""`wenming serve`: the ledger as local web pages over the same use cases as the CLI."""
