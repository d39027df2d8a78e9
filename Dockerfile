# The action's image. The base is python:3.12-slim pinned by digest; tests that cannot
# pull it swap in a stand-in with --build-arg BASE_IMAGE=... (the Dockerfile is otherwise the same).
ARG BASE_IMAGE=python:3.12-slim@sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea
FROM ${BASE_IMAGE}

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/opt/lambda-invoke/src \
    LAMBDA_INVOKE_CACHE=/opt/lambda-invoke/cache

# Dependencies first, in their own layer, from the pinned list. In the same layer: only the
# botocore models of the services the tool calls stay (botodata.SERVICES), and the small
# endpoints.json that every client reads is made now, not at each run.
COPY requirements/runtime.txt /opt/lambda-invoke/requirements/runtime.txt
COPY src/lambda_invoke/botodata.py /opt/lambda-invoke/build/botodata.py
RUN pip install --no-cache-dir -r /opt/lambda-invoke/requirements/runtime.txt \
    && python /opt/lambda-invoke/build/botodata.py --prune

COPY entrypoint.py /opt/lambda-invoke/entrypoint.py
COPY src /opt/lambda-invoke/src
RUN python -m compileall -q /opt/lambda-invoke

ENTRYPOINT ["/usr/local/bin/python", "/opt/lambda-invoke/entrypoint.py"]
