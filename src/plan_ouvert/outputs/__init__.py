"""Writing the results: HTML fragments, the published site and its checks, schemas, new plan files."""
