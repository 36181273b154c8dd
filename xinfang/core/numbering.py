"""Gap-free numbers (信访件编号, dispute and case numbers) from locked sequences."""

from django.db import IntegrityError, connection, transaction

from .models import NumberSequence


def sequence_next(prefix: str) -> int:
    """The next number of the gap-free sequence `prefix`.

    One UPDATE ... SET last = last + 1 takes the sequence row's lock until the
    transaction ends, so two writers never get one number; callers take it last,
    just before commit, so the lock that serialises them is held briefly."""
    taken = _increment(prefix)
    if taken is None:
        try:
            with transaction.atomic():
                NumberSequence.objects.create(prefix=prefix, last=0)
        except IntegrityError:
            pass  # created by a concurrent transaction just now
        taken = _increment(prefix)
    return taken


def _increment(prefix: str) -> int | None:
    """UPDATE ... RETURNING: the increment and its value in one statement
    (PostgreSQL, and SQLite since 3.35), where the ORM needs an UPDATE and a
    SELECT. None when the sequence does not exist yet."""
    qn = connection.ops.quote_name
    table = qn(NumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {qn('last')} = {qn('last')} + 1 "  # noqa: S608
            f"WHERE {qn('prefix')} = %s RETURNING {qn('last')}",
            [prefix],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def next_number(prefix: str, *, width: int) -> str:
    """`prefix-000042`: the next number of the sequence, zero-padded."""
    return f"{prefix}-{sequence_next(prefix):0{width}d}"


def sequence_set_at_least(prefix: str, last: int) -> None:
    """Make the sequence continue after `last` (a ledger imported with its numbers)."""
    row, _ = NumberSequence.objects.get_or_create(prefix=prefix, defaults={"last": 0})
    NumberSequence.objects.filter(pk=row.pk, last__lt=last).update(last=last)
