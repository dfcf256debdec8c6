"""Path operations, one module per concern."""
