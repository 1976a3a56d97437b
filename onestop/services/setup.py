"""Setting up a workstation: write the config, create the database, load the catalog, add the first admin."""

from __future__ import annotations

from pathlib import Path

from onestop.config import Settings, write_settings
from onestop.domain import Role
from onestop.ports import FormRenderer
from onestop.services import Services, open_services


def initialise(
    db_path: Path,
    config_path: Path,
    settings: Settings,
    *,
    admin_user: str,
    admin_name: str,
    password: str,
    overwrite_config: bool = True,
    renderer: FormRenderer | None = None,
) -> Services:
    """Create or update a workstation; refuses nothing silently and is safe to run twice."""
    from onestop.services.officers import OfficerService

    services = open_services(db_path, settings, renderer=renderer)
    officers: OfficerService = services.officers
    if not any(o.username == admin_user.strip().lower() for o in officers.list()):
        officers.add(admin_user, admin_name, Role.ADMIN, password, actor="setup")
    if overwrite_config or not config_path.exists():
        write_settings(settings, config_path)
    services.audit.log(admin_user.strip().lower(), "setup", detail=f"config {config_path.name}")
    return services
