"""Object permissions of pilot projects, their reports, evaluations and stories."""
