"""Find a named module in every installed app, in the order of INSTALLED_APPS."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from types import ModuleType

from django.apps import AppConfig, apps
from django.utils.module_loading import module_has_submodule


def app_modules(name: str) -> Iterator[tuple[AppConfig, ModuleType]]:
    """Yield ``(app_config, module)`` for each installed app that has a ``<app>.<name>`` module.

    The order of INSTALLED_APPS lets an app's module rely on what the apps before it wrote
    (``seed_demo`` runs the ``demo`` modules, ``seed_scale`` the ``scale`` modules).
    """
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, name):
            yield app_config, import_module(f"{app_config.name}.{name}")
