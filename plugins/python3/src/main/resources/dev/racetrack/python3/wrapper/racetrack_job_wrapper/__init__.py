"""
Racetrack python3 job wrapper.

Wraps a user-provided Python class (the "job entrypoint") in a small, fast HTTP/1.1 server
built on the Python 3.11 standard library only.

Launch it from the job's source directory::

    python3 -u -m racetrack_job_wrapper run <entrypoint_path> [<entrypoint_class>]

Modules:
  - ``main``     - command line entry, startup and graceful shutdown
  - ``config``   - settings read from environment variables
  - ``server``   - the HTTP/1.1 server (one thread per connection)
  - ``app``      - routing and the job-facing endpoints
  - ``loader``   - importing, instantiating and validating the entrypoint class
  - ``openapi``  - OpenAPI document and ``/parameters`` listing built from signatures
  - ``metrics``  - Prometheus metrics bookkeeping and text exposition
  - ``encoding`` - JSON serialisation of job results
  - ``context``  - access to the request being handled (``current_request()``)
  - ``call``     - job-to-job calls through the Racetrack gateway (``call_job``)

Importing this package is deliberately cheap: it does not pull in the server, so job code
can do ``from racetrack_job_wrapper.call import call_job`` at no cost.
"""

__version__ = '1.0.0'
