"""French labels of the model's enumerations, shared by pages, exports and reports."""

STATUTS_PLAN = {"projet": "Projet", "adopte": "Adopté", "en_vigueur": "En vigueur", "echu": "Échu"}
STATUTS_RESSOURCE = {
    "nouvelle": "Nouvelle ressource",
    "existante": "Ressource existante",
    "promotion_interne": "Promotion interne",
}
STATUTS_SUIVI = {
    "a_venir": "À venir",
    "en_cours": "En cours",
    "realise": "Réalisé",
    "reporte": "Reporté",
    "abandonne": "Abandonné",
}
TEMPS = {"plein": "temps plein", "partiel": "temps partiel"}
