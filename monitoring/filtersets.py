"""One FilterSet per model, shared by the HTML lists, the API and exports."""
