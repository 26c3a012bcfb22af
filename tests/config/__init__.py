"""Tests of the platform's configuration: settings, the production deployment checks and the Helm chart."""
