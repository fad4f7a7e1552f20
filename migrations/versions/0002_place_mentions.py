"""Place mentions: which gazetteer places each report names.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "place_mentions",
        sa.Column("report_id", sa.String(12), sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("place_slug", sa.String(80), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("first_pos", sa.Integer, nullable=False),
    )
    op.create_index("ix_place_mentions_place_slug", "place_mentions", ["place_slug"])


def downgrade() -> None:
    op.drop_table("place_mentions")
