"""A small SQLAlchemy app: the models strata's ORM test hands to strata.

`python models.py ddl DIALECT` prints the DDL SQLAlchemy emits for
DIALECT (sqlite or postgresql); `python models.py create_all URL` builds
the schema on a database the way the application would.
"""

import sys

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    func,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.schema import CreateIndex, CreateTable


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[DateTime] = mapped_column(DateTime, server_default=func.current_timestamp())


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("customer_id", "number", name="orders_customer_number"),
        CheckConstraint("total >= 0", name="orders_total_positive"),
        Index("orders_placed", "placed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    number: Mapped[int]
    total: Mapped[float] = mapped_column(Numeric(12, 2))
    note: Mapped[str | None] = mapped_column(Text)
    placed_at: Mapped[DateTime] = mapped_column(DateTime)


DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}


def ddl(dialect_name):
    dialect = DIALECTS[dialect_name]
    out = []
    for table in Base.metadata.sorted_tables:
        out.append(str(CreateTable(table).compile(dialect=dialect)).strip() + ";")
        for index in sorted(table.indexes, key=lambda i: i.name):
            out.append(str(CreateIndex(index).compile(dialect=dialect)).strip() + ";")
    return "\n\n".join(out) + "\n"


if __name__ == "__main__":
    if sys.argv[1] == "ddl":
        sys.stdout.write(ddl(sys.argv[2]))
    elif sys.argv[1] == "create_all":
        Base.metadata.create_all(create_engine(sys.argv[2]))
    else:
        sys.exit("usage: models.py ddl sqlite|postgresql | models.py create_all URL")
