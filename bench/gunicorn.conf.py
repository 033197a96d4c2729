"""The load benchmark's gunicorn reads this file instead of the production ``gunicorn.conf.py``:
``bench/load.py`` sets every option on the command line, and no worker is recycled mid-run (its
memory is one of the figures)."""
