"""Object permissions of this app (django-rules), registered when the app loads."""
