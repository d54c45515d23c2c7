"""isolint's built-in rules: one module per rule, each written against the public API only."""
