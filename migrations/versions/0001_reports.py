"""Reports: text, provenance and publication date.

Revision ID: 0001
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.String(12), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("original_sha256", sa.String(64)),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("original", sa.Text, nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("source_url", sa.Text),
        sa.Column("source_id", sa.Text),
        sa.Column("published", sa.Date),
        sa.Column("date_basis", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("filename", sa.Text),
        sa.Column("retrieved_at", sa.DateTime),
        sa.Column("ingested_at", sa.DateTime, nullable=False),
        sa.Column("dup_group", sa.String(12)),
    )
    op.create_index("ix_reports_published", "reports", ["published"])
    op.create_index("ix_reports_ingested_at", "reports", ["ingested_at"])
    op.create_index("ix_reports_dup_group", "reports", ["dup_group"])


def downgrade() -> None:
    op.drop_table("reports")
