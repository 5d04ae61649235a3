"""Reading the plans: YAML with positions, the model, plan kinds, and each plan's element tree."""
