"""One module per row of the endpoint contract (docs/contract.md), named alike in every backend."""
