"""The store's search index: one engine-neutral query builder (``query``) and a thin
adapter per engine (``opensearch`` locally, ``elasticsearch`` in production)."""
