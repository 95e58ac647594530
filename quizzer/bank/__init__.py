"""The YAML question bank: schema, loader and seeded parameters."""
