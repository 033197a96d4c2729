"""Views of the partners area: public databases (``public``), and more."""
