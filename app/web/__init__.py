"""The web layer: HTML pages and their JSON twins, both thin over `app.search.service`."""
