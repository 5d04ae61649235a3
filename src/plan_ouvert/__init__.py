"""Plan ouvert: plans d'action des MRC, du YAML au site Web."""
