"""The floor for a boto3 tool: import boto3, make one client, invoke once, print the payload.

python bench/minimal_boto3.py ENDPOINT_URL FUNCTION PAYLOAD
"""

import sys

import boto3

client = boto3.client("lambda", endpoint_url=sys.argv[1])
response = client.invoke(FunctionName=sys.argv[2], Payload=sys.argv[3].encode(), LogType="Tail")
sys.stdout.write(response["Payload"].read().decode() + "\n")
