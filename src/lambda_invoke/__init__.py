"""Invoke an AWS Lambda function and turn the answer into something a pipeline can act on."""

__version__ = "0.1.0"
