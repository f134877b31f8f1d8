"""The question bank: the YAML deck format, its loader and validator, and a parsed-deck cache."""
