"""A sample python job: adds numbers."""


class Adder:
    def perform(self, numbers: list[float]) -> float:
        """Add numbers.

        :param numbers: the numbers to add
        :return: their sum
        """
        return sum(numbers)

    def docs_input_example(self) -> dict:
        """Example input shown in the job's Swagger page."""
        return {"numbers": [40, 2]}
