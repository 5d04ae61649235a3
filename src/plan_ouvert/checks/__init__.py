"""Checking the plans: the rules (generic and per programme) and the catalogue that runs them."""
