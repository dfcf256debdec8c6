"""One module per contract row, the same module names on every backend (docs/contract.md)."""
