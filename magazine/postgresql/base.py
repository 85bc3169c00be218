"""
Django's PostgreSQL backend, with a health check that costs no round trip to the server.

``CONN_HEALTH_CHECKS`` makes Django check a kept connection before the first query of each request, by
sending ``SELECT 1``. On a page that needs one query, that was a second round trip, and as much of the
server's work again. A connection the server has closed (a restart, ``pg_terminate_backend``, an idle
timeout) is found without asking the server: libpq marks it closed once it saw the connection fail, and
otherwise the server's last words (an error, then the end of the stream) are waiting on the socket, where an
idle connection in good health has nothing to read.
"""

import select

from django.db.backends.postgresql import base

# libpq's transaction states (PQtransactionStatus) in which a connection can take a query.
IDLE, IN_TRANSACTION = 0, 2


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if not hasattr(select, "poll"):  # Windows
            return super().is_usable()
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.info.transaction_status not in (IDLE, IN_TRANSACTION):
            return False  # a failed transaction, a query still running, or a broken connection
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
            return not poller.poll(0)  # anything to read, or the end of the stream: the server is gone
        except (OSError, ValueError):
            return False
