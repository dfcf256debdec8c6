"""Make --run-time count from when the test starts, not from Locust's start-up.

gevent's timers count from the event loop's cached clock, which advances only
when the loop runs (https://github.com/gevent/gevent/issues/1227). Locust's
start-up (imports, this locustfile, the runner) does not yield to the loop, so
on a busy host the clock is seconds behind when Locust arms its --run-time
timer, and the run ends that much early: 3 s cells of `make bench` stopped
after 1.2-1.7 s on a loaded 2-core host. `init` fires just before Locust arms
the timer; refreshing the clock there removes the lag.
"""

import gevent
from locust import events


@events.init.add_listener
def refresh_loop_clock(**_kwargs: object) -> None:
    gevent.get_hub().loop.update_now()
