"""SQLAlchemy storage: models, engine, migrations, repositories, backups. ORM rows never leave here."""
