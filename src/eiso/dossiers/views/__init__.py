"""Pages of dossier processing, one module per area (counter and work, forms, reports, public lookup)."""
