"""Path operations, one module per row of docs/contract.md, named as in every backend."""
