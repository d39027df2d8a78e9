"""The best a user could hand-write: a thread pool over one botocore client.

python bench/minimal_pool.py ENDPOINT_URL FUNCTION COUNT CONCURRENCY
"""

import sys
from concurrent.futures import ThreadPoolExecutor

import botocore.session
from botocore.config import Config

endpoint, function, count, concurrency = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:5])
client = botocore.session.get_session().create_client(
    "lambda", endpoint_url=endpoint, config=Config(max_pool_connections=concurrency)
)


def invoke(_: int) -> int:
    answer = client.invoke(FunctionName=function, Payload=b"{}")
    answer["Payload"].read()
    return int(answer["StatusCode"])


with ThreadPoolExecutor(concurrency) as pool:
    statuses = list(pool.map(invoke, range(count)))
assert statuses.count(200) == count, statuses[:5]
