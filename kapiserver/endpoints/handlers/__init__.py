"""One module per verb (upstream endpoints/handlers)."""
