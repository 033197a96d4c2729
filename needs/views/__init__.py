"""Pages of the needs area: the requester's pages (``requester``) and the public registry
(``registry``)."""
