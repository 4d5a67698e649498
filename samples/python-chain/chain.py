"""A sample job calling another job: one line with racetrack_job_wrapper.call.call_job."""
from racetrack_job_wrapper.call import call_job


class Chain:
    def perform(self, numbers: list[float], via: str = "python-adder") -> float:
        """Add numbers by asking another job (python-adder unless `via` names another) and round the sum.

        The call goes through the gateway with this job family's token; the tracing id and the
        caller of the current request are passed along.
        """
        total = call_job(via, "/api/v1/perform", {"numbers": numbers})
        return round(total)

    def docs_input_example(self) -> dict:
        return {"numbers": [40, 2.7]}
