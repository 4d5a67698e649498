"""A sample python job with a web page of its own (a Flask app), as jobs of the original Racetrack have."""

from flask import Flask, jsonify, render_template, request


class Greeter:
    def perform(self, name: str = "world") -> str:
        """Greet someone.

        :param name: who to greet
        :return: the greeting
        """
        return f"Hello, {name}!"

    def docs_input_example(self) -> dict:
        return {"name": "Racetrack"}

    def webview_app(self, base_url: str):
        """The job's web pages: a WSGI app whose routes live under base_url
        (/pub/job/python-webview/<version>/api/v1/webview)."""
        app = Flask(__name__, template_folder="templates")

        @app.route(base_url + "/")
        def index():
            return render_template("index.html", base_url=base_url, name=request.args.get("name", "world"))

        @app.route(base_url + "/greet", methods=["POST"])
        def greet():
            payload = request.get_json(silent=True) or {}
            return jsonify({"greeting": self.perform(str(payload.get("name", "world")))})

        return app
