"""One module per rule. `validators.registry` lists them all explicitly."""
