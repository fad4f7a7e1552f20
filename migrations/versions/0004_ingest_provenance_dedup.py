"""Ingest provenance (encoding, media type) and near-duplicate signatures with LSH band keys.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("encoding", sa.String(32)))
        batch.add_column(sa.Column("media_type", sa.String(32), nullable=False, server_default="text/plain"))
    op.create_table(
        "dup_signatures",
        sa.Column("report_id", sa.String(12), sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("minhash", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "dup_bands",
        sa.Column("key", sa.BigInteger, primary_key=True),
        sa.Column("report_id", sa.String(12), sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_dup_bands_report_id", "dup_bands", ["report_id"])


def downgrade() -> None:
    op.drop_table("dup_bands")
    op.drop_table("dup_signatures")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("media_type")
        batch.drop_column("encoding")
