"""``python3 -m racetrack_job_wrapper run <entrypoint_path> [<entrypoint_class>]``"""

import sys

from .main import main

if __name__ == '__main__':
    sys.exit(main())
