"""Database access: engine, models, migrations, importer. Never imports streamlit."""
