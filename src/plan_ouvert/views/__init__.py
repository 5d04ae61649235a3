"""What the outputs show, computed from the element trees: pages, browse views, follow-up, the
annual report, completeness, open data tables and the review of a change."""
