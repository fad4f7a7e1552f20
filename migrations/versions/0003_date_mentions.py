"""Date mentions: dates named in each report's text, resolved to ranges.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "date_mentions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("report_id", sa.String(12), sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("date_from", sa.Date, nullable=False),
        sa.Column("date_to", sa.Date, nullable=False),
        sa.Column("precision", sa.String(16), nullable=False),
        sa.Column("relative", sa.Boolean, nullable=False),
    )
    op.create_index("ix_date_mentions_report_id", "date_mentions", ["report_id"])
    op.create_index("ix_date_mentions_range", "date_mentions", ["date_from", "date_to"])


def downgrade() -> None:
    op.drop_table("date_mentions")
