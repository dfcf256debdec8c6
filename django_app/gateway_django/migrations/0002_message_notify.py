"""Every stored message notifies PostgreSQL channel `message_created` with its id.

A trigger, not a NOTIFY in each backend's INSERT: a row written by any backend
(or by psql, or the admin) wakes every listener, the long polls of every
backend (routes/poll.py) and the ASGI feeds (/ws/messages, /events/messages).
The payload is the id, not the row: a NOTIFY payload is limited to 8000 bytes
and a 2000-character text can be more. PostgreSQL delivers the notification
when the inserting transaction commits, so a listener that reads the id finds
the row. https://www.postgresql.org/docs/current/sql-notify.html
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION message_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('message_created', NEW.id::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER message_notify AFTER INSERT ON message FOR EACH ROW EXECUTE FUNCTION message_notify();
"""
DROP = """
DROP TRIGGER message_notify ON message;
DROP FUNCTION message_notify();
"""


class Migration(migrations.Migration):
    dependencies = [("gateway_django", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
