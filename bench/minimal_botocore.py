"""The floor for a botocore tool: import botocore, make one client, invoke once, print the
payload (the tool's own client comes from botocore, not boto3).

python bench/minimal_botocore.py ENDPOINT_URL FUNCTION PAYLOAD
"""

import sys

import botocore.session

client = botocore.session.get_session().create_client("lambda", endpoint_url=sys.argv[1])
response = client.invoke(FunctionName=sys.argv[2], Payload=sys.argv[3].encode(), LogType="Tail")
sys.stdout.write(response["Payload"].read().decode() + "\n")
