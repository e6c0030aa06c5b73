"""What the commands share: the configuration and database, loaded only when a command needs them."""

from __future__ import annotations

from dataclasses import dataclass, field

import click
from sqlalchemy import Engine

from app.config import AppConfig, ConfigError, InstitutionConfig
from app.config_file import load_config
from app.log_setup import configure_logging
from app.store.db import make_engine
from app.store.schema import schema_problem

# Exit status of a command that cannot start: an unusable configuration or wrong arguments (click's own).
USAGE_ERROR = 2


@dataclass
class Runtime:
    """Per invocation: the configuration read on first use, and one engine disposed when the command ends."""

    _config: AppConfig | None = None
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def config(self) -> AppConfig:
        """The validated configuration; an invalid one stops the command with one line per problem."""
        if self._config is None:
            try:
                self._config = load_config()
            except ConfigError as err:
                click.echo(str(err), err=True)
                raise click.exceptions.Exit(USAGE_ERROR) from None
            configure_logging(self._config.logging)
        return self._config

    def institution(self, institution_id: str) -> InstitutionConfig:
        """The configured institution with this id; an unknown one is a usage error naming the known ones."""
        try:
            return self.config.institution(institution_id)
        except ConfigError as err:
            raise click.UsageError(err.problems[0]) from None

    def institution_ids(self, only: str | None) -> list[str]:
        """`only` (checked) or every configured institution's id."""
        return [self.institution(only).id] if only else [i.id for i in self.config.institutions]

    def engine(self) -> Engine:
        """The database engine, whatever its schema (for `init`)."""
        if self._engine is None:
            self._engine = make_engine(self.config.database_url)
            click.get_current_context().call_on_close(self._engine.dispose)
        return self._engine

    def database(self) -> Engine:
        """The database engine, refusing a schema that is not the one this version needs."""
        engine = self.engine()
        problem = schema_problem(engine)
        if problem is not None:
            advice = "run `kursadmin init` to upgrade it" if problem.upgrade_mends else "install the newer kursadmin"
            raise click.ClickException(f"{problem.text}: {advice}")
        return engine


pass_runtime = click.make_pass_decorator(Runtime, ensure=True)
